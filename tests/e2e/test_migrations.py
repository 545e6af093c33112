"""Alembic: upgrade, models and migrations agree, downgrade to base and back, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.projects import PROJECTS, check_tool

pytestmark = pytest.mark.e2e
NAMES = sorted(PROJECTS)


# One process for the whole round trip: each Alembic start-up costs a second.
_ROUND_TRIP = """
from alembic import command
from alembic.config import Config

config = Config("alembic.ini")
command.upgrade(config, "head")
command.check(config)  # the models and the migrations describe the same schema
command.downgrade(config, "base")
command.upgrade(config, "head")
command.current(config)
"""


def _round_trip(project: Path, project_venv: ProjectVenv, url: str) -> None:
    result = check_tool(project_venv(project), project, "-c", _ROUND_TRIP, DATABASE_URL=url)
    assert "(head)" in result.stdout


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
