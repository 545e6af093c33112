"""The open-loop run: requests leave at a constant rate, whatever the server does.

Request i is due at start + i / rate. When the scheduler wakes it launches every request that
is due, each timed from its due time, so a stalled server or a busy client shows in the
latencies instead of slowing the arrivals down (no coordinated omission, as in wrk2, vegeta and
k6's constant-arrival-rate). The event loop's timers have a resolution of 1 ms, so a request
may leave up to 1 ms early rather than up to 1 ms late; it is then timed from the moment it
left. In short, latency runs from the earlier of the due time and the actual send. When every
connection is busy a request waits in line, still timed from its due time. The line holds at
most as many requests as the pool; past that a due request is dropped, counted, and reported,
because sending it later would no longer be the load that was asked for.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
from collections.abc import Callable
from dataclasses import dataclass

from backendkit.loadtest.http import client_tls_context
from backendkit.loadtest.plan import LoadPlan, weighted_cycle
from backendkit.loadtest.pool import ConnectionPool, error_kind
from backendkit.loadtest.recorder import Recorder

_LEAD = 0.02  # seconds between set-up and the first due time
_EARLY = 0.001  # epoll's timeout resolution: launch what falls due within it


@dataclass(frozen=True)
class Progress:
    """A snapshot for live display."""

    elapsed: float
    total: float
    warming_up: bool
    rate: float  # sends per second since the previous snapshot
    sent: int
    replies: int
    errors: int
    p95_ms: float


@dataclass
class RunResult:
    """What a run measured, with the times needed to turn counts into rates."""

    plan: LoadPlan
    recorder: Recorder
    started_at: str  # wall clock, ISO 8601
    intended: int  # measured requests that were due
    send_span: float  # seconds from the window's start to the last measured send (or its end)

    @property
    def reply_span(self) -> float:
        """Seconds from the window's start to the last reply (at least the send span)."""
        recorder = self.recorder
        return max(self.send_span, recorder.last_completion - recorder.window_start)


class _Run:
    def __init__(self, plan: LoadPlan) -> None:
        self.plan = plan
        self.loop = asyncio.get_running_loop()
        self.pool = ConnectionPool(
            plan.origin,
            plan.concurrency,
            client_tls_context(verify=plan.verify_tls),
            keepalive=plan.keepalive,
        )
        self.payloads = plan.payloads()
        self.heads = [e.method == "HEAD" for e in plan.endpoints]
        self.interval = 1.0 / plan.rate
        self.warm = plan.warmup_requests
        self.start = self.loop.time() + _LEAD
        self.recorder = Recorder(len(plan.endpoints), self.start + self.warm * self.interval)
        self.pending: set[asyncio.Task[None]] = set()
        self.last_send = self.recorder.window_start
        self.launches = 0  # warm-up included, for the live rate

    async def schedule(self) -> None:
        order = weighted_cycle([e.weight for e in self.plan.endpoints])
        cycle = len(order)
        total = self.warm + self.plan.measured_requests
        limit = 2 * self.plan.concurrency  # in flight plus the line
        loop, recorder, pending = self.loop, self.recorder, self.pending
        i = 0
        while i < total:
            horizon = loop.time() + _EARLY
            while i < total:
                intended = self.start + i * self.interval
                if intended > horizon:
                    break
                measured = i >= self.warm
                if len(pending) >= limit:
                    if measured:
                        recorder.dropped += 1
                else:
                    self.launches += 1
                    task = loop.create_task(self.request(order[i % cycle], intended, measured))
                    pending.add(task)
                    task.add_done_callback(pending.discard)
                i += 1
            if i < total:
                # wake no later than the next due time: the selector rounds timeouts up to 1 ms
                await asyncio.sleep(self.start + i * self.interval - _EARLY - loop.time())

    async def request(self, endpoint: int, intended: float, measured: bool) -> None:
        pool, recorder = self.pool, self.recorder
        launched = self.loop.time()
        origin = min(intended, launched)  # late: from the due time; early: from the send
        if measured:
            recorder.launched(launched - intended)
            self.last_send = max(self.last_send, launched)
            if pool.busy:
                recorder.queued += 1
        slot = await pool.acquire()
        if measured:
            recorder.sent(endpoint, intended)
        try:
            async with asyncio.timeout(self.plan.timeout):
                response = await pool.send(slot, self.payloads[endpoint], head=self.heads[endpoint])
        except Exception as exc:  # every failure is a measured outcome, not a crash
            done = self.loop.time()
            if slot.connection is not None:
                slot.connection.reusable = False
            pool.release(slot)
            if measured:
                recorder.failure(endpoint, intended, done - origin, error_kind(exc))
            return
        done = self.loop.time()
        pool.release(slot)
        if measured:
            recorder.reply(endpoint, intended, done - origin, response.status)

    async def report_progress(self, callback: Callable[[Progress], None], every: float) -> None:
        total_time = self.plan.warmup + self.plan.duration
        previous_sent, previous_time = 0, self.loop.time()
        while True:
            await asyncio.sleep(every)
            now = self.loop.time()
            tally = self.recorder.total
            rate = (self.launches - previous_sent) / max(now - previous_time, 1e-9)
            previous_sent, previous_time = self.launches, now
            callback(
                Progress(
                    elapsed=min(now - self.start, total_time),
                    total=total_time,
                    warming_up=now < self.recorder.window_start,
                    rate=rate,
                    sent=tally.sent,
                    replies=tally.replies,
                    errors=tally.http_errors + sum(tally.transport_errors.values()),
                    p95_ms=tally.latency.percentile(95) / 1000,
                )
            )

    async def drain(self) -> None:
        while self.pending:
            await asyncio.wait(set(self.pending))
        self.pool.close()


async def run_load(
    plan: LoadPlan,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    progress_every: float = 1.0,
) -> RunResult:
    """Run PLAN and return its measurements; ON_PROGRESS is called every PROGRESS_EVERY s."""
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    run = _Run(plan)
    ticker = (
        asyncio.create_task(run.report_progress(on_progress, progress_every))
        if on_progress
        else None
    )
    try:
        await run.schedule()
        await run.drain()
    finally:
        if ticker:
            ticker.cancel()
    window_end = run.start + (run.warm + plan.measured_requests) * run.interval
    return RunResult(
        plan=plan,
        recorder=run.recorder,
        started_at=started_at,
        intended=plan.measured_requests,
        send_span=max(window_end, run.last_send) - run.recorder.window_start,
    )


def run_load_sync(
    plan: LoadPlan,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    progress_every: float = 1.0,
) -> RunResult:
    """`run_load` in a fresh event loop, with the start-up garbage moved out of the collector."""
    gc.collect()
    gc.freeze()  # older objects are never scanned again: shorter collector pauses mid-run
    try:
        return asyncio.run(run_load(plan, on_progress=on_progress, progress_every=progress_every))
    finally:
        gc.unfreeze()
