"""One-row reads on PostgreSQL straight through the asyncpg driver: the GET by id path.

SQLAlchemy still writes the SQL (once per statement), owns the pool and converts the values
with each column type's own processors. What is skipped is its per-statement execution
machinery (greenlet hand-off, cursor, result objects): a quarter of a GET by id's CPU time
(callgrind instruction counts, docs/performance.md). Other drivers go through Core, and so
does any read that fails here, so errors, 503s and dropped connections behave exactly as on
the Core path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

Converter = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    """A statement compiled for asyncpg: its SQL, its parameters' order, its columns."""

    sql: str
    parameters: tuple[tuple[str, Converter], ...]
    columns: tuple[tuple[str, Converter], ...]


# Keyed by the statement object: callers build each statement once (repository.py).
_plans: dict[sa.Select[Any], _Plan] = {}


async def read_one(
    connection: AsyncConnection, query: sa.Select[Any], parameters: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The first row QUERY selects with PARAMETERS, as a dict by column name, or None."""
    if connection.dialect.driver == "asyncpg":
        try:
            return await read_through_driver(connection, query, parameters)
        except TimeoutError:
            raise  # a statement timeout: running it again would double the wait
        except Exception:
            pass  # Core runs it again below, and reports the error its own way
    row = (await connection.execute(query, parameters)).first()
    return None if row is None else row._asdict()


async def read_through_driver(
    connection: AsyncConnection, query: sa.Select[Any], parameters: Mapping[str, Any]
) -> dict[str, Any] | None:
    """``read_one`` on asyncpg, without the fallback to Core."""
    driver: Any = (await connection.get_raw_connection()).driver_connection
    plan = _plans.get(query) or await _plan(driver, query, connection.dialect)
    arguments = [
        value if convert is None else convert(value)
        for name, convert in plan.parameters
        for value in (parameters[name],)
    ]
    record = await driver.fetchrow(plan.sql, *arguments)
    if record is None:
        return None
    return {
        name: value if convert is None else convert(value)
        for (name, convert), value in zip(plan.columns, record, strict=True)
    }


async def _plan(driver: Any, query: sa.Select[Any], dialect: sa.Dialect) -> _Plan:
    compiled = query.compile(dialect=dialect)
    sql = str(compiled)
    binds = compiled.binds
    order = compiled.positiontup or []
    parameters = tuple(
        (name, binds[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in order
    )
    # Result processors depend on the column's type as the server reports it.
    statement = await driver.prepare(sql)
    oids = [attribute.type.oid for attribute in statement.get_attributes()]
    columns = tuple(
        (str(column.key), column.type.dialect_impl(dialect).result_processor(dialect, oid))
        for column, oid in zip(query.selected_columns, oids, strict=True)
    )
    plan = _Plan(sql=sql, parameters=parameters, columns=columns)
    _plans[query] = plan
    return plan
