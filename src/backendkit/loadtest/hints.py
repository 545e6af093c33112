"""What the numbers suggest about the bottleneck: rules of thumb over a run's summary."""

from __future__ import annotations

import statistics
from typing import Any

_LAG_MS = 10.0  # scheduler lag above this means the client itself is short of CPU
_SHORTFALL = 0.95  # achieved rate below this share of the asked rate is worth a word


def bottleneck_hints(summary: dict[str, Any], baseline: dict[str, Any] | None = None) -> list[str]:
    """Sentences, most telling first; empty when nothing stands out."""
    hints = [
        *_target_hints(summary),
        *_client_hints(summary),
        *_error_hints(summary),
        *_latency_hints(summary),
    ]
    if baseline is not None:
        hints.append(_baseline_hint(summary, baseline))
    return hints


def _target_hints(summary: dict[str, Any]) -> list[str]:
    rate = summary["plan"]["rate_rps"]
    return [
        f"{row['expression']} cannot pass at --rps {rate:g}: the load never asks for more "
        "than that; raise --rps to test it."
        for row in summary.get("targets", [])
        if row["metric"] == "rps" and row["operator"][0] == ">" and row["threshold"] >= rate
    ]


def _client_hints(summary: dict[str, Any]) -> list[str]:
    plan, schedule = summary["plan"], summary["schedule"]
    hints = []
    latency = summary["latency_ms"]
    if schedule["dropped"]:
        in_flight = plan["rate_rps"] * latency["mean"] / 1000
        hints.append(
            f"{schedule['dropped']} requests waited in line for one of the "
            f"{plan['concurrency']} connections for the whole --timeout and were given up: at "
            f"{plan['rate_rps']:g} req/s and a mean latency of {latency['mean']:.0f} ms about "
            f"{in_flight:.0f} requests are in flight (Little's law). The server is not keeping "
            "up; raise --concurrency only if it should cope with that many at once."
        )
    elif schedule["queued"]:
        hints.append(
            f"{schedule['queued']} requests waited for one of the {plan['concurrency']} "
            "connections (their wait counts in the latencies)."
        )
    lag = schedule["scheduler_lag_ms"]["p99"]
    if lag > _LAG_MS or schedule["achieved_rps"] < _SHORTFALL * plan["rate_rps"]:
        hints.append(
            f"the load generator fell behind: achieved {schedule['achieved_rps']:g} of "
            f"{plan['rate_rps']:g} req/s, scheduler lag p99 {lag:g} ms. The client is short of "
            "CPU (this machine is also running the server?): lower --rps or load from another "
            "machine before blaming the server."
        )
    return hints


def _error_hints(summary: dict[str, Any]) -> list[str]:
    errors, plan = summary["errors"], summary["plan"]
    kinds = errors["by_kind"]
    statuses = {int(code): n for code, n in summary["status_codes"].items()}
    hints = []
    if kinds.get("timeout"):
        hints.append(
            f"{kinds['timeout']} requests timed out after {plan['timeout_s']:g} s: the server "
            "stopped answering (overload, a deadlock, a slow dependency), not failing fast."
        )
    broken = kinds.get("refused", 0) + kinds.get("closed", 0) + kinds.get("connect", 0)
    if broken:
        hints.append(
            f"{broken} connections were refused, reset or closed mid-request: the server is "
            "down or restarting, or its accept queue (listen backlog) overflowed."
        )
    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    if server_errors:
        hints.append(
            f"{server_errors} 5xx replies: the server fails under this load rather than slowing "
            "down; its logs around those seconds say why (pool exhausted, dependency down)."
        )
    if statuses.get(429):
        hints.append(f"{statuses[429]} replies were 429: a rate limit, not capacity, stopped them.")
    client_errors = sum(n for code, n in statuses.items() if 400 <= code < 500 and code != 429)
    if client_errors:
        hints.append(
            f"{client_errors} 4xx replies: the requests themselves are wrong (path, auth "
            "header or body), whatever the load."
        )
    return hints


def _latency_hints(summary: dict[str, Any]) -> list[str]:
    timeline = [row for row in summary["timeline"] if row["replies"]]
    if len(timeline) < 3:
        return []
    third = max(1, len(timeline) // 3)
    early = statistics.median(row["p50"] for row in timeline[:third])
    late = statistics.median(row["p50"] for row in timeline[-third:])
    if late >= 2 * early and late - early >= 5:
        return [
            f"latency grew from {early:.1f} ms to {late:.1f} ms (p50) at a constant rate: "
            "requests are queueing inside the server, which cannot sustain "
            f"{summary['plan']['rate_rps']:g} req/s (saturation)."
        ]
    typical = summary["latency_ms"]["p50"]
    spikes = [row for row in timeline if row["max"] > max(200.0, 10 * typical)]
    if spikes and len(spikes) <= max(2, len(timeline) // 10):
        worst = max(spikes, key=lambda row: row["max"])
        return [
            f"a stall of about {worst['max']:.0f} ms around second {worst['second']} while the "
            f"typical request took {typical:.1f} ms (p50): a pause (garbage collection, a "
            "lock, a blocking call, a cold cache) rather than steady overload."
        ]
    return []


def _baseline_hint(summary: dict[str, Any], baseline: dict[str, Any]) -> str:
    ours, theirs = summary["latency_ms"], baseline["latency_ms"]
    ratio = ours["p95"] / theirs["p95"] if theirs["p95"] else float("inf")
    throughput = summary["throughput_rps"] / max(baseline["throughput_rps"], 1e-9)
    verdict = (
        "the difference is the service's own work (handlers, middleware, queries)"
        if ratio >= 2
        else "the service adds little over the baseline: look at what both share "
        "(machine, network, proxy)"
    )
    return (
        f"against the baseline at the same rate: p95 {ours['p95']:g} ms vs {theirs['p95']:g} ms "
        f"(x{ratio:.2f}), throughput x{throughput:.2f}; {verdict}."
    )
