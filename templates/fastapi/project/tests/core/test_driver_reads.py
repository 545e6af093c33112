"""Reads through the asyncpg driver: the same values as Core, the same errors, and recovery."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from app.core.database import Database
from app.core.driver_reads import read_one, read_through_driver
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


async def test_driver_reads_give_what_core_gives(postgres: Database) -> None:
    async with postgres.read_engine.connect() as connection:
        core = (await connection.execute(_QUERY, _VALUES)).one()._asdict()
        # Twice: the first read plans the statement, the second uses the plan.
        for _ in range(2):
            assert await read_through_driver(connection, _QUERY, _VALUES) == core == _VALUES
        assert await read_one(connection, _QUERY, _VALUES) == core


async def test_a_dropped_connection_fails_like_core_and_the_pool_recovers(
    postgres: Database,
) -> None:
    async with postgres.read_engine.connect() as connection:
        await read_one(connection, _QUERY, _VALUES)
        driver: Any = (await connection.get_raw_connection()).driver_connection
        async with postgres.engine.connect() as other:
            statement = sa.text("SELECT pg_terminate_backend(:pid)")
            await other.execute(statement, {"pid": driver.get_server_pid()})
        with pytest.raises(sa.exc.DBAPIError) as raised:
            await read_one(connection, _QUERY, _VALUES)
        # The app's error handler turns this into a 503; the pool drops the connection.
        assert raised.value.connection_invalidated
    async with postgres.read_engine.connect() as connection:
        assert await read_one(connection, _QUERY, _VALUES) == _VALUES
