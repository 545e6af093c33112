"""Median wall time of `backendkit check` on the default project, against `python -c pass`.

Run: .venv/bin/python benchmarks/check.py [--runs 15]
Target: under 0.3 s median.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import interleaved_medians, print_table

TARGET_SECONDS = 0.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    backendkit = str(Path(sys.executable).with_name("backendkit"))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [backendkit, "new", "user", "--crud", "--no-git"], cwd=tmp, check=True,
            capture_output=True,
        )  # fmt: skip
        project = Path(tmp, "user")
        medians = interleaved_medians(
            {
                "python -c pass": ([sys.executable, "-c", "pass"], None),
                "backendkit check": ([backendkit, "check"], None),
                "backendkit check --json": ([backendkit, "check", "--json"], None),
            },
            project,
            args.runs,
        )
    print(f"{args.runs} interleaved runs each, default project (backendkit new user --crud)")
    print_table(medians, "python -c pass", TARGET_SECONDS)


if __name__ == "__main__":
    main()
