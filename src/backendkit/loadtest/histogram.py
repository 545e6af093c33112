"""Latency histogram with HdrHistogram's bucket layout and a stated precision.

Values are whole microseconds. Below 2,048 us every value has its own bucket; above, each
power-of-two range is split into 1,024 linear buckets, so a bucket is never wider than 1/1024
of the values it holds: 3 significant decimal digits, HdrHistogram's usual setting. Percentiles
are reported as the upper edge of their bucket (as HdrHistogram does), hence never below the
exact value and at most 0.1% above it. Counts live in a dict because a run keeps one histogram
per second of the timeline, and a dense array per second would cost far more memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

_SUB_BITS = 11
_SUB_COUNT = 1 << _SUB_BITS  # values below this are stored exactly
_HALF_BITS = _SUB_BITS - 1

PRECISION = "3 significant digits: percentiles at most 0.1% above the exact value"


def _bucket(value: int) -> int:
    if value < _SUB_COUNT:
        return value if value > 0 else 0
    shift = value.bit_length() - _SUB_BITS
    return (shift << _HALF_BITS) + (value >> shift)


def _upper_edge(index: int) -> int:
    if index < _SUB_COUNT:
        return index
    shift = (index >> _HALF_BITS) - 1
    sub = index - (shift << _HALF_BITS)
    return ((sub + 1) << shift) - 1


class LatencyHistogram:
    """Counts of latencies in microseconds; mergeable; exact count, sum, min and max."""

    __slots__ = ("counts", "max_us", "min_us", "sum_us", "total")

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.total = 0
        self.sum_us = 0
        self.min_us = 0
        self.max_us = 0

    def record(self, value_us: int) -> None:
        """Count one latency."""
        if value_us < _SUB_COUNT:  # _bucket, inlined: this runs once per request
            index = value_us if value_us > 0 else 0
        else:
            shift = value_us.bit_length() - _SUB_BITS
            index = (shift << _HALF_BITS) + (value_us >> shift)
        counts = self.counts
        counts[index] = counts.get(index, 0) + 1
        if self.total == 0 or value_us < self.min_us:
            self.min_us = value_us
        if value_us > self.max_us:
            self.max_us = value_us
        self.total += 1
        self.sum_us += value_us

    def merge(self, other: LatencyHistogram) -> None:
        """Add OTHER's counts to this histogram."""
        if other.total == 0:
            return
        counts = self.counts
        for index, count in other.counts.items():
            counts[index] = counts.get(index, 0) + count
        self.min_us = other.min_us if self.total == 0 else min(self.min_us, other.min_us)
        self.max_us = max(self.max_us, other.max_us)
        self.total += other.total
        self.sum_us += other.sum_us

    @property
    def mean_us(self) -> float:
        """Exact arithmetic mean (0 when empty)."""
        return self.sum_us / self.total if self.total else 0.0

    def percentile(self, percent: float) -> int:
        """The latency (us) that PERCENT of the values do not exceed (0 when empty)."""
        return next(iter(self.percentiles([percent])))

    def percentiles(self, percents: Iterable[float]) -> Iterator[int]:
        """Several percentiles in one walk over the buckets; PERCENTS in any order."""
        wanted = list(percents)
        if self.total == 0:
            yield from (0 for _ in wanted)
            return
        ranks = [max(1, math.ceil(p / 100.0 * self.total)) for p in wanted]
        order = sorted(range(len(wanted)), key=lambda i: ranks[i])
        found = [0] * len(wanted)
        position = 0
        seen = 0
        for index in sorted(self.counts):
            seen += self.counts[index]
            while position < len(order) and ranks[order[position]] <= seen:
                found[order[position]] = min(_upper_edge(index), self.max_us)
                position += 1
            if position == len(order):
                break
        yield from found

    def spectrum(self) -> list[tuple[float, int]]:
        """(cumulative percent, latency us) at each occupied bucket: the distribution curve."""
        points: list[tuple[float, int]] = []
        seen = 0
        for index in sorted(self.counts):
            seen += self.counts[index]
            points.append((100.0 * seen / self.total, min(_upper_edge(index), self.max_us)))
        return points
