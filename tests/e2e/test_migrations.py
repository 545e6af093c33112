"""Alembic: upgrade, models and migrations agree, downgrade to base and back, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.projects import PROJECTS, check_tool

pytestmark = pytest.mark.e2e
NAMES = sorted(PROJECTS)


def _round_trip(project: Path, venv_python: ProjectVenv, url: str) -> None:
    venv = venv_python(project)
    check_tool(venv, project, "alembic", "upgrade", "head", DATABASE_URL=url)
    # The models and the migrations describe the same schema.
    check_tool(venv, project, "alembic", "check", DATABASE_URL=url)
    check_tool(venv, project, "alembic", "downgrade", "base", DATABASE_URL=url)
    check_tool(venv, project, "alembic", "upgrade", "head", DATABASE_URL=url)
    current = check_tool(venv, project, "alembic", "current", DATABASE_URL=url)
    assert "(head)" in current.stdout


@pytest.mark.postgres
@pytest.mark.parametrize("name", NAMES)
def test_migrations_round_trip_on_postgres(
    name: str,
    generated: GeneratedProject,
    project_venv: ProjectVenv,
    fresh_postgres_database: str,
) -> None:
    _round_trip(generated(name), project_venv, fresh_postgres_database)


@pytest.mark.parametrize("name", NAMES)
def test_migrations_round_trip_on_sqlite(
    name: str, generated: GeneratedProject, project_venv: ProjectVenv, tmp_path: Path
) -> None:
    _round_trip(generated(name), project_venv, f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
