"""The run's summary as plain data: the `--json` schema (docs/loadtest.md) is built here only."""

from __future__ import annotations

from typing import Any

from backendkit.loadtest.histogram import PRECISION, LatencyHistogram
from backendkit.loadtest.recorder import Tally
from backendkit.loadtest.scheduler import RunResult

SCHEMA = "backendkit.loadtest/1"
PERCENTILES = {"p50": 50.0, "p90": 90.0, "p95": 95.0, "p99": 99.0, "p99_9": 99.9}
_SPECTRUM_POINTS = 200


def _ms(micros: float) -> float:
    return round(micros / 1000, 3)


def latency_summary(histogram: LatencyHistogram) -> dict[str, Any]:
    """min, percentiles, max and mean in milliseconds, and the count they describe."""
    values = histogram.percentiles(PERCENTILES.values())
    summary: dict[str, Any] = {"count": histogram.total, "min": _ms(histogram.min_us)}
    summary.update({name: _ms(value) for name, value in zip(PERCENTILES, values, strict=True)})
    summary["max"] = _ms(histogram.max_us)
    summary["mean"] = _ms(histogram.mean_us)
    return summary


def _errors(tally: Tally) -> dict[str, Any]:
    transport = sum(tally.transport_errors.values())
    finished = tally.completed
    return {
        "http": tally.http_errors,
        "transport": transport,
        "by_kind": dict(sorted(tally.transport_errors.items())),
        "rate": round((tally.http_errors + transport) / finished, 6) if finished else 0.0,
        "http_rate": round(tally.http_errors / finished, 6) if finished else 0.0,
        "transport_rate": round(transport / finished, 6) if finished else 0.0,
    }


def _statuses(tally: Tally) -> dict[str, int]:
    return {str(status): n for status, n in sorted(tally.statuses.items())}


def _timeline(result: RunResult) -> list[dict[str, Any]]:
    rows = []
    for second, tally in enumerate(result.recorder.timeline):
        p50, p95, p99 = tally.latency.percentiles([50, 95, 99])
        rows.append(
            {
                "second": second,
                "sent": tally.sent,
                "replies": tally.replies,
                "errors": tally.http_errors + sum(tally.transport_errors.values()),
                "p50": _ms(p50),
                "p95": _ms(p95),
                "p99": _ms(p99),
                "max": _ms(tally.latency.max_us),
            }
        )
    return rows


def _distribution(histogram: LatencyHistogram) -> list[list[float]]:
    points = histogram.spectrum()
    step = max(1, len(points) // _SPECTRUM_POINTS)
    kept = points[::step]
    if points and kept[-1] != points[-1]:
        kept.append(points[-1])
    return [[round(percent, 4), _ms(value)] for percent, value in kept]


def summarize(result: RunResult) -> dict[str, Any]:
    """The whole summary of RESULT (targets and hints are added by the caller)."""
    recorder = result.recorder
    total = recorder.total
    lag = recorder.scheduler_lag
    return {
        "schema": SCHEMA,
        "started_at": result.started_at,
        "plan": result.plan.describe(),
        "schedule": {
            "intended": result.intended,
            "sent": total.sent,
            "dropped": recorder.gave_up,
            "queued": recorder.queued,
            "line_wait_ms": {
                "p50": _ms(recorder.line_wait.percentile(50)),
                "p99": _ms(recorder.line_wait.percentile(99)),
                "max": _ms(recorder.line_wait.max_us),
            },
            "achieved_rps": round(total.sent / result.send_span, 2),
            "scheduler_lag_ms": {"p99": _ms(lag.percentile(99)), "max": _ms(lag.max_us)},
        },
        "requests": total.completed,
        "replies": total.replies,
        "throughput_rps": round(total.replies / result.reply_span, 2),
        "latency_ms": latency_summary(total.latency),
        "errors": _errors(total),
        "status_codes": _statuses(total),
        "endpoints": [
            {
                "name": endpoint.name,
                "method": endpoint.method,
                "path": endpoint.target,
                "weight": endpoint.weight,
                "sent": tally.sent,
                "replies": tally.replies,
                "latency_ms": latency_summary(tally.latency),
                "errors": _errors(tally),
                "status_codes": _statuses(tally),
            }
            for endpoint, tally in zip(result.plan.endpoints, recorder.endpoints, strict=True)
        ],
        "timeline": _timeline(result),
        "distribution": _distribution(total.latency),
        "precision": PRECISION,
    }


def waiting_line(summary: dict[str, Any]) -> str | None:
    """What was done with requests that found every connection busy (None: there were none)."""
    schedule = summary["schedule"]
    if not schedule["queued"]:
        return None
    wait = schedule["line_wait_ms"]
    text = (
        f"{schedule['queued']} requests waited for a free connection (wait p50 {wait['p50']:g} "
        f"ms, max {wait['max']:g} ms); their latency counts from their due time"
    )
    if schedule["dropped"]:
        text += (
            f"; {schedule['dropped']} still waiting after --timeout were given up and count "
            "as timeouts"
        )
    return text
