"""Targets: what they accept, what they reject, and how they judge a summary."""

from __future__ import annotations

from typing import Any

import pytest

from backendkit.errors import UsageError
from backendkit.loadtest.targets import SEED_TARGETS, parse_target, parse_targets


def _summary(**latency: float) -> dict[str, Any]:
    return {
        "latency_ms": {"count": 10, "p50": 10.0, "p95": 150.0, "p99": 300.0, **latency},
        "errors": {"rate": 0.002, "http_rate": 0.002, "transport_rate": 0.0},
        "requests": 1000,
        "throughput_rps": 990.0,
        "schedule": {"dropped": 0},
    }


@pytest.mark.parametrize(
    ("text", "metric", "op", "threshold"),
    [
        ("p95<200ms", "p95", "<", 200.0),
        ("p99 <= 0.5s", "p99", "<=", 500.0),
        ("p50<800us", "p50", "<", 0.8),
        ("P99.9<1000", "p99.9", "<", 1000.0),
        ("error_rate<0.1%", "error_rate", "<", 0.001),
        ("error_rate<0.01", "error_rate", "<", 0.01),
        ("rps>1000", "rps", ">", 1000.0),
        ("dropped<=0", "dropped", "<=", 0.0),
    ],
)
def test_expressions(text: str, metric: str, op: str, threshold: float) -> None:
    target = parse_target(text)
    assert (target.metric, target.operator) == (metric, op)
    assert target.threshold == pytest.approx(threshold)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p95", "write METRIC<VALUE"),
        ("p97<10ms", "unknown metric 'p97'"),
        ("p95<10kb", "bad unit 'kb'"),
        ("error_rate<1ms", "use % or a fraction"),
        ("rps>10ms", "give a plain number"),
    ],
)
def test_bad_expressions_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_target(text)


def test_checks_against_a_summary() -> None:
    summary = _summary()
    rows = [parse_target(t).check(summary) for t in ("p95<200ms", "p99<250ms", "rps>1000")]
    assert [row["passed"] for row in rows] == [True, False, False]
    assert rows[1]["actual"] == 300.0
    assert parse_target("error_rate<0.1%").check(summary)["passed"] is False


def test_latency_target_fails_when_nothing_replied() -> None:
    summary = _summary(count=0, p95=0.0)
    row = parse_target("p95<200ms").check(summary)
    assert row == row | {"passed": False, "actual": None}


def test_seeded_targets_come_from_the_source_documents() -> None:
    seeded = parse_targets([], seed=True)
    assert [t.expression for t in seeded] == list(SEED_TARGETS)
    # a target given for the same metric and direction replaces the seeded one
    mixed = parse_targets(["p95<100ms"], seed=True)
    assert [t.expression for t in mixed].count("p95<200ms") == 0
    assert "p95<100ms" in [t.expression for t in mixed]
