"""Shared timing helpers: medians of interleaved runs, so machine noise hits both sides.

Each run is measured twice: wall time (what a user waits) and CPU time (user + system, of
the command and its children). On a shared machine the wall time swings with the load while
the CPU time stays close to what the command costs, so both are printed.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Timing:
    """Seconds of one command: waited for (wall) and spent on a CPU."""

    wall: float
    cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(
    argv: Sequence[str], cwd: Path, prepare: Callable[[], None] | None = None
) -> Timing:
    """One run of ARGV (PREPARE runs first, untimed)."""
    if prepare:
        prepare()
    cpu_before = _children_cpu()
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return Timing(time.perf_counter() - start, _children_cpu() - cpu_before)


def interleaved_medians(
    commands: dict[str, tuple[Sequence[str], Callable[[], None] | None]], cwd: Path, runs: int
) -> dict[str, Timing]:
    """Median wall and CPU time per command, running the commands in turn RUNS times."""
    samples: dict[str, list[Timing]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (argv, prepare) in commands.items():
            samples[name].append(time_command(argv, cwd, prepare))
    return {
        name: Timing(
            statistics.median(t.wall for t in values), statistics.median(t.cpu for t in values)
        )
        for name, values in samples.items()
    }


def print_table(medians: dict[str, Timing], baseline: str, target: float | None = None) -> None:
    """Medians in ms and as ratios to the baseline; the target is checked on wall time."""
    base = medians[baseline]
    for name, value in medians.items():
        line = (
            f"{name:<40} wall {value.wall * 1000:7.1f} ms x{value.wall / base.wall:5.1f}"
            f"   cpu {value.cpu * 1000:7.1f} ms x{value.cpu / base.cpu:5.1f}"
        )
        if target is not None and name != baseline:
            verdict = "ok" if value.wall < target else "MISSED"
            line += f"   target < {target * 1000:.0f} ms: {verdict}"
        print(line)
