"""The generic writes: one statement each, scoped like the reads, the row as stored."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.core.database import Database
from app.core.ids import uuid7
from app.core.models import NAMING_CONVENTION, SoftDeletable
from app.core.repository import EVERY_OWNER, OwnerScope, Repository
from app.core.types import UTCDateTime, utcnow


class _Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class _Written(_Base):
    """Shaped like an owned resource's model, in a table no resource can name (``__``)."""

    __tablename__ = "test__written_rows"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), primary_key=True, default=uuid7)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    name: Mapped[str] = mapped_column(sa.String(40), unique=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid())


class _SoftWritten(SoftDeletable, _Base):
    __tablename__ = "test__soft_written_rows"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), primary_key=True, default=uuid7)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    name: Mapped[str] = mapped_column(sa.String(40))


class _Rows(Repository[Any]):
    model = _Written
    owner_column = "owner_id"


class _SoftRows(Repository[Any]):
    model = _SoftWritten


@pytest.fixture
async def tables(database: Database) -> AsyncIterator[Database]:
    async with database.engine.begin() as connection:
        await connection.run_sync(_Base.metadata.create_all)
    yield database
    async with database.engine.begin() as connection:
        await connection.run_sync(_Base.metadata.drop_all)


@pytest.fixture
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL of every statement the database runs while the test does."""
    seen: list[str] = []

    def record(_: Any, __: Any, statement: str, *___: Any) -> None:
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    engine = database.engine.sync_engine
    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


async def test_each_write_is_one_statement_returning_the_row(
    tables: Database, statements: list[str]
) -> None:
    owner = OwnerScope(uuid.uuid4())
    row = await _Rows.insert_row(tables, {"name": "first", "owner_id": owner.owner_id})
    assert row["name"] == "first"
    assert isinstance(row["id"], uuid.UUID)
    assert row["updated_at"] is not None
    changed = await _Rows.update_row(tables, row["id"], {"name": "second"}, owner)
    assert changed is not None
    assert changed["name"] == "second"
    assert changed["updated_at"] >= row["updated_at"]
    assert await _Rows.delete_row(tables, row["id"], owner)
    assert statements == ["INSERT", "UPDATE", "DELETE"]


async def test_writes_never_reach_another_owners_row(tables: Database) -> None:
    mine, theirs = OwnerScope(uuid.uuid4()), OwnerScope(uuid.uuid4())
    row = await _Rows.insert_row(tables, {"name": "mine", "owner_id": mine.owner_id})
    assert await _Rows.update_row(tables, row["id"], {"name": "taken"}, theirs) is None
    assert not await _Rows.delete_row(tables, row["id"], theirs)
    assert await _Rows.read(tables, row["id"], mine) == row
    # Admins (every owner) reach it.
    assert await _Rows.update_row(tables, row["id"], {"name": "admin"}, EVERY_OWNER) is not None
    with pytest.raises(TypeError):  # an owned table's write needs a scope
        await _Rows.delete_row(tables, row["id"])


async def test_a_missing_row_is_none_and_an_empty_change_reads_the_row(tables: Database) -> None:
    scope = OwnerScope(uuid.uuid4())
    assert await _Rows.update_row(tables, uuid7(), {"name": "x"}, scope) is None
    assert await _Rows.update_row(tables, uuid7(), {}, scope) is None
    assert not await _Rows.delete_row(tables, uuid7(), scope)
    row = await _Rows.insert_row(tables, {"name": "kept", "owner_id": scope.owner_id})
    assert await _Rows.update_row(tables, row["id"], {}, scope) == row


async def test_a_soft_delete_marks_the_row_and_hides_it(tables: Database) -> None:
    row = await _SoftRows.insert_row(tables, {"name": "soft"})
    assert await _SoftRows.delete_row(tables, row["id"])
    assert await _SoftRows.read(tables, row["id"]) is None
    assert not await _SoftRows.delete_row(tables, row["id"])  # gone: a second delete is a 404
    assert await _SoftRows.update_row(tables, row["id"], {"name": "back"}) is None
    async with tables.read_engine.connect() as connection:
        deleted_at = await connection.scalar(
            sa.select(_SoftWritten.deleted_at).where(_SoftWritten.id == row["id"])
        )
    assert deleted_at is not None


async def test_a_unique_violation_is_an_integrity_error(tables: Database) -> None:
    scope = OwnerScope(uuid.uuid4())
    await _Rows.insert_row(tables, {"name": "same", "owner_id": scope.owner_id})
    with pytest.raises(sa.exc.IntegrityError):
        await _Rows.insert_row(tables, {"name": "same", "owner_id": scope.owner_id})
