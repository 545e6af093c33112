"""Pass/fail thresholds such as "p95<200ms", "error_rate<0.1%" and "rps>1000"."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from backendkit.errors import UsageError

# The targets the source documents ask of a service (`--seed-targets`).
SEED_TARGETS = ("p50<50ms", "p95<200ms", "p99<500ms", "error_rate<0.1%", "rps>1000")

_LATENCY = {
    "min": "min",
    "p50": "p50",
    "p90": "p90",
    "p95": "p95",
    "p99": "p99",
    "p99.9": "p99_9",
    "p999": "p99_9",
    "p99_9": "p99_9",
    "max": "max",
    "mean": "mean",
    "avg": "mean",
}
_RATES = {
    "error_rate": "rate",
    "http_error_rate": "http_rate",
    "transport_error_rate": "transport_rate",
}
_COUNTS = {"rps": "throughput_rps", "dropped": "dropped"}
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "": 1.0}
_EXPRESSION = re.compile(
    r"^\s*([a-z_][a-z0-9_.]*)\s*(<=|>=|<|>)\s*([0-9]*\.?[0-9]+)\s*([a-z%/]*)\s*$"
)
_METRICS = ", ".join([*_LATENCY, *_RATES, *_COUNTS])


@dataclass(frozen=True)
class Target:
    """One threshold; `threshold` is in ms for latencies and a fraction for rates."""

    expression: str
    metric: str
    operator: str
    threshold: float

    def actual(self, summary: dict[str, Any]) -> float | None:
        """The measured value in the threshold's unit; None when nothing was measured."""
        if self.metric in _LATENCY:
            latency = summary["latency_ms"]
            return float(latency[_LATENCY[self.metric]]) if latency["count"] else None
        if self.metric in _RATES:
            errors = summary["errors"]
            return float(errors[_RATES[self.metric]]) if summary["requests"] else None
        if self.metric == "dropped":
            return float(summary["schedule"]["dropped"])
        return float(summary[_COUNTS[self.metric]])

    def check(self, summary: dict[str, Any]) -> dict[str, Any]:
        """The target's row in the report."""
        actual = self.actual(summary)
        passed = actual is not None and _OPERATORS[self.operator](actual, self.threshold)
        return {
            "expression": self.expression,
            "metric": self.metric,
            "operator": self.operator,
            "threshold": self.threshold,
            "unit": self.unit,
            "actual": actual,
            "passed": passed,
        }

    @property
    def unit(self) -> str:
        """ms, fraction, rps or count."""
        if self.metric in _LATENCY:
            return "ms"
        if self.metric in _RATES:
            return "fraction"
        return "rps" if self.metric == "rps" else "count"


def parse_target(text: str) -> Target:
    """A Target from its expression; a bad one is a usage error naming what is valid."""
    match = _EXPRESSION.match(text.lower())
    if not match:
        raise UsageError(
            f"bad target {text!r}: write METRIC<VALUE, e.g. p95<200ms, error_rate<0.1%, rps>1000"
        )
    metric, op, number, unit = match.groups()
    value = float(number)
    if metric in _LATENCY:
        if unit not in _LATENCY_UNITS:
            raise UsageError(f"bad unit {unit!r} in target {text!r}: use us, ms or s")
        value *= _LATENCY_UNITS[unit]
    elif metric in _RATES:
        if unit not in ("%", ""):
            raise UsageError(f"bad unit {unit!r} in target {text!r}: use % or a fraction")
        value = value / 100 if unit == "%" else value
    elif metric in _COUNTS:
        if unit not in ("", "rps", "/s"):
            raise UsageError(f"bad unit {unit!r} in target {text!r}: give a plain number")
    else:
        raise UsageError(f"unknown metric {metric!r} in target {text!r}; known: {_METRICS}")
    return Target(text.strip(), metric, op, value)


def parse_targets(texts: list[str], *, seed: bool) -> list[Target]:
    """The targets given, after the seeded defaults when SEED (a given one wins its metric)."""
    given = [parse_target(text) for text in texts]
    if not seed:
        return given
    named = {(t.metric, t.operator[0]) for t in given}
    seeded = [parse_target(text) for text in SEED_TARGETS]
    return [t for t in seeded if (t.metric, t.operator[0]) not in named] + given


def format_actual(row: dict[str, Any]) -> str:
    """A target row's measured value for people: '12.3 ms', '0.05%', '990 rps', 'no data'."""
    actual = row["actual"]
    if actual is None:
        return "no data"
    if row["unit"] == "fraction":
        return f"{actual * 100:.3g}%"
    return f"{actual:g}" if row["unit"] == "count" else f"{actual:g} {row['unit']}"
