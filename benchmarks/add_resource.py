"""Median wall time of `backendkit add resource` against `python -c pass` (the baseline).

Run: .venv/bin/python benchmarks/add_resource.py [--runs 15]
Target: under 0.4 s median.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import interleaved_medians, print_table

TARGET_SECONDS = 0.4
ORDER_FIELDS = ["total:decimal(10,2)", "status:enum(new,paid)=new"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    backendkit = str(Path(sys.executable).with_name("backendkit"))
    with tempfile.TemporaryDirectory() as tmp:
        pristine = Path(tmp, "pristine")
        subprocess.run(
            [backendkit, "new", "shop", "--crud", "--no-git", "--output", str(pristine)],
            check=True, capture_output=True,
        )  # fmt: skip
        project = Path(tmp, "shop")

        def fresh_copy() -> None:
            shutil.rmtree(project, ignore_errors=True)
            shutil.copytree(pristine, project)

        fresh_copy()
        medians = interleaved_medians(
            {
                "python -c pass": ([sys.executable, "-c", "pass"], None),
                "backendkit add resource order ...": (
                    [backendkit, "add", "resource", "order", *ORDER_FIELDS, "--path", str(project)],
                    fresh_copy,
                ),
            },
            Path(tmp),
            args.runs,
        )
    print(f"{args.runs} interleaved runs each, on a fresh `backendkit new shop --crud` project")
    print_table(medians, "python -c pass", TARGET_SECONDS)


if __name__ == "__main__":
    main()
