"""Median wall time of `backendkit new user --crud` against `python -c pass` (the baseline).

Run: .venv/bin/python benchmarks/new.py [--runs 15]
Target: under 0.5 s median on a 2-core machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import interleaved_medians, print_table

TARGET_SECONDS = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    backendkit = str(Path(sys.executable).with_name("backendkit"))
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)

        def clean() -> None:
            shutil.rmtree(cwd / "user", ignore_errors=True)

        medians = interleaved_medians(
            {
                "python -c pass": ([sys.executable, "-c", "pass"], None),
                "backendkit --version": ([backendkit, "--version"], None),
                "backendkit new user --crud --no-git": (
                    [backendkit, "new", "user", "--crud", "--no-git"],
                    clean,
                ),
                "backendkit new user --crud": ([backendkit, "new", "user", "--crud"], clean),
            },
            cwd,
            args.runs,
        )
    print(f"{args.runs} interleaved runs each")
    print_table(medians, "python -c pass", TARGET_SECONDS)


if __name__ == "__main__":
    main()
