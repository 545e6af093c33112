"""What a load run does: endpoints with weights, rate, duration, pool and timeouts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backendkit.errors import UsageError
from backendkit.loadtest.http import Origin, encode_request, split_url

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m|h)?\s*$")
_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def parse_duration(text: str | float, *, what: str) -> float:
    """Seconds from '30', '30s', '500ms', '2m' or '1h'."""
    if isinstance(text, int | float):
        if text < 0:
            raise UsageError(f"{what} must not be negative: {text}")
        return float(text)
    match = _DURATION.match(text)
    if not match:
        raise UsageError(f"bad {what} {text!r}: give seconds or a unit, e.g. 30s, 500ms, 2m")
    return float(match.group(1)) * _SECONDS[match.group(2)]


def parse_header(text: str) -> tuple[str, str]:
    """('Name', 'value') from 'Name: value'."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip() or any(c in name for c in " \t\r\n"):
        raise UsageError(f"bad header {text!r}: write it as 'Name: value'")
    if "\r" in value or "\n" in value:
        raise UsageError(f"bad header {text!r}: a value cannot span lines")
    return name.strip(), value.strip()


@dataclass(frozen=True)
class Endpoint:
    """One kind of request in the mix."""

    name: str
    method: str
    target: str  # path and query
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    weight: int = 1

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise UsageError(f"bad method {self.method!r}: use one of {', '.join(METHODS)}")
        if not self.target.startswith("/"):
            raise UsageError(f"endpoint path must start with '/': {self.target!r}")
        if self.weight < 1:
            raise UsageError(f"weight of {self.name!r} must be a whole number >= 1")


@dataclass(frozen=True)
class LoadPlan:
    """A whole run: all endpoints share one origin and one connection pool."""

    origin: Origin
    endpoints: tuple[Endpoint, ...]
    rate: float  # requests per second, open loop
    duration: float  # measured seconds, after the warm-up
    warmup: float = 0.0
    concurrency: int = 256  # pool size: the most requests in flight at once
    timeout: float = 10.0  # per request, from the moment it is sent
    keepalive: bool = True
    verify_tls: bool = True
    processes: int = 1  # load generator processes sharing the schedule and the pool

    def __post_init__(self) -> None:
        if not self.endpoints:
            raise UsageError("nothing to send: give a URL, --endpoint or --scenario")
        if not 0 < self.rate <= 1_000_000:
            raise UsageError(f"--rps must be above 0 (and at most 1,000,000): {self.rate}")
        if self.duration <= 0:
            raise UsageError("the run needs a --duration above 0 or --requests above 0")
        if self.concurrency < 1:
            raise UsageError(f"--concurrency must be at least 1: {self.concurrency}")
        if self.timeout <= 0:
            raise UsageError(f"--timeout must be above 0: {self.timeout}")
        if not 1 <= self.processes <= self.concurrency:
            raise UsageError(
                f"--processes must be between 1 and --concurrency ({self.concurrency}): "
                f"{self.processes}"
            )

    @property
    def measured_requests(self) -> int:
        """Requests scheduled after the warm-up."""
        return max(1, round(self.duration * self.rate))

    @property
    def warmup_requests(self) -> int:
        """Requests scheduled during the warm-up (sent, not counted)."""
        return round(self.warmup * self.rate)

    def payloads(self) -> list[bytes]:
        """Each endpoint's request, encoded once."""
        return [
            encode_request(
                self.origin, e.method, e.target, e.headers, e.body, keepalive=self.keepalive
            )
            for e in self.endpoints
        ]

    def describe(self) -> dict[str, object]:
        """The plan as reported in the JSON output."""
        return {
            "origin": self.origin.url,
            "rate_rps": self.rate,
            "duration_s": self.duration,
            "warmup_s": self.warmup,
            "concurrency": self.concurrency,
            "timeout_s": self.timeout,
            "keepalive": self.keepalive,
            "processes": self.processes,
            "endpoints": [
                {"name": e.name, "method": e.method, "path": e.target, "weight": e.weight}
                for e in self.endpoints
            ],
        }


def endpoint_from_url(
    url: str, *, method: str, headers: dict[str, str], body: bytes | None
) -> tuple[Origin, Endpoint]:
    """A single-endpoint mix from a full URL."""
    origin, target = split_url(url)
    return origin, Endpoint(f"{method} {target}", method, target, headers, body)


def weighted_cycle(weights: list[int]) -> list[int]:
    """Endpoint indexes in a smooth, repeating order that honours the weights exactly.

    Smooth weighted round-robin (nginx's): weights 3 and 1 give a, a, b, a rather than
    a, a, a, b, so every stretch of the run carries the intended mix.
    """
    total = sum(weights)
    current = [0] * len(weights)
    order: list[int] = []
    for _ in range(total):
        for i, weight in enumerate(weights):
            current[i] += weight
        best = max(range(len(weights)), key=lambda i: current[i])
        current[best] -= total
        order.append(best)
    return order
