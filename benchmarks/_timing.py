"""Shared timing helpers: medians of interleaved runs, so machine noise hits both sides."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def time_command(
    argv: Sequence[str], cwd: Path, prepare: Callable[[], None] | None = None
) -> float:
    """Wall seconds of one run of ARGV (PREPARE runs first, untimed)."""
    if prepare:
        prepare()
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def interleaved_medians(
    commands: dict[str, tuple[Sequence[str], Callable[[], None] | None]], cwd: Path, runs: int
) -> dict[str, float]:
    """Median wall time per command, running the commands in turn RUNS times."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (argv, prepare) in commands.items():
            samples[name].append(time_command(argv, cwd, prepare))
    return {name: statistics.median(values) for name, values in samples.items()}


def print_table(medians: dict[str, float], baseline: str, target: float | None = None) -> None:
    """Medians in ms and as a ratio to the baseline."""
    base = medians[baseline]
    for name, value in medians.items():
        line = f"{name:<40} median {value * 1000:8.1f} ms   x{value / base:5.1f} of {baseline}"
        if target is not None and name != baseline:
            line += f"   target < {target * 1000:.0f} ms: {'ok' if value < target else 'MISSED'}"
        print(line)
