"""The open-loop run: requests leave at a constant rate, whatever the server does.

Request i is due at start + i / rate. When the scheduler wakes it launches every request that
is due, each timed from its due time, so a stalled server or a busy client shows in the
latencies instead of slowing the arrivals down (no coordinated omission, as in wrk2, vegeta and
k6's constant-arrival-rate). The event loop's timers have a resolution of 1 ms, so a request
may leave up to 1 ms early rather than up to 1 ms late; it is then timed from the moment it
left. In short, latency runs from the earlier of the due time and the actual send. When every
connection is busy a request waits in line (pool.py), still timed from its due time: no
setting of --concurrency can make a stall look smaller.

A run may be shared by several processes (`share`): process k of n sends requests k, k+n,
k+2n, ... on its part of the connections, from a start time they agree on, and their recorders
merge exactly (parallel.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

from backendkit.loadtest.http import client_tls_context
from backendkit.loadtest.plan import LoadPlan, weighted_cycle
from backendkit.loadtest.pool import Pool
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
    p95_ms: float  # of the requests due in the last whole second


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


@dataclass(frozen=True)
class Share:
    """This process's part of a run shared by COUNT processes, starting at wall time START."""

    index: int = 0
    count: int = 1
    start: float | None = None  # time.time() of the first due time; None: shortly from now

    def connections(self, concurrency: int) -> int:
        """This process's part of the pool (at least one connection)."""
        part, rest = divmod(concurrency, self.count)
        return max(1, part + (1 if self.index < rest else 0))


class _Run:
    def __init__(self, plan: LoadPlan, share: Share) -> None:
        self.plan = plan
        self.share = share
        self.loop = asyncio.get_running_loop()
        self.interval = 1.0 / plan.rate
        self.warm = plan.warmup_requests
        tls = client_tls_context(verify=plan.verify_tls)  # slow: before the clock starts
        now = self.loop.time()
        self.start = now + (_LEAD if share.start is None else share.start - time.time())
        self.recorder = Recorder(len(plan.endpoints), self.start + self.warm * self.interval)
        self.pool = Pool(
            plan.origin,
            share.connections(plan.concurrency),
            tls,
            payloads=plan.payloads(),
            heads=[e.method == "HEAD" for e in plan.endpoints],
            recorder=self.recorder,
            timeout=plan.timeout,
            keepalive=plan.keepalive,
        )
        self.last_send = self.recorder.window_start
        self.launches = 0  # warm-up included, for the live rate

    async def schedule(self) -> None:
        """Launch every request on time; return once the last one is launched.

        Each wake is a plain timer callback (no task, future or coroutine per wake).
        """
        self._order = weighted_cycle([e.weight for e in self.plan.endpoints])
        self._next = self.share.index
        self._done: asyncio.Future[None] = self.loop.create_future()
        self._launch()
        await self._done

    def _launch(self) -> None:
        try:
            self._launch_due()
        except Exception as exc:  # surfaces in run_load, as it would from a task
            if not self._done.done():
                self._done.set_exception(exc)

    def _launch_due(self) -> None:
        order, cycle = self._order, len(self._order)
        total = self.warm + self.plan.measured_requests
        loop, submit = self.loop, self.pool.submit
        record_lag = self.recorder.scheduler_lag.record  # once per request: no wrapper call
        start, interval, warm = self.start, self.interval, self.warm
        i, step = self._next, self.share.count
        now = loop.time()
        horizon = now + _EARLY
        while i < total:
            intended = start + i * interval
            if intended > horizon:
                break
            measured = i >= warm
            if measured:
                record_lag(int((now - intended) * 1e6) if now > intended else 0)
                self.last_send = now
            self.launches += 1
            submit((order[i % cycle], intended, measured), now)
            i += step
        self._next = i
        if i >= total:
            if not self._done.done():
                self._done.set_result(None)
            return
        # Wake no later than the next due time (the selector rounds timeouts up to 1 ms), and
        # not before half of _EARLY from now: that request is due after the horizon, so it is
        # still not late, and at high rates each wake launches a batch instead of the loop
        # turning once per request.
        loop.call_at(max(start + i * interval - _EARLY, now + _EARLY / 2), self._launch)

    async def report_progress(self, callback: Callable[[Progress], None], every: float) -> None:
        previous_sent, previous_time = 0, self.loop.time()
        while True:
            await asyncio.sleep(every)
            now = self.loop.time()
            rate = (self.launches - previous_sent) / max(now - previous_time, 1e-9)
            previous_sent, previous_time = self.launches, now
            callback(progress_at(self.plan, self.recorder, self.start, now, rate))


async def run_load(
    plan: LoadPlan,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    progress_every: float = 1.0,
    share: Share | None = None,
) -> RunResult:
    """Run PLAN (or this process's SHARE of it) and return its measurements.

    ON_PROGRESS is called every PROGRESS_EVERY seconds.
    """
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    run = _Run(plan, share or Share())
    ticker = (
        asyncio.create_task(run.report_progress(on_progress, progress_every))
        if on_progress
        else None
    )
    try:
        await run.schedule()
        await run.pool.settle()
    finally:
        if ticker:
            ticker.cancel()
    window_end = run.start + (run.warm + plan.measured_requests) * run.interval
    return finished(plan, run.recorder, started_at, window_end, run.last_send)


def progress_at(
    plan: LoadPlan, recorder: Recorder, start: float, now: float, rate: float
) -> Progress:
    """The run's progress at NOW (either engine's clock), sending at RATE lately."""
    total_time = plan.warmup + plan.duration
    timeline = recorder.timeline
    last = int(now - recorder.window_start) - 1  # the last whole second
    recent = timeline[last] if 0 <= last < len(timeline) else None
    return Progress(
        elapsed=min(now - start, total_time),
        total=total_time,
        warming_up=now < recorder.window_start,
        rate=rate,
        sent=sum(t.sent for t in timeline),
        replies=sum(t.replies for t in timeline),
        errors=sum(t.http_errors + sum(t.transport_errors.values()) for t in timeline),
        p95_ms=recent.latency.percentile(95) / 1000 if recent else 0.0,
    )


def finished(
    plan: LoadPlan, recorder: Recorder, started_at: str, window_end: float, last_send: float
) -> RunResult:
    """A run's result: its sends spanned until the window's end or the last late send."""
    return RunResult(
        plan=plan,
        recorder=recorder,
        started_at=started_at,
        intended=plan.measured_requests,
        send_span=max(window_end, last_send) - recorder.window_start,
    )


def run_load_sync(
    plan: LoadPlan,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    progress_every: float = 1.0,
    share: Share | None = None,
) -> RunResult:
    """`run_load` with the start-up garbage moved out of the collector.

    Plain http runs on the epoll engine (engine.py) where select has epoll; TLS, or a system
    without epoll, runs in a fresh asyncio event loop.
    """
    from backendkit.loadtest import engine

    gc.collect()
    gc.freeze()  # older objects are never scanned again: shorter collector pauses mid-run
    try:
        if engine.AVAILABLE and plan.origin.scheme == "http":
            return engine.run_epoll(
                plan, on_progress=on_progress, progress_every=progress_every, share=share
            )
        return asyncio.run(
            run_load(plan, on_progress=on_progress, progress_every=progress_every, share=share)
        )
    finally:
        gc.unfreeze()
