"""Bottleneck hints read the summary the way a person would."""

from __future__ import annotations

from typing import Any

from backendkit.loadtest.hints import bottleneck_hints


def _summary(timeline_p50: list[float], **schedule: Any) -> dict[str, Any]:
    return {
        "plan": {"rate_rps": 1000.0, "concurrency": 64, "timeout_s": 10.0},
        "schedule": {
            "dropped": 0,
            "queued": 0,
            "achieved_rps": 1000.0,
            "scheduler_lag_ms": {"p99": 1.0},
            **schedule,
        },
        "latency_ms": {"p50": timeline_p50[0], "p95": 10.0, "mean": 5.0},
        "errors": {"by_kind": {}},
        "status_codes": {"200": 100},
        "throughput_rps": 1000.0,
        "timeline": [
            {"second": i, "replies": 100, "p50": p, "p99": p * 2, "max": p * 3}
            for i, p in enumerate(timeline_p50)
        ],
    }


def test_steady_run_has_nothing_to_say() -> None:
    assert bottleneck_hints(_summary([5.0, 5.2, 4.9, 5.1, 5.0, 5.0])) == []


def test_latency_growing_at_constant_rate_is_saturation() -> None:
    hints = bottleneck_hints(_summary([5.0, 9.0, 20.0, 40.0, 80.0, 160.0]))
    assert len(hints) == 1 and "saturation" in hints[0]


def test_a_late_scheduler_blames_the_client() -> None:
    hints = bottleneck_hints(
        _summary([5.0] * 6, achieved_rps=800.0, scheduler_lag_ms={"p99": 40.0})
    )
    assert any("load generator fell behind" in hint for hint in hints)


def test_baseline_comparison() -> None:
    ours = _summary([5.0] * 3)
    baseline = {"latency_ms": {"p95": 2.0}, "throughput_rps": 1000.0}
    hints = bottleneck_hints(ours, baseline)
    assert hints[-1].startswith("against the baseline at the same rate: p95 10 ms vs 2 ms (x5.00)")
    assert "service's own work" in hints[-1]


def test_an_rps_target_above_the_asked_rate_is_pointed_out() -> None:
    summary = _summary([5.0] * 3)
    summary["targets"] = [{"expression": "rps>2000", "metric": "rps", "operator": ">",
                           "threshold": 2000.0}]  # fmt: skip
    assert bottleneck_hints(summary)[0].startswith("rps>2000 cannot pass at --rps 1000")
