"""The epoll engine (plain http) asked for more than the server gives, on a real local server."""

from __future__ import annotations

from backendkit.loadtest import LoadPlan, endpoint_from_url, summarize
from backendkit.loadtest.engine import run_epoll


def test_a_run_asked_for_four_times_what_the_server_gives_charges_every_wait(
    server_url: str,
) -> None:
    # /slow answers after 20 ms: 2 connections carry at most 100 req/s, asked for 400 over
    # 1 s. The line grows by ~300 a second; what waited over --timeout (0.5 s) is given up.
    origin, endpoint = endpoint_from_url(f"{server_url}/slow", method="GET", headers={}, body=None)
    plan = LoadPlan(origin, (endpoint,), rate=400, duration=1.0, concurrency=2, timeout=0.5)
    summary = summarize(run_epoll(plan))

    schedule, latency = summary["schedule"], summary["latency_ms"]
    timeouts = summary["errors"]["by_kind"].get("timeout", 0)
    assert summary["replies"] + timeouts == schedule["intended"] == 400  # nothing lost
    assert timeouts == schedule["dropped"] > 100, schedule  # given up in line
    assert summary["replies"] <= 160  # 2 x 50 req/s for the 1.5 s the line lives, at most
    assert latency["count"] == 400  # replies and given-up waits both weigh in
    assert latency["max"] >= 500  # a give-up is charged at least its --timeout
    assert schedule["queued"] >= 390  # everything after the first two waited in line
    # Requests that joined the line are not charged as scheduler lag (their wait is the line's)
    assert schedule["scheduler_lag_ms"]["p99"] < 50, schedule
    assert schedule["line_wait_ms"]["max"] >= 400
