"""The generic repository: the queries every resource needs, typed by its model."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import Database
from app.core.models import Entity, SoftDeletable
from app.core.pagination import PageParams, SortKey, parse_sort
from app.core.types import utcnow

ModelT = TypeVar("ModelT", bound=Entity)


@dataclass(frozen=True)
class OwnerScope:
    """Whose rows a query on an owned table may touch: one owner's, or (None) everyone's.

    Repositories of owned tables refuse to run without one, so no query forgets it: another
    user's row is simply not found.
    """

    owner_id: uuid.UUID | None


EVERY_OWNER = OwnerScope(None)


@cache
def _read_query(model: type[Entity], column: str | None) -> sa.Select[Any]:
    """SELECT one row by id, built once per model (building it costs more than running it).

    With COLUMN, only a row whose COLUMN equals the ``owner_id`` parameter.
    """
    table = model.__table__
    query = sa.select(table).where(table.c.id == sa.bindparam("id"))
    if column is not None:
        query = query.where(table.c[column] == sa.bindparam("owner_id"))
    if issubclass(model, SoftDeletable):
        query = query.where(model.deleted_at.is_(None))
    return query


class Repository(Generic[ModelT]):
    """Data access for one model; subclasses set ``model`` and add their own queries."""

    model: type[ModelT]
    # Columns clients may sort by: a whitelist, so ?sort= cannot reach arbitrary columns.
    sortable: ClassVar[Collection[str]] = ("created_at", "updated_at")
    default_sort: ClassVar[str] = "-created_at"
    # The column naming a row's owner (owned resources): every query is scoped by it.
    owner_column: ClassVar[str | None] = None

    def __init__(self, session: AsyncSession, scope: OwnerScope | None = None) -> None:
        self.session = session
        self.scope = scope

    @classmethod
    def sort_keys(cls, value: str | None) -> list[SortKey]:
        """Parse ``?sort=`` against this repository's sortable columns."""
        return parse_sort(value, cls.sortable, cls.default_sort)

    @classmethod
    def _owner_id(cls, scope: OwnerScope | None) -> uuid.UUID | None:
        """The owner SCOPE limits rows to (None: every owner); owned tables require a scope."""
        if cls.owner_column is None:
            return None
        if scope is None:
            raise TypeError(f"{cls.__name__} holds owned rows: pass an OwnerScope")
        return scope.owner_id

    @classmethod
    def _visible(cls, scope: OwnerScope | None = None) -> list[sa.ColumnElement[bool]]:
        """Conditions every query adds: soft-deleted rows are gone, other owners' rows hidden."""
        conditions: list[sa.ColumnElement[bool]] = []
        if issubclass(cls.model, SoftDeletable):
            conditions.append(cls.model.deleted_at.is_(None))
        owner_id = cls._owner_id(scope)
        if owner_id is not None and cls.owner_column is not None:
            conditions.append(getattr(cls.model, cls.owner_column) == owner_id)
        return conditions

    @classmethod
    async def read(
        cls, database: Database, id: uuid.UUID, scope: OwnerScope | None = None
    ) -> sa.Row[Any] | None:
        """The row with ID as plain columns, or None: the hot read path.

        No session, no ORM object and no transaction: a third fewer CPU cycles per request
        than ``get``. For reads that answer a client; use ``get`` to change the row.
        """
        owner_id = cls._owner_id(scope)
        column = cls.owner_column if owner_id is not None else None
        parameters = {"id": id} if column is None else {"id": id, "owner_id": owner_id}
        async with database.read_engine.connect() as connection:
            result = await connection.execute(_read_query(cls.model, column), parameters)
            row: sa.Row[Any] | None = result.first()
            return row

    async def get(self, id: uuid.UUID) -> ModelT | None:
        """The row with ID (within this repository's owner scope), or None."""
        visible = self._visible(self.scope)
        if not visible:
            row: ModelT | None = await self.session.get(self.model, id)
            return row
        query = sa.select(self.model).where(self.model.id == id, *visible)
        return (await self.session.scalars(query)).first()

    @classmethod
    def _page_clauses(
        cls, sort: Sequence[SortKey], filters: Mapping[str, Any], scope: OwnerScope | None = None
    ) -> tuple[list[sa.ColumnElement[bool]], list[sa.UnaryExpression[Any]]]:
        """The WHERE conditions (equality filters, owner scope) and ORDER BY of a page."""
        conditions = [getattr(cls.model, column) == value for column, value in filters.items()]
        conditions.extend(cls._visible(scope))
        order_by: list[sa.UnaryExpression[Any]] = []
        for key in sort:
            column = getattr(cls.model, key.column)
            order_by.append(column.desc() if key.descending else column.asc())
        # The id breaks ties, so pages never overlap or skip rows.
        order_by.append(cls.model.id.desc() if sort and sort[-1].descending else cls.model.id.asc())
        return conditions, order_by

    async def list_page(
        self, *, page: PageParams, sort: Sequence[SortKey], filters: Mapping[str, Any]
    ) -> tuple[Sequence[ModelT], int]:
        """One page of rows matching FILTERS (equality), and how many match in all."""
        conditions, order_by = self._page_clauses(sort, filters, self.scope)
        query = (
            sa.select(self.model)
            .where(*conditions)
            .order_by(*order_by)
            .offset(page.offset)
            .limit(page.limit)
        )
        rows: Sequence[ModelT] = (await self.session.scalars(query)).all()
        count = sa.select(sa.func.count()).select_from(self.model).where(*conditions)
        total = await self.session.scalar(count)
        return rows, int(total or 0)

    @classmethod
    async def read_page(
        cls,
        database: Database,
        *,
        page: PageParams,
        sort: Sequence[SortKey],
        filters: Mapping[str, Any],
        scope: OwnerScope | None = None,
    ) -> tuple[Sequence[sa.Row[Any]], int]:
        """Like ``list_page``, as plain rows read outside any session: the hot list path.

        SCOPE limits the rows to one owner's (required for owned tables).
        """
        conditions, order_by = cls._page_clauses(sort, filters, scope)
        table = cls.model.__table__
        query = (
            sa.select(table)
            .where(*conditions)
            .order_by(*order_by)
            .offset(page.offset)
            .limit(page.limit)
        )
        count = sa.select(sa.func.count()).select_from(table).where(*conditions)
        async with database.read_engine.connect() as connection:
            rows = (await connection.execute(query)).all()
            # A short first page is the whole list: no need to count.
            if page.offset == 0 and len(rows) < page.limit:
                return rows, len(rows)
            total = await connection.scalar(count)
        return rows, int(total or 0)

    async def add(self, row: ModelT) -> ModelT:
        """Insert ROW (flushed, so database errors surface here)."""
        self.session.add(row)
        await self.session.flush()
        return row

    async def update(self, row: ModelT, values: Mapping[str, Any]) -> ModelT:
        """Set VALUES on ROW and flush."""
        for name, value in values.items():
            setattr(row, name, value)
        await self.session.flush()
        return row

    async def delete(self, row: ModelT) -> None:
        """Delete ROW (or mark it deleted, for soft-deletable models) and flush."""
        if isinstance(row, SoftDeletable):
            row.deleted_at = utcnow()
        else:
            await self.session.delete(row)
        await self.session.flush()
