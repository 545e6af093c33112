"""Generated projects pass their own linters, type checker and tests, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.projects import PROJECTS, check_tool

pytestmark = pytest.mark.e2e
NAMES = sorted(PROJECTS)


@pytest.mark.parametrize("name", NAMES)
def test_ruff_check_and_format_are_clean(
    name: str, generated: GeneratedProject, project_venv: ProjectVenv
) -> None:
    project = generated(name)
    venv = project_venv(project)
    check_tool(venv, project, "-m", "ruff", "check", "--no-cache", ".")
    check_tool(venv, project, "-m", "ruff", "format", "--check", "--no-cache", ".")


@pytest.mark.parametrize("name", NAMES)
def test_mypy_strict_is_clean(
    name: str, generated: GeneratedProject, project_venv: ProjectVenv
) -> None:
    project = generated(name)
    venv = project_venv(project)
    # The project's own configuration (strict = true over app, migrations and tests) ...
    check_tool(venv, project, "-m", "mypy", "--cache-dir", str(venv.mypy_cache))
    # ... and the bar as stated, on the application package alone.
    check_tool(venv, project, "-m", "mypy", "--strict", "--cache-dir", str(venv.mypy_cache), "app")


@pytest.mark.parametrize("name", NAMES)
def test_own_tests_pass_on_sqlite(
    name: str, generated: GeneratedProject, project_venv: ProjectVenv
) -> None:
    project = generated(name)
    result = check_tool(
        project_venv(project), project, "-m", "pytest", "-q", "-p", "no:cacheprovider"
    )
    assert " passed" in result.stdout


@pytest.mark.postgres
@pytest.mark.parametrize("name", NAMES)
def test_own_tests_pass_on_postgres(
    name: str, generated: GeneratedProject, project_venv: ProjectVenv, asyncpg_url: str
) -> None:
    project = generated(name)
    result = check_tool(
        project_venv(project),
        project,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        TEST_DATABASE_URL=asyncpg_url,
    )
    assert " passed" in result.stdout
