"""Generated projects pass their own linters, type checker and tests, on SQLite and PostgreSQL.

The checks run two at a time (tests/e2e/check_pool.py); each test reports its own.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, _reachable
from tests.e2e.check_pool import CheckPool, Job, lane
from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.projects import PROJECTS, assert_succeeded, run_tool
from tests.e2e.venv import Venv

pytestmark = pytest.mark.e2e
NAMES = sorted(PROJECTS)
PYTEST = ("-m", "pytest", "-q", "-p", "no:cacheprovider")
ASYNCPG_URL = POSTGRES_URL.replace("postgresql://", "postgresql+asyncpg://", 1)


def _ruff(venv: Venv, project: Path) -> subprocess.CompletedProcess[str]:
    checked = run_tool(venv, project, "-m", "ruff", "check", "--no-cache", ".")
    if checked.returncode != 0:
        return checked
    return run_tool(venv, project, "-m", "ruff", "format", "--check", "--no-cache", ".")


def _mypy(venv: Venv, project: Path) -> subprocess.CompletedProcess[str]:
    # One cache per lane: two mypy runs never write the same cache at once.
    cache = str(venv.mypy_cache / lane())
    # The project's own configuration (strict = true over app, migrations and tests) ...
    configured = run_tool(venv, project, "-m", "mypy", "--cache-dir", cache)
    if configured.returncode != 0:
        return configured
    # ... and the bar as stated, on the application package alone.
    return run_tool(venv, project, "-m", "mypy", "--strict", "--cache-dir", cache, "app")


def _sqlite(venv: Venv, project: Path) -> subprocess.CompletedProcess[str]:
    return run_tool(venv, project, *PYTEST)


def _postgres(venv: Venv, project: Path) -> subprocess.CompletedProcess[str]:
    # The project's conftest makes its own database on the server, so runs never collide.
    return run_tool(venv, project, *PYTEST, TEST_DATABASE_URL=ASYNCPG_URL)


# Each test's check, longest first: the pool starts them in this order.
CHECKS = {
    "test_own_tests_pass_on_postgres": _postgres,
    "test_own_tests_pass_on_sqlite": _sqlite,
    "test_mypy_strict_is_clean": _mypy,
    "test_ruff_check_and_format_are_clean": _ruff,
}


@pytest.fixture(scope="module")
def checks(
    request: pytest.FixtureRequest, generated: GeneratedProject, project_venv: ProjectVenv
) -> Iterator[CheckPool]:
    """Every check this session selected from this module, started at once."""
    selected = {
        (item.originalname, item.callspec.params["name"])
        for item in request.session.items
        if getattr(item, "module", None) is request.module and hasattr(item, "callspec")
    }
    if not _reachable(POSTGRES_URL, 5432):
        selected = {(test, name) for test, name in selected if "postgres" not in test}
    jobs: list[tuple[str, Job]] = []
    for test, check in CHECKS.items():
        for name in NAMES:
            if (test, name) in selected:
                project = generated(name)
                job = partial(check, project_venv(project), project)
                jobs.append((f"{test}[{name}]", job))
    pool = CheckPool.start(jobs)
    yield pool
    pool.close()


def _outcome(pool: CheckPool, test: str, name: str, generated: GeneratedProject) -> str:
    return assert_succeeded(pool.result(f"{test}[{name}]"), generated(name)).stdout


@pytest.mark.parametrize("name", NAMES)
def test_ruff_check_and_format_are_clean(
    name: str, checks: CheckPool, generated: GeneratedProject
) -> None:
    _outcome(checks, "test_ruff_check_and_format_are_clean", name, generated)


@pytest.mark.parametrize("name", NAMES)
def test_mypy_strict_is_clean(name: str, checks: CheckPool, generated: GeneratedProject) -> None:
    _outcome(checks, "test_mypy_strict_is_clean", name, generated)


@pytest.mark.parametrize("name", NAMES)
def test_own_tests_pass_on_sqlite(
    name: str, checks: CheckPool, generated: GeneratedProject
) -> None:
    assert " passed" in _outcome(checks, "test_own_tests_pass_on_sqlite", name, generated)


@pytest.mark.postgres
@pytest.mark.parametrize("name", NAMES)
def test_own_tests_pass_on_postgres(
    name: str, asyncpg_url: str, checks: CheckPool, generated: GeneratedProject
) -> None:
    # asyncpg_url comes first: without the server the test skips (or fails under CI=true)
    # before it waits for a check that was never started.
    del asyncpg_url
    assert " passed" in _outcome(checks, "test_own_tests_pass_on_postgres", name, generated)
