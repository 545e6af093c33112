"""Name-inferred revisions leave exactly the schema the resource's model declares.

A project with an ``authors`` and a ``posts`` resource gets every field type added to posts by
an inferred revision (as ``add field`` writes it), while posts.py's model is the one
``add resource`` writes for the same fields; then ``migrate --check`` must agree. The fields are
then removed the same way. Rows exist throughout, so backfills and NOT NULL are exercised.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backendkit.migrate.inferred import render_inferred
from backendkit.migrate.names import infer
from tests.e2e.venv import Venv
from tests.migrate.support import alembic, new_project, run

pytestmark = pytest.mark.e2e

AUTHOR_ID = "0190a5a4-0000-7000-8000-00000000000a"
FIELDS = [
    "author:ref(author)",
    "status:enum(draft,active)",
    "code:str(20):unique:optional",
    "slug:str(40):unique:index:optional",
    "rank:int:index=0",
    "total:bigint:optional",
    "ratio:float=1.5",
    "note:text:optional",
    "price:decimal(8,2)=1.50",
    "born:date",
    "released_on:date=2024-02-29",
    "seen_at:datetime:optional:index",
    "happened_at:datetime",
    "batch_id:uuid=123e4567-e89b-12d3-a456-426614174000",
    "contact:email:unique:optional",
    "homepage:url:optional",
    "meta:json:optional",
    "data:json",
    "active:bool=true",
    "label:str(40)=hello",
]
BACKFILL = {
    "author": AUTHOR_ID,
    "status": "active",
    "born": "2021-03-04",
    "happened_at": "2021-03-04T05:06:07+00:00",
    "batch_id": "123e4567-e89b-12d3-a456-426614174000",
    "data": '{"source": "backfill", "tags": [1, true, null]}',
}
SEED = f"""
import asyncio, os, uuid
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from alembic import command
from alembic.config import Config

config = Config("alembic.ini")
command.upgrade(config, "0002_create_posts")
authors = sa.table("authors", sa.column("id", sa.Uuid()), sa.column("name", sa.String()))
posts = sa.table("posts", sa.column("id", sa.Uuid()), sa.column("title", sa.String()))

async def seed():
    engine = create_async_engine(os.environ["DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.execute(authors.insert().values(id=uuid.UUID("{AUTHOR_ID}"), name="a"))
        await connection.execute(posts.insert().values(id=uuid.uuid4(), title="before"))
    await engine.dispose()

asyncio.run(seed())
command.upgrade(config, "head")
"""
ROUND_TRIP = """
from alembic import command
from alembic.config import Config

config = Config("alembic.ini")
command.upgrade(config, "head")
command.downgrade(config, "base")
command.upgrade(config, "head")
command.current(config)
"""
READ_BACKFILLED = """
import asyncio, os
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

async def read():
    engine = create_async_engine(os.environ["DATABASE_URL"])
    async with engine.connect() as connection:
        row = (await connection.execute(sa.text("SELECT status, rank, label FROM posts"))).one()
    await engine.dispose()
    print(tuple(row))

asyncio.run(read())
"""


@pytest.fixture(scope="module")
def models_with_fields(tmp_path_factory: pytest.TempPathFactory) -> str:
    """posts' model as ``add resource`` writes it with FIELDS."""
    project = _authors_and_posts(tmp_path_factory.mktemp("with-fields"), *FIELDS)
    return (project / "app" / "post" / "models.py").read_text()


def _authors_and_posts(parent: Path, *post_fields: str) -> Path:
    project = new_project(parent, "author", "--crud", "--auth", "none", "--fields", "name:str")
    added = subprocess.run(
        [sys.executable, "-m", "backendkit", "add", "resource", "post", "title:str", *post_fields],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    assert "next: alembic upgrade head" in added.stdout
    return project


def _write(
    project: Path, name: str, revision: str, down: str, backfill: dict[str, str] | None = None
) -> Path:
    inference = infer(name, FIELDS)
    assert inference is not None
    path = project / "migrations" / "versions" / f"{revision}.py"
    path.write_text(
        render_inferred(inference, revision=revision, down_revision=down, backfill=backfill)
    )
    return path


def _lives_through_add_and_remove(
    tmp_path: Path, venv: Venv, models_with_fields: str, url: str
) -> Path:
    project = _authors_and_posts(tmp_path)
    models = project / "app" / "post" / "models.py"
    models_without = models.read_text()

    _write(project, "add_fields_to_posts", "0003_add_fields_to_posts", "0002_create_posts",
           backfill=BACKFILL)  # fmt: skip
    models.write_text(models_with_fields)
    seeded = alembic(project, venv, SEED, DATABASE_URL=url)
    assert seeded.returncode == 0, seeded.stderr
    read = alembic(project, venv, READ_BACKFILLED, DATABASE_URL=url)
    assert read.stdout.strip() == "('active', 0, 'hello')", read.stderr
    check = run(project, venv, "migrate", "--check", DATABASE_URL=url)
    assert check.returncode == 0, check.stdout + check.stderr

    _write(project, "remove_fields_from_posts", "0004_remove_fields_from_posts",
           "0003_add_fields_to_posts")  # fmt: skip
    models.write_text(models_without)
    check = run(project, venv, "migrate", "--check", DATABASE_URL=url)
    assert check.returncode == 0, check.stdout + check.stderr  # through a scratch database
    result = alembic(project, venv, ROUND_TRIP, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert "0004_remove_fields_from_posts (head)" in result.stdout
    check = run(project, venv, "migrate", "--check", DATABASE_URL=url)
    assert check.returncode == 0, check.stdout + check.stderr
    return project


def test_every_field_type_added_and_removed_matches_the_model_on_sqlite(
    tmp_path: Path, shared_venv: Venv, models_with_fields: str
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    project = _lives_through_add_and_remove(tmp_path, shared_venv, models_with_fields, url)
    versions = "migrations/versions"
    for tool in (["ruff", "check", versions], ["ruff", "format", "--check", versions],
                 ["mypy", "--cache-dir", str(shared_venv.mypy_cache), versions]):  # fmt: skip
        result = subprocess.run(
            [str(shared_venv.python), "-m", *tool],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    lint = run(project, shared_venv, "db", "lint")
    assert lint.returncode == 0, lint.stdout
    assert "no findings" in lint.stdout


@pytest.mark.postgres
def test_every_field_type_added_and_removed_matches_the_model_on_postgres(
    tmp_path: Path, shared_venv: Venv, models_with_fields: str, postgres_database: str
) -> None:
    _lives_through_add_and_remove(tmp_path, shared_venv, models_with_fields, postgres_database)
