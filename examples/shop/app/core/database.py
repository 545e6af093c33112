"""The async engine and sessions: SQLite (aiosqlite) embedded, PostgreSQL (asyncpg) by URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.config import Settings


def create_engine(
    url: str,
    *,
    pool_size: int = 16,
    connect_timeout: float = 5.0,
    statement_timeout: float = 30.0,
) -> AsyncEngine:
    """An engine for URL, tuned for the database it names.

    Its errors name the statement but never its parameters (``hide_parameters``): a logged
    database error carries no password hash, token or personal data.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # A pool as large as the expected concurrency and no overflow: predictable latency.
        # Every wait is bounded, so a database that is down or hung gives a quick 503.
        return create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=0,
            pool_timeout=connect_timeout,
            connect_args={"timeout": connect_timeout, "command_timeout": statement_timeout},
            hide_parameters=True,
        )
    engine = create_async_engine(url, pool_timeout=connect_timeout, hide_parameters=True)
    database = parsed.database or ""
    _prepare_sqlite(engine, database)
    return engine


def _prepare_sqlite(engine: AsyncEngine, database: str) -> None:
    @sa.event.listens_for(engine.sync_engine, "do_connect")
    def _ensure_directory(*_: Any) -> None:
        # The embedded database lives in ./data by default; create it on first use.
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)

    @sa.event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


class Database:
    """One engine, plus session factories for writes and for autocommit reads."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        # Reads, and writes of one statement (atomic on its own), need no BEGIN/COMMIT
        # round trips.
        self.read_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        engine = create_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            connect_timeout=settings.db_connect_timeout_seconds,
            statement_timeout=settings.db_statement_timeout_seconds,
        )
        return cls(engine)

    async def ping(self) -> None:
        """Raise unless the database answers."""
        async with self.engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def get_database(request: Request) -> Database:
    """The application's database."""
    database: Database = request.app.state.database
    return database


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A transactional session for the request; the service commits."""
    async with get_database(request).sessions() as session:
        yield session


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """An autocommit session for requests that only read."""
    async with get_database(request).read_sessions() as session:
        yield session


async def _database_dependency(request: Request) -> Database:
    # Async on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, and that
    # hand-off cost more than the whole query on the hot read path.
    return get_database(request)


DatabaseDep = Annotated[Database, Depends(_database_dependency)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]
