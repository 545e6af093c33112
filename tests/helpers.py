"""Small helpers shared by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from textwrap import dedent


def build_file_tree(root: Path, spec: dict[str, str]) -> None:
    """Write SPEC (relative path -> text) below ROOT."""
    for relative, text in spec.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text))


def tree(root: Path) -> set[str]:
    """Every file below ROOT as a relative posix path."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m backendkit ARGS`` the way a user would, without a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "backendkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})},
        check=False,
    )
