"""Fixtures of the end-to-end tests: generated projects and the environment they run in."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from tests.e2e.projects import generate
from tests.e2e.venv import Venv, ensure_venv, requirements_of

GeneratedProject = Callable[[str], Path]
ProjectVenv = Callable[[Path], Venv]

_ADMIN_SCRIPT = """
import asyncio, sys, asyncpg
async def main():
    connection = await asyncpg.connect(sys.argv[1])
    try:
        await connection.execute(sys.argv[2])
    finally:
        await connection.close()
asyncio.run(main())
"""


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GeneratedProject:
    """NAME's project (see projects.PROJECTS), generated once per session."""
    parent = tmp_path_factory.mktemp("generated")
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            made[name] = generate(name, parent)
        return made[name]

    return get


@pytest.fixture(scope="session")
def project_venv() -> ProjectVenv:
    """The shared environment matching a project's declared dependencies."""
    built: dict[str, Venv] = {}

    def get(project: Path) -> Venv:
        requirements = requirements_of(project)
        key = "\n".join(sorted(requirements))
        if key not in built:
            built[key] = ensure_venv(requirements)
        return built[key]

    return get


@pytest.fixture(scope="session")
def asyncpg_url(postgres_url: str) -> str:
    """The test server as a SQLAlchemy asyncpg URL (generated projects speak asyncpg)."""
    return postgres_url.replace("postgresql://", "postgresql+asyncpg://", 1)


@pytest.fixture
def fresh_postgres_database(
    asyncpg_url: str, generated: GeneratedProject, project_venv: ProjectVenv
) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    venv = project_venv(generated("user"))
    name = f"bk_e2e_{uuid4().hex[:12]}"
    postgres_admin(venv, asyncpg_url, f'CREATE DATABASE "{name}"')
    try:
        yield asyncpg_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        postgres_admin(venv, asyncpg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_admin(venv: Venv, server_url: str, statement: str) -> None:
    """Run STATEMENT on the server, with the shared venv's asyncpg (backendkit has none)."""
    dsn = server_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    result = subprocess.run(
        [str(venv.python), "-c", _ADMIN_SCRIPT, dsn, statement],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{statement!r} failed: {result.stderr}"
