"""A project with no resource yet (``backendkit new NAME``) passes its own checks too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ProjectVenv
from tests.e2e.projects import check_tool

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("auth", ["jwt", "none"])
def test_a_project_without_resources_passes_its_checks(
    auth: str, project_venv: ProjectVenv, tmp_path: Path
) -> None:
    project = tmp_path / "bare"
    command = [sys.executable, "-m", "backendkit", "new", "bare", "--output", str(project)]
    made = subprocess.run(
        [*command, "--auth", auth, "--no-git", "--defaults"], capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    venv = project_venv(project)
    check_tool(venv, project, "-m", "ruff", "check", "--no-cache", ".")
    check_tool(venv, project, "-m", "mypy", "--cache-dir", str(venv.mypy_cache))
    result = check_tool(venv, project, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert " passed" in result.stdout
