"""The documentation site, built once per session (mkdocs build --strict)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    if not mkdocs.is_file():
        pytest.fail("mkdocs is not installed: pip install -e '.[dev]'")
    target = tmp_path_factory.mktemp("site")
    started = time.perf_counter()
    result = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(target)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"mkdocs build --strict: {time.perf_counter() - started:.1f} s")
    return target
