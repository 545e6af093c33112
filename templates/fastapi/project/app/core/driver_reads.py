"""Hot reads on PostgreSQL straight through the asyncpg driver: GET by id and offset pages.

SQLAlchemy still writes the SQL (once per statement), owns the pool and converts the values
with each column type's own processors. What is skipped is the Connection around a pool
connection and the per-statement execution machinery (greenlet hand-offs, cursor and result
objects): together a third of a GET by id's CPU time (callgrind instruction counts,
docs/performance.md). Other drivers go through Core, and so does any read that fails here,
on another connection, so errors and 503s are Core's own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only, greenlet_spawn

Converter = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    """A statement compiled for asyncpg: its SQL, its parameters' order, its columns."""

    sql: str
    parameters: tuple[tuple[str, Converter], ...]
    columns: tuple[tuple[str, Converter], ...]


# Keyed by the statement object (callers build each statement once, or keep a bounded
# cache of them: repository.py), and bounded here too.
_plans: OrderedDict[sa.Select[Any], _Plan] = OrderedDict()
MAX_PLANS = 512


async def read_one(
    engine: AsyncEngine, query: sa.Select[Any], parameters: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The first row QUERY selects with PARAMETERS, as a dict by column name, or None."""
    rows = await read_all(engine, query, parameters, first_only=True)
    return rows[0] if rows else None


async def read_all(
    engine: AsyncEngine,
    query: sa.Select[Any],
    parameters: Mapping[str, Any],
    *,
    first_only: bool = False,
) -> list[dict[str, Any]]:
    """The rows QUERY selects with PARAMETERS (only the first, with FIRST_ONLY), as dicts."""
    if engine.dialect.driver == "asyncpg":
        # The pool's checkout and return may block, so they run in a greenlet, and both in
        # the same one: each greenlet that runs Python code maps a fresh 16 KiB stack for
        # it and unmaps it at the end, two system calls (about 6 us a greenlet here).
        rows = await greenlet_spawn(_read_pooled, engine, query, parameters, first_only)
        if rows is not None:
            return rows
    async with engine.connect() as connection:
        result = await connection.execute(query, parameters)
        if first_only:
            row = result.first()
            return [] if row is None else [row._asdict()]
        return [row._asdict() for row in result]


def _read_pooled(
    engine: AsyncEngine, query: sa.Select[Any], parameters: Mapping[str, Any], first_only: bool
) -> list[dict[str, Any]] | None:
    """``read_all`` on a pool connection, in a greenlet; None when Core should answer instead.

    A pool connection, not a Connection: its set-up and close cost as much as the read. The
    pool's own errors and timeouts surface here, as they would on Core.
    """
    try:
        pooled = engine.sync_engine.raw_connection()
    except sa.exc.TimeoutError:
        raise
    except Exception:
        # A connection that cannot be made (no such database, server down): Core tries again
        # and reports it its own way, a 503.
        return None
    try:
        read = read_through_driver(
            pooled.driver_connection, engine.dialect, query, parameters, first_only=first_only
        )
        return await_only(read)
    except Exception as error:
        # Never reuse a connection that failed mid-read; Core runs the read again on another
        # and reports any error its own way (a statement timeout is not run again: that
        # would double the wait).
        pooled.invalidate(error)
        if isinstance(error, TimeoutError):
            raise
        return None
    except BaseException:
        pooled.invalidate()
        raise
    finally:
        pooled.close()


async def read_through_driver(
    driver: Any,
    dialect: sa.Dialect,
    query: sa.Select[Any],
    parameters: Mapping[str, Any],
    *,
    first_only: bool = False,
) -> list[dict[str, Any]]:
    """``read_all`` on an asyncpg connection (DRIVER), without any fallback to Core."""
    plan = _plans.get(query) or await _plan(driver, query, dialect)
    arguments = [
        value if convert is None else convert(value)
        for name, convert in plan.parameters
        for value in (parameters[name],)
    ]
    if first_only:
        record = await driver.fetchrow(plan.sql, *arguments)
        records = [] if record is None else [record]
    else:
        records = await driver.fetch(plan.sql, *arguments)
    columns = plan.columns
    return [
        {
            name: value if convert is None else convert(value)
            for (name, convert), value in zip(columns, record, strict=True)
        }
        for record in records
    ]


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
    if len(_plans) > MAX_PLANS:
        _plans.popitem(last=False)
    return plan
