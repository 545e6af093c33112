"""Test fixtures: a migrated database per test session, emptied after every test.

SQLite (a temporary file) by default. When TEST_DATABASE_URL or DATABASE_URL names a
PostgreSQL server, a fresh database is created there for the session and dropped afterwards,
so the tests never touch the data of the database the URL names.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.engine import URL, make_url

os.environ["APP_ENV"] = "test"

from app.auth.models import User, UserRole
from app.core.config import Settings
from app.core.database import Database
from app.core.models import Base
from app.main import create_app
from tests.accounts import create_account, http_client

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _server_url() -> URL | None:
    """The PostgreSQL server to test against, if one is configured."""
    raw = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not raw:
        return None
    url = make_url(raw)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql+asyncpg")


async def _admin(url: URL, statement: str) -> None:
    import asyncpg

    server = url.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(server.render_as_string(hide_password=False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this test session."""
    server = _server_url()
    if server is None:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        _migrate(url)
        yield url
        return
    name = f"test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        _migrate(url)
        yield url
    finally:
        asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _migrate(url: str) -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    # The tests never depend on a Redis: the tests that need one give the app their own.
    # Every test request comes from one client: the rate limit and in-flight tests set their
    # own limits.
    return Settings(
        app_env="test",
        database_url=database_url,
        db_pool_size=4,
        redis_url="",
        rate_limit_per_minute=0,
        auth_rate_limit_per_minute=0,
        requests_in_flight_per_client=0,
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    yield application
    await application.state.database.dispose()


@pytest.fixture(autouse=True)
def _flush_logs() -> Iterator[None]:
    """Each test's log lines within its own captured output (they are written in batches)."""
    yield
    for handler in logging.getLogger("app").handlers:
        handler.flush()


@pytest.fixture(scope="session")
def database(app: FastAPI) -> Database:
    db: Database = app.state.database
    return db


@pytest.fixture(autouse=True)
async def _empty_tables(database: Database) -> AsyncIterator[None]:
    """Every test starts from empty tables (truncation: it works the same on every database)."""
    yield
    async with database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())


@pytest.fixture
async def anonymous_client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client that sends no credentials."""
    async with http_client(app) as http:
        yield http


@pytest.fixture
async def user_account(database: Database) -> User:
    """The regular user ``client`` acts as."""
    return await create_account(database)


@pytest.fixture
async def client(app: FastAPI, user_account: User) -> AsyncIterator[AsyncClient]:
    """A client signed in as a regular user (every resource route needs a signed-in user)."""
    async with http_client(app, user_account) as http:
        yield http


@pytest.fixture
async def other_account(database: Database) -> User:
    """A second regular user: what one user owns, this one must not see."""
    return await create_account(database)


@pytest.fixture
async def other_client(app: FastAPI, other_account: User) -> AsyncIterator[AsyncClient]:
    """A client signed in as ``other_account``."""
    async with http_client(app, other_account) as http:
        yield http


@pytest.fixture
async def admin_account(database: Database) -> User:
    """An administrator."""
    return await create_account(database, role=UserRole.ADMIN)


@pytest.fixture
async def admin_client(app: FastAPI, admin_account: User) -> AsyncIterator[AsyncClient]:
    """A client signed in as an administrator."""
    async with http_client(app, admin_account) as http:
        yield http
