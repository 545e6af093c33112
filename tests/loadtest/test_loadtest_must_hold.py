"""The issue's promises, against real servers on 127.0.0.1 (each run is a few seconds)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from backendkit.loadtest import LoadPlan, endpoint_from_url, run_load_sync, summarize


def _run(url: str, *, rate: float, duration: float) -> dict[str, Any]:
    origin, endpoint = endpoint_from_url(url, method="GET", headers={}, body=None)
    plan = LoadPlan(origin, (endpoint,), rate=rate, duration=duration, timeout=5.0)
    return summarize(run_load_sync(plan))


def test_20ms_endpoint_at_200_rps_for_5_s(server_url: str) -> None:
    summary = _run(f"{server_url}/slow", rate=200, duration=5)

    schedule = summary["schedule"]
    assert abs(schedule["achieved_rps"] - 200) <= 0.05 * 200, schedule
    assert abs(summary["throughput_rps"] - 200) <= 0.05 * 200, summary["throughput_rps"]
    assert 20 <= summary["latency_ms"]["p50"] <= 40, summary["latency_ms"]
    assert summary["errors"]["http"] == 0
    assert summary["errors"]["transport"] == 0
    assert summary["replies"] == schedule["intended"] == 1000
    assert summary["status_codes"] == {"200": 1000}


def test_a_stall_shows_in_the_percentiles(fresh_server: Callable[..., str]) -> None:
    # The 100th request freezes the whole server for 1 s. A closed-loop client would wait
    # with it and record one slow request; an open-loop one keeps sending and sees ~200.
    url = fresh_server("--stall-after", "100")
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", "loadtest", f"{url}/stall", "--rps", "200",
         "--duration", "4s", "--target", "p95<100ms", "--json", "-"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["latency_ms"]["p95"] >= 250, summary["latency_ms"]
    assert summary["latency_ms"]["max"] >= 900
    assert summary["targets"][0]["passed"] is False
    assert "1 of 1 targets missed: p95<100ms" in result.stderr
    assert "Traceback" not in result.stderr
    assert any("stall" in hint for hint in summary["hints"]), summary["hints"]


def test_3000_rps_against_a_trivial_endpoint(server_url: str) -> None:
    summary = _run(f"{server_url}/fast", rate=3000, duration=5)

    schedule = summary["schedule"]
    floor = 0.95 * 3000
    assert schedule["achieved_rps"] >= floor, schedule
    assert summary["throughput_rps"] >= floor, (summary["throughput_rps"], schedule)
    assert summary["errors"]["transport"] == 0, summary["errors"]
