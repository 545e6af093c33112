"""A wheel built from this repository carries the templates and generates a project."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.dist import Dist


@pytest.fixture(scope="module")
def wheel(backendkit_dist: Dist) -> Path:
    return backendkit_dist.wheel


def test_wheel_ships_the_templates(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "backendkit/templates/fastapi/copier.yml" in names
    assert any(n.startswith("backendkit/templates/fastapi/resource/") for n in names)


def test_installed_wheel_generates_a_project(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)],
        check=True,
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "import backendkit.templates as t; print(t.templates_root())"],
        env=env, capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(site))
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", "new", "user", "--crud", "--no-git"],
        env=env, capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "user/.backendkit/state.yml").is_file()
    check = subprocess.run(
        [sys.executable, "-m", "backendkit", "check", "--strict", "--no-diff"],
        env=env, capture_output=True, text=True, check=False, cwd=tmp_path / "user",
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
