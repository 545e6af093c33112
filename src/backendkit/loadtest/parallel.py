"""`--processes N`: one run shared by N processes, so the load generator can use every core.

Process k sends requests k, k+N, k+2N, ... of the one schedule, on its part of the
connections, from a start time given once all are ready; the parent merges their recorders.
The histograms merge by adding counts, so the merged percentiles are exactly those one
process recording everything would report. Processes are spawned, not forked: an event loop
and its threads do not survive a fork.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.queues import Queue
from typing import Any

from backendkit.loadtest.plan import LoadPlan
from backendkit.loadtest.scheduler import Progress, RunResult, Share, run_load_sync

_START_LEAD = 0.1  # seconds from "all ready" to the first due time
_READY_TIMEOUT = 60.0


def run_plan(
    plan: LoadPlan,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    progress_every: float = 1.0,
) -> RunResult:
    """Run PLAN in this process, or shared by its `processes` and merged."""
    processes = plan.processes
    if processes == 1:
        return run_load_sync(plan, on_progress=on_progress, progress_every=progress_every)
    context = multiprocessing.get_context("spawn")
    messages: Queue[tuple[str, int, Any]] = context.Queue()
    pipes = [context.Pipe(duplex=False) for _ in range(processes)]
    children = [
        context.Process(
            target=_child,
            args=(plan, index, processes, pipes[index][0], messages, on_progress is not None),
            daemon=True,
        )
        for index in range(processes)
    ]
    for child in children:
        child.start()
    try:
        return _collect(plan, children, pipes, messages, on_progress)
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
            child.join()


def _collect(
    plan: LoadPlan,
    children: list[Any],
    pipes: list[tuple[Connection, Connection]],
    messages: Queue[tuple[str, int, Any]],
    on_progress: Callable[[Progress], None] | None,
) -> RunResult:
    count = len(children)
    ready = 0
    while ready < count:
        kind, _, value = messages.get(timeout=_READY_TIMEOUT)
        if kind == "error":
            raise RuntimeError(f"a load process failed: {value}")
        ready += kind == "ready"
    start = time.time() + _START_LEAD
    for _, sender in pipes:
        sender.send(start)
    results: dict[int, RunResult] = {}
    latest: dict[int, Progress] = {}
    while len(results) < count:
        kind, index, value = messages.get()
        if kind == "error":
            raise RuntimeError(f"a load process failed: {value}")
        if kind == "progress" and on_progress is not None:
            latest[index] = value
            if len(latest) == count:
                on_progress(_combined(list(latest.values())))
        elif kind == "result":
            results[index] = value
    return merge_results(plan, [results[i] for i in range(count)])


def _child(
    plan: LoadPlan,
    index: int,
    count: int,
    start_pipe: Connection,
    messages: Queue[tuple[str, int, Any]],
    progress: bool,
) -> None:
    try:
        messages.put(("ready", index, None))
        start = start_pipe.recv()
        result = run_load_sync(
            plan,
            share=Share(index, count, start),
            on_progress=(lambda p: messages.put(("progress", index, p))) if progress else None,
        )
        messages.put(("result", index, result))
    except BaseException as exc:  # the parent reports it; a child has no terminal of its own
        messages.put(("error", index, f"{type(exc).__name__}: {exc}"))


def _combined(parts: list[Progress]) -> Progress:
    first = parts[0]
    return Progress(
        elapsed=max(p.elapsed for p in parts),
        total=first.total,
        warming_up=any(p.warming_up for p in parts),
        rate=sum(p.rate for p in parts),
        sent=sum(p.sent for p in parts),
        replies=sum(p.replies for p in parts),
        errors=sum(p.errors for p in parts),
        p95_ms=max(p.p95_ms for p in parts),  # live display only; the report merges exactly
    )


def merge_results(plan: LoadPlan, results: list[RunResult]) -> RunResult:
    """One result from the shares of a run: counts and histograms added, spans the longest."""
    merged = results[0]
    for other in results[1:]:
        merged.recorder.merge(other.recorder)
    return RunResult(
        plan=plan,
        recorder=merged.recorder,
        started_at=merged.started_at,
        intended=plan.measured_requests,
        send_span=max(r.send_span for r in results),
    )
