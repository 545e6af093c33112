"""Set-up time of a generated project: the pip path against the uv path, in one run.

Each command builds `.venv` from nothing in the default project (backendkit new user --crud)
with its development tools; the environment is removed, untimed, before each run. "warm"
means the tool's download cache already holds every package (one untimed run fills it), as
on a developer's machine after the first project; "cold" gives it an empty cache, so every
package comes from the index (PyPI). uv installs the versions uv.lock pins (--frozen); pip the
newest the ranges allow.

Run: .venv/bin/python benchmarks/setup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import interleaved_medians, print_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-cold", action="store_true", help="warm caches only")
    args = parser.parse_args()
    backendkit = str(Path(sys.executable).with_name("backendkit"))
    uv = shlex.quote(str(Path(sys.executable).with_name("uv")))
    python = shlex.quote(sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        subprocess.run(
            [backendkit, "new", "user", "--crud", "--no-git"], cwd=scratch, check=True,
            capture_output=True,
        )  # fmt: skip
        project = scratch / "user"
        pip_cache, uv_cache = scratch / "pip-cache", scratch / "uv-cache"
        cold = scratch / "cold"
        os.environ.pop("VIRTUAL_ENV", None)
        os.environ.update(UV_PYTHON=sys.executable, UV_PYTHON_DOWNLOADS="never")

        def fresh() -> None:
            shutil.rmtree(project / ".venv", ignore_errors=True)
            shutil.rmtree(cold, ignore_errors=True)

        pip = f"{python} -m venv .venv && .venv/bin/pip install -q -e '.[dev]'"
        sync = f"{uv} sync -q --frozen --extra dev"
        commands = {
            "pip: venv + pip install -e .[dev], warm": (
                ["bash", "-c", f"PIP_CACHE_DIR={pip_cache} {pip}"], fresh),
            "uv: uv sync --frozen --extra dev, warm": (
                ["bash", "-c", f"UV_CACHE_DIR={uv_cache} {sync}"], fresh),
        }  # fmt: skip
        if not args.no_cold:
            commands |= {
                "pip, cold cache": (["bash", "-c", f"PIP_CACHE_DIR={cold} {pip}"], fresh),
                "uv, cold cache": (["bash", "-c", f"UV_CACHE_DIR={cold} {sync}"], fresh),
            }
        for argv, prepare in list(commands.values())[:2]:  # fill the warm caches
            prepare()
            subprocess.run(argv, cwd=project, check=True, capture_output=True)
        medians = interleaved_medians(commands, project, args.runs)
    print(f"{args.runs} interleaved runs each, default project (backendkit new user --crud)")
    print_table(medians, "pip: venv + pip install -e .[dev], warm")
    names = list(medians)
    for pip_name, uv_name in zip(names[::2], names[1::2], strict=True):
        ratio = medians[pip_name].wall / medians[uv_name].wall
        print(f"pip / uv ({pip_name.split(',')[-1].strip()}): x{ratio:.1f} wall")


if __name__ == "__main__":
    main()
