"""The histogram keeps its stated precision: never below the exact value, at most 0.1% above."""

from __future__ import annotations

import math
import random

import pytest

from backendkit.loadtest.histogram import LatencyHistogram


def _exact(values: list[int], percent: float) -> int:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_percentiles_are_within_the_stated_precision(seed: int) -> None:
    rng = random.Random(seed)
    # microseconds from 50 us to a minute, heavy-tailed like real latencies
    values = [int(rng.lognormvariate(9, 2)) + 50 for _ in range(20_000)]
    values = [min(v, 60_000_000) for v in values]
    histogram = LatencyHistogram()
    for value in values:
        histogram.record(value)

    for percent in (0.1, 1, 50, 90, 95, 99, 99.9, 99.99, 100):
        exact = _exact(values, percent)
        reported = histogram.percentile(percent)
        assert exact <= reported <= exact * 1.001 + 1, (percent, exact, reported)
    assert histogram.min_us == min(values)
    assert histogram.max_us == max(values)
    assert histogram.mean_us == pytest.approx(sum(values) / len(values))


def test_small_values_are_exact() -> None:
    histogram = LatencyHistogram()
    for value in range(1, 2001):
        histogram.record(value)
    assert list(histogram.percentiles([50, 99, 100])) == [1000, 1980, 2000]


def test_merge_equals_recording_everything_in_one() -> None:
    rng = random.Random(7)
    values = [rng.randrange(1, 5_000_000) for _ in range(5_000)]
    left, right, whole = LatencyHistogram(), LatencyHistogram(), LatencyHistogram()
    for i, value in enumerate(values):
        (left if i % 2 else right).record(value)
        whole.record(value)
    left.merge(right)
    assert left.counts == whole.counts
    assert (left.total, left.min_us, left.max_us, left.sum_us) == (
        whole.total,
        whole.min_us,
        whole.max_us,
        whole.sum_us,
    )


def test_empty_histogram_reports_zeros() -> None:
    histogram = LatencyHistogram()
    assert histogram.percentile(99) == 0
    assert histogram.mean_us == 0
    assert histogram.spectrum() == []


def test_spectrum_ends_at_the_maximum() -> None:
    histogram = LatencyHistogram()
    for value in (10, 20, 30_000):
        histogram.record(value)
    assert histogram.spectrum()[-1] == (100.0, 30_000)
