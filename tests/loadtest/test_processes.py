"""`--processes`: shares of one schedule whose recorders merge into exactly one run's counts."""

from __future__ import annotations

import random
from typing import Any

import pytest

from backendkit.errors import UsageError
from backendkit.loadtest import LoadPlan, summarize
from backendkit.loadtest.failures import TIMEOUT
from backendkit.loadtest.http import split_url
from backendkit.loadtest.parallel import run_plan
from backendkit.loadtest.plan import Endpoint
from backendkit.loadtest.recorder import Recorder
from backendkit.loadtest.scheduler import Share


def _outcomes(seed: int) -> list[tuple[int, float, float, int | str]]:
    rng = random.Random(seed)
    return [
        (
            rng.randrange(2),  # endpoint
            rng.uniform(0, 5),  # due, seconds into the window
            rng.lognormvariate(-5, 1.5),  # latency, seconds
            rng.choice([200, 200, 200, 503, TIMEOUT]),
        )
        for _ in range(3000)
    ]


def _record(recorder: Recorder, outcome: tuple[int, float, float, int | str]) -> None:
    endpoint, due, latency, status = outcome
    intended = recorder.window_start + due
    recorder.sent(endpoint, intended)
    if isinstance(status, int):
        recorder.reply(endpoint, intended, latency, status)
    else:
        recorder.failure(endpoint, intended, latency, status)


def test_recorders_of_three_processes_merge_into_exactly_one() -> None:
    outcomes = _outcomes(11)
    whole = Recorder(2, window_start=100.0)
    # each process has its own clock: the same window starts at different readings
    shares = [Recorder(2, window_start=start) for start in (5.0, 7777.25, 0.5)]
    for i, outcome in enumerate(outcomes):
        _record(whole, outcome)
        _record(shares[i % 3], outcome)
    merged = shares[0]
    for other in shares[1:]:
        merged.merge(other)

    for mine, theirs in [
        (merged.total, whole.total),
        *zip(merged.endpoints, whole.endpoints, strict=True),
    ]:
        assert mine.latency.counts == theirs.latency.counts
        assert (mine.latency.total, mine.latency.sum_us) == (
            theirs.latency.total,
            theirs.latency.sum_us,
        )
        assert (mine.latency.min_us, mine.latency.max_us) == (
            theirs.latency.min_us,
            theirs.latency.max_us,
        )
        assert mine.statuses == theirs.statuses
        assert mine.transport_errors == theirs.transport_errors
        assert mine.sent == theirs.sent
    assert [t.latency.counts for t in merged.timeline] == [t.latency.counts for t in whole.timeline]
    assert [t.sent for t in merged.timeline] == [t.sent for t in whole.timeline]
    percents = [50, 90, 95, 99, 99.9]
    assert list(merged.total.latency.percentiles(percents)) == list(
        whole.total.latency.percentiles(percents)
    )
    assert merged.last_completion - merged.window_start == pytest.approx(
        whole.last_completion - whole.window_start
    )


def test_shares_split_the_schedule_and_the_pool() -> None:
    assert [Share(k, 3).connections(16) for k in range(3)] == [6, 5, 5]
    assert sum(Share(k, 4).connections(64) for k in range(4)) == 64


def _counts(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "schedule": {k: summary["schedule"][k] for k in ("intended", "sent", "dropped")},
        "replies": summary["replies"],
        "latency_count": summary["latency_ms"]["count"],
        "status_codes": summary["status_codes"],
        "endpoints": [(e["name"], e["sent"], e["replies"]) for e in summary["endpoints"]],
        "timeline_sent": [row["sent"] for row in summary["timeline"]],
    }


def test_two_processes_send_and_count_what_one_process_would(server_url: str) -> None:
    origin, _ = split_url(server_url)
    endpoints = (Endpoint("fast", "GET", "/fast", weight=3), Endpoint("slow", "GET", "/slow"))

    def run(processes: int) -> dict[str, Any]:
        plan = LoadPlan(origin, endpoints, rate=200, duration=2, processes=processes)
        return summarize(run_plan(plan))

    one, two = run(1), run(2)

    assert _counts(two) == _counts(one)
    assert _counts(two)["endpoints"] == [("fast", 300, 300), ("slow", 100, 100)]
    assert _counts(two)["timeline_sent"] == [200, 200]
    assert two["plan"]["processes"] == 2
    assert abs(two["schedule"]["achieved_rps"] - 200) <= 10, two["schedule"]
    assert two["endpoints"][1]["latency_ms"]["p50"] >= 20  # /slow's own latency, kept apart


@pytest.mark.parametrize("processes", [0, 17])
def test_processes_outside_one_to_the_pool_size_is_a_usage_error(processes: int) -> None:
    origin, _ = split_url("http://127.0.0.1:9/")
    with pytest.raises(UsageError, match="--processes must be between 1 and --concurrency"):
        LoadPlan(origin, (Endpoint("a", "GET", "/"),), rate=1, duration=1, concurrency=16,
                 processes=processes)  # fmt: skip
