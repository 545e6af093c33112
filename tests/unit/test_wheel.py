"""A wheel built from this repository carries the templates and generates a project."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        check=True,
    )  # fmt: skip
    return next(out.glob("backendkit-*.whl"))


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
