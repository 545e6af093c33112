"""Reads through the asyncpg driver: the same values as Core, and dropped connections."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.util import greenlet_spawn

from app.core.database import Database, create_engine
from app.core.driver_reads import read_all, read_one, read_through_driver
from app.core.types import JsonVariant, UTCDateTime


def _typed(name: str, type_: Any) -> sa.ColumnElement[Any]:
    return sa.cast(sa.bindparam(name, type_=type_), type_).label(name)


# One statement object, as the repository builds them: plans are kept per statement.
_QUERY = sa.select(
    _typed("number", sa.Integer()),
    _typed("amount", sa.Numeric(10, 2)),
    _typed("at", UTCDateTime()),
    _typed("key", sa.Uuid()),
    _typed("document", JsonVariant),
    _typed("text", sa.Text()),
    _typed("flag", sa.Boolean()),
)
_VALUES = {
    "number": 7,
    "amount": Decimal("9.50"),
    "at": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    "key": uuid.uuid4(),
    "document": {"tags": ["a", "b"], "size": 2},
    "text": "plain",
    "flag": True,
}


@pytest.fixture
def postgres(database: Database) -> Database:
    if database.engine.dialect.driver != "asyncpg":
        pytest.skip("reads through the driver are PostgreSQL's; set TEST_DATABASE_URL")
    return database


@pytest.fixture
async def one_connection(postgres: Database) -> AsyncIterator[Database]:
    """A database whose pool holds a single connection."""
    engine = create_engine(postgres.engine.url.render_as_string(False), pool_size=1)
    try:
        yield Database(engine)
    finally:
        await engine.dispose()


async def test_driver_reads_give_what_core_gives(postgres: Database) -> None:
    async with postgres.read_engine.connect() as connection:
        core = (await connection.execute(_QUERY, _VALUES)).one()._asdict()
        driver = (await connection.get_raw_connection()).driver_connection
        # Twice: the first read plans the statement, the second uses the plan.
        for _ in range(2):
            read = await read_through_driver(driver, postgres.engine.dialect, _QUERY, _VALUES)
            assert read == [core]
            assert core == _VALUES
    assert await read_one(postgres.read_engine, _QUERY, _VALUES) == core


# A page, as the repository builds them: offset and limit are parameters.
_PAGE = (
    sa.select(sa.literal_column("n", sa.Integer()))
    .select_from(sa.text("generate_series(1, 10) AS n"))
    .order_by(sa.text("n"))
    .offset(sa.bindparam("offset", type_=sa.Integer()))
    .limit(sa.bindparam("limit", type_=sa.Integer()))
)


async def test_driver_pages_give_what_core_gives(postgres: Database) -> None:
    page = {"offset": 3, "limit": 4}
    async with postgres.read_engine.connect() as connection:
        core = [row._asdict() for row in await connection.execute(_PAGE, page)]
        driver = (await connection.get_raw_connection()).driver_connection
        read = await read_through_driver(driver, postgres.engine.dialect, _PAGE, page)
    assert read == core == [{"n": n} for n in (4, 5, 6, 7)]
    assert await read_all(postgres.read_engine, _PAGE, page) == core


async def test_a_dropped_connection_is_replaced_without_an_error(
    one_connection: Database, postgres: Database
) -> None:
    engine = one_connection.read_engine
    assert await read_one(engine, _QUERY, _VALUES) == _VALUES
    pooled = await engine.raw_connection()
    pid = pooled.driver_connection.get_server_pid()  # type: ignore[union-attr]
    await greenlet_spawn(pooled.close)
    async with postgres.engine.connect() as other:
        await other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    # The pool's only connection is dead: the read is answered on a new one.
    assert await read_one(engine, _QUERY, _VALUES) == _VALUES
    assert await read_one(engine, _QUERY, _VALUES) == _VALUES
