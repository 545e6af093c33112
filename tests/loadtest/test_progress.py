"""Live progress: snapshots during warm-up and measurement, and the CI line format."""

from __future__ import annotations

import io

from rich.console import Console

from backendkit.loadtest import LoadPlan, endpoint_from_url, run_load_sync
from backendkit.loadtest.render import LiveProgress
from backendkit.loadtest.scheduler import Progress


def test_progress_snapshots(server_url: str) -> None:
    origin, endpoint = endpoint_from_url(f"{server_url}/fast", method="GET", headers={}, body=None)
    plan = LoadPlan(origin, (endpoint,), rate=200, duration=0.8, warmup=0.5)
    snapshots: list[Progress] = []
    run_load_sync(plan, on_progress=snapshots.append, progress_every=0.2)

    assert snapshots[0].warming_up and snapshots[0].sent == 0
    assert snapshots[0].rate > 100  # warm-up load is sent, just not measured
    assert not snapshots[-1].warming_up and snapshots[-1].sent > 0
    assert all(s.errors == 0 for s in snapshots)


def test_plain_progress_lines_for_ci(server_url: str) -> None:
    origin, endpoint = endpoint_from_url(f"{server_url}/fast", method="GET", headers={}, body=None)
    plan = LoadPlan(origin, (endpoint,), rate=50, duration=1)
    buffer = io.StringIO()
    out = Console(file=buffer, force_terminal=False, width=200)
    with LiveProgress(out, plan, label="load") as live:
        live.last_line = 0.0  # as if the last line were long ago
        live.update(Progress(1.0, 2.0, False, 50.0, 50, 50, 0, 1.5))
    lines = buffer.getvalue().splitlines()
    assert lines[0] == f"load: {origin.url} GET /fast: 50 req/s for 1 s, up to 256 connections"
    assert lines[1].split() == ["1.0/2", "s", "50.0", "req/s", "p95", "1.50", "ms", "errors", "0"]
