"""Pages stay on indexes: PostgreSQL's plans for a list's statements on a large table."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa

from app.core.database import Database
from app.core.ids import uuid7
from app.core.models import NAMING_CONVENTION
from app.core.pagination import COUNT_LIMIT, SortKey
from app.core.repository import _count_statement, _keyset_statement, _page_statement

ROWS = 20_000
_metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
# A table shaped like a resource's: the (created_at, id) index every table has, and a
# column declared with :index.
_table = sa.Table(
    "list_plans",
    _metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Index("idx_list_plans_created_at_id", "created_at", "id"),
    sa.Index("idx_list_plans_status", "status"),
)


class _Listed:
    """What the statement builders read of a model: its table and its columns."""

    __table__ = _table
    id = _table.c.id
    created_at = _table.c.created_at
    updated_at = _table.c.updated_at
    status = _table.c.status


_MODEL: Any = _Listed


@pytest.fixture
async def large_table(database: Database) -> AsyncIterator[Database]:
    if database.engine.dialect.driver != "asyncpg":
        pytest.skip("plans are PostgreSQL's; set TEST_DATABASE_URL")
    async with database.engine.begin() as connection:
        await connection.run_sync(_metadata.create_all)
        await connection.execute(
            sa.text(
                "INSERT INTO list_plans (id, created_at, updated_at, status) "
                "SELECT gen_random_uuid(), now() - n * interval '1 second', now(), "
                "'status' || (n % 50) FROM generate_series(1, :rows) AS n"
            ),
            {"rows": ROWS},
        )
    async with database.read_engine.connect() as connection:
        await connection.execute(sa.text("VACUUM ANALYZE list_plans"))
    try:
        yield database
    finally:
        async with database.engine.begin() as connection:
            await connection.run_sync(_metadata.drop_all)


async def _plan(database: Database, statement: sa.Select[Any], values: dict[str, Any]) -> str:
    """PostgreSQL's plan for STATEMENT, as the service sends it (positional parameters)."""
    compiled = statement.compile(dialect=database.engine.dialect)
    arguments = [values[name] for name in compiled.positiontup or []]
    async with database.read_engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        rows = await driver.fetch(f"EXPLAIN {compiled}", *arguments)
    return "\n".join(row[0] for row in rows)


NEWEST_FIRST = (SortKey("created_at", descending=True),)


@pytest.mark.parametrize("page", [1, 50])
async def test_a_filtered_sorted_page_reads_indexes(large_table: Database, page: int) -> None:
    statement = _page_statement(_MODEL, None, NEWEST_FIRST, ("status",))
    values = {"filter_status": "status7", "offset": (page - 1) * 20, "limit": 21}
    plan = await _plan(large_table, statement, values)
    assert "Seq Scan" not in plan, plan
    assert "Index" in plan, plan


async def test_an_unfiltered_page_reads_the_sort_index(large_table: Database) -> None:
    statement = _page_statement(_MODEL, None, NEWEST_FIRST, ())
    plan = await _plan(large_table, statement, {"offset": 0, "limit": 21})
    assert "Seq Scan" not in plan, plan
    assert "idx_list_plans_created_at_id" in plan, plan


async def test_a_filtered_count_reads_the_filter_index_up_to_its_bound(
    large_table: Database,
) -> None:
    statement = _count_statement(_MODEL, None, ("status",))
    values = {"filter_status": "status7", "bound": COUNT_LIMIT + 1}
    plan = await _plan(large_table, statement, values)
    assert "Seq Scan" not in plan, plan
    assert "idx_list_plans_status" in plan, plan
    assert "Limit" in plan, plan


async def test_a_deep_keyset_page_is_a_range_scan_of_the_sort_index(
    large_table: Database,
) -> None:
    statement = _keyset_statement(_MODEL, None, NEWEST_FIRST, (), True, 21)
    assert statement is not None
    async with large_table.read_engine.connect() as connection:
        created_at = await connection.scalar(
            sa.select(_table.c.created_at).order_by(_table.c.created_at).offset(ROWS // 10)
        )
    values = {"cursor_0": created_at, "cursor_1": uuid7()}
    plan = await _plan(large_table, statement, values)
    assert "Seq Scan" not in plan, plan
    assert "Sort" not in plan, plan
    assert "idx_list_plans_created_at_id" in plan, plan


async def test_a_keyset_page_is_planned_once_then_reused(large_table: Database) -> None:
    """PostgreSQL adopts the generic plan after five executions of a prepared statement
    when it costs no more than the custom ones: it does with the limit in the SQL (with
    ``LIMIT $n`` it would plan every page again)."""
    statement = _keyset_statement(_MODEL, None, NEWEST_FIRST, (), True, 21)
    assert statement is not None
    compiled = statement.compile(dialect=large_table.engine.dialect)
    async with large_table.read_engine.connect() as connection:
        created_at = await connection.scalar(
            sa.select(_table.c.created_at).order_by(_table.c.created_at).offset(ROWS // 10)
        )
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        prepared = await driver.prepare(str(compiled))
        for _ in range(8):
            assert len(await prepared.fetch(created_at, uuid7())) == 21
        generic = await driver.fetchval(
            "SELECT generic_plans FROM pg_prepared_statements WHERE statement = $1",
            str(compiled),
        )
    assert generic is not None
    assert generic > 0, generic
