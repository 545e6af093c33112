"""The generic repository: the queries every resource needs, typed by its model."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, ClassVar, Generic, TypeVar

import sqlalchemy as sa
from pydantic.alias_generators import to_camel
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.cursor import after, encode_cursor, read_cursor, typed_cursor
from app.core.database import Database
from app.core.driver_reads import read_all, read_one
from app.core.errors import BadRequestError, BusinessRuleError, ConflictError
from app.core.models import Entity, SoftDeletable
from app.core.pagination import COUNT_LIMIT, ListQuery, PageParams, SortKey, parse_sort
from app.core.schemas import CursorPagination, ErrorDetail, Pagination
from app.core.types import utcnow

ModelT = TypeVar("ModelT", bound=Entity)
# Called with a write's own connection, "created", "updated" or "deleted", and the row as
# stored: what it writes commits or rolls back with the change (the events outbox).
RowEvents = Callable[[AsyncConnection, str, Mapping[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class OwnerScope:
    """Whose rows a query on an owned table may touch: one owner's, or (None) everyone's.

    Repositories of owned tables refuse to run without one, so no query forgets it: another
    user's row is simply not found.
    """

    owner_id: uuid.UUID | None


EVERY_OWNER = OwnerScope(None)


# Bound parameter names of a page's equality filters (column names are identifiers).
_FILTER = "filter_"


@cache
def _read_query(model: type[Entity], column: str | None) -> sa.Select[Any]:
    """SELECT one row by id, built once per model (building it costs more than running it).

    With COLUMN, only a row whose COLUMN equals the ``owner_id`` parameter.
    """
    table = model.__table__
    visible = _visible_rows(model, column, sa.bindparam("owner_id"))
    return sa.select(table).where(table.c.id == sa.bindparam("id"), *visible)


def _visible_rows(
    model: type[Entity], owner_column: str | None, owner: Any
) -> list[sa.ColumnElement[bool]]:
    """Conditions every query adds: soft-deleted rows are gone and, with OWNER_COLUMN, other
    owners' rows hidden (OWNER: the owner's id, or a bound parameter standing for it)."""
    conditions: list[sa.ColumnElement[bool]] = []
    if issubclass(model, SoftDeletable):
        conditions.append(model.deleted_at.is_(None))
    if owner_column is not None:
        conditions.append(getattr(model, owner_column) == owner)
    return conditions


@cache
def _referencing(model: type[Entity]) -> list[tuple[sa.Table, sa.Column[Any]]]:
    """Tables (and their columns) whose foreign keys to MODEL's table restrict its deletes."""
    found: list[tuple[sa.Table, sa.Column[Any]]] = []
    for table in model.metadata.tables.values():
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table is model.__table__ and foreign_key.ondelete == "RESTRICT":
                found.append((table, foreign_key.parent))
    return found


# Bound parameter names of the row a write targets (field names never start with "_").
_ROW_ID = "_row_id"
_ROW_OWNER = "_row_owner_id"


@cache
def _insert_statement(model: type[Entity]) -> sa.Executable:
    """INSERT one row, returning it as stored; its values come with each execution."""
    table = _table(model)
    return sa.insert(table).returning(*table.c)


def _table(model: type[Entity]) -> sa.Table:
    table: sa.Table = model.__table__  # type: ignore[assignment]  # declared: always a Table
    return table


def _row_conditions(model: type[Entity], owner_column: str | None) -> list[Any]:
    table = model.__table__
    owner: sa.BindParameter[Any] = sa.bindparam(_ROW_OWNER)
    return [table.c.id == sa.bindparam(_ROW_ID), *_visible_rows(model, owner_column, owner)]


@cache
def _update_statement(model: type[Entity], owner_column: str | None) -> sa.Executable:
    """UPDATE the visible row with the ``_row_id`` parameter, returning it as stored.

    The SET clause holds the columns each execution gives values for (plus ``updated_at``).
    """
    table = _table(model)
    conditions = _row_conditions(model, owner_column)
    return sa.update(table).where(*conditions).returning(*table.c)


@cache
def _delete_statement(
    model: type[Entity], owner_column: str | None, whole_row: bool = False
) -> sa.Executable:
    """DELETE the visible row with the ``_row_id`` parameter (soft-deletable tables: set its
    ``deleted_at`` from the execution's values), returning its id (WHOLE_ROW: every column)."""
    table = _table(model)
    conditions = _row_conditions(model, owner_column)
    returned = table.c if whole_row else [table.c.id]
    if issubclass(model, SoftDeletable):
        return sa.update(table).where(*conditions).returning(*returned)
    return sa.delete(table).where(*conditions).returning(*returned)


async def _write_one(
    database: Database,
    statement: sa.Executable,
    parameters: Mapping[str, Any],
    events: RowEvents | None = None,
    action: str = "",
) -> dict[str, Any] | None:
    """Run one write STATEMENT on an autocommit connection; the row it returns, or None.

    With EVENTS, the statement and what EVENTS writes for ACTION share one transaction.
    """
    if events is None:
        async with database.read_engine.connect() as connection:
            row = (await connection.execute(statement, parameters)).first()
        return None if row is None else row._asdict()
    async with database.engine.begin() as connection:
        row = (await connection.execute(statement, parameters)).first()
        if row is None:
            return None
        values = row._asdict()
        await events(connection, action, values)
    return values


async def require_parent(parents: Repository[Any], values: Mapping[str, Any], column: str) -> None:
    """A 422 naming COLUMN when VALUES refer by it to a row PARENTS cannot find."""
    parent_id = values.get(column)
    if parent_id is not None and await parents.get(parent_id) is None:
        label = parents.model.__name__
        raise BusinessRuleError(
            f"{label} not found",
            [ErrorDetail(field=to_camel(column), message=f"no {label} with this id")],
        )


async def require_parent_row(
    database: Database, parents: type[Repository[Any]], values: Mapping[str, Any], column: str
) -> None:
    """``require_parent`` outside any session: a 422 naming COLUMN when VALUES refer by it to
    a row PARENTS cannot find."""
    parent_id = values.get(column)
    if parent_id is not None and await parents.read(database, parent_id) is None:
        label = parents.model.__name__
        raise BusinessRuleError(
            f"{label} not found",
            [ErrorDetail(field=to_camel(column), message=f"no {label} with this id")],
        )


def _order_by(model: type[Entity], sort: Sequence[SortKey]) -> list[sa.UnaryExpression[Any]]:
    order_by: list[sa.UnaryExpression[Any]] = []
    for key in sort:
        column = getattr(model, key.column)
        order_by.append(column.desc() if key.descending else column.asc())
    # The id breaks ties, so pages never overlap or skip rows.
    order_by.append(model.id.desc() if sort and sort[-1].descending else model.id.asc())
    return order_by


@lru_cache(maxsize=256)
def _page_statement(
    model: type[Entity],
    owner_column: str | None,
    sort: tuple[SortKey, ...],
    filtered: tuple[str, ...],
) -> sa.Select[Any]:
    """An offset page's statement for one shape of request: owner, sort, filtered columns.

    OWNER_COLUMN, when given, limits rows to the ``owner_id`` parameter's.

    Filter values, the owner, the offset and the limit are parameters, so requests of one
    shape share one statement, compiled once (driver_reads.py). Bounded: ``?sort=`` and
    filters can take many shapes. No count in it: a count over the window (``count(*) OVER
    ()``) reads every matching row, page 1 included.
    """
    return (
        sa.select(model.__table__)
        .where(*_page_conditions(model, owner_column, filtered))
        .order_by(*_order_by(model, sort))
        .offset(sa.bindparam("offset", type_=sa.Integer()))
        .limit(sa.bindparam("limit", type_=sa.Integer()))
    )


@lru_cache(maxsize=256)
def _keyset_statement(
    model: type[Entity],
    owner_column: str | None,
    sort: tuple[SortKey, ...],
    filtered: tuple[str, ...],
    after_cursor: bool,
    limit: int,
) -> sa.Select[Any] | None:
    """A keyset page's statement for one shape of request, like ``_page_statement``; None
    when the sort mixes directions (then each request builds its own, with its values).

    With AFTER_CURSOR, rows after the ``cursor_0``, ``cursor_1``, ... parameters (the sort
    columns, then the id): one row comparison, ``(a, id) < (:cursor_0, :cursor_1)``, that
    PostgreSQL answers with a range scan of the (a, id) index.

    LIMIT is written into the SQL, not a parameter: with ``LIMIT $n`` PostgreSQL's generic
    plan assumes a tenth of the table, never wins against a custom plan, and every page is
    planned again (planning costs several times the 21-row read).
    """
    directions = {key.descending for key in sort} or {False}
    if len(directions) > 1:
        return None
    table = model.__table__
    conditions = _page_conditions(model, owner_column, filtered)
    if after_cursor:
        columns = [table.c[key.column] for key in sort] + [table.c.id]
        bound = sa.tuple_(
            *(sa.bindparam(f"cursor_{i}", type_=c.type) for i, c in enumerate(columns))
        )
        row = sa.tuple_(*columns)
        conditions.append(row < bound if directions == {True} else row > bound)
    return (
        sa.select(table)
        .where(*conditions)
        .order_by(*_order_by(model, sort))
        .limit(sa.literal_column(str(int(limit)), sa.Integer()))
    )


@lru_cache(maxsize=256)
def _count_statement(
    model: type[Entity], owner_column: str | None, filtered: tuple[str, ...]
) -> sa.Select[Any]:
    """How many rows match, counted up to the ``bound`` parameter and no further.

    The LIMIT inside stops the scan at the bound, so a count costs at most ``bound`` rows
    whatever the table's size.
    """
    matching = (
        sa.select(sa.literal_column("1"))
        .select_from(model.__table__)
        .where(*_page_conditions(model, owner_column, filtered))
        .limit(sa.bindparam("bound", type_=sa.Integer()))
        .subquery("matching")
    )
    return sa.select(sa.func.count().label("total")).select_from(matching)


def _page_conditions(
    model: type[Entity], owner_column: str | None, filtered: tuple[str, ...]
) -> list[sa.ColumnElement[bool]]:
    conditions = [getattr(model, column) == sa.bindparam(_FILTER + column) for column in filtered]
    conditions.extend(_visible_rows(model, owner_column, sa.bindparam("owner_id")))
    return conditions


def _sort_text(keys: Sequence[SortKey]) -> str:
    return ",".join(("-" if key.descending else "") + key.column for key in keys)


def _bad_query(field: str, message: str) -> BadRequestError:
    return BadRequestError("The request is not valid", [ErrorDetail(field=field, message=message)])


class Repository(Generic[ModelT]):
    """Data access for one model; subclasses set ``model`` and add their own queries."""

    model: type[ModelT]
    # Columns clients may sort by: a whitelist, so ?sort= cannot reach arbitrary columns.
    sortable: ClassVar[Collection[str]] = ("created_at", "updated_at")
    default_sort: ClassVar[str] = "-created_at"
    # The column naming a row's owner (owned resources): every query is scoped by it.
    owner_column: ClassVar[str | None] = None
    # Offset pages count matching rows up to this many; past it ``total`` is a lower bound.
    count_limit: ClassVar[int] = COUNT_LIMIT
    # Set for resources with events: insert_row, update_row and delete_row call it in the
    # write's transaction.
    events: ClassVar[RowEvents | None] = None

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
        owner_id = cls._owner_id(scope)
        column = cls.owner_column if owner_id is not None else None
        return _visible_rows(cls.model, column, owner_id)

    @classmethod
    async def read(
        cls, database: Database, id: uuid.UUID, scope: OwnerScope | None = None
    ) -> dict[str, Any] | None:
        """The row with ID as a dict of its columns, or None: the hot read path.

        No session, no ORM object and no transaction, and on PostgreSQL straight through
        the driver (driver_reads.py). For reads that answer a client; use ``get`` to change
        the row.
        """
        owner_id = cls._owner_id(scope)
        column = cls.owner_column if owner_id is not None else None
        parameters = {"id": id} if column is None else {"id": id, "owner_id": owner_id}
        return await read_one(database.read_engine, _read_query(cls.model, column), parameters)

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
        return conditions, _order_by(cls.model, sort)

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
    ) -> tuple[list[dict[str, Any]], Pagination]:
        """Like ``list_page``, as dicts read outside any session: the hot list path.

        Dicts rather than result rows: schemas read a row by attribute, and each camelCase
        alias they try first is a miss that costs more than the rest of the row.

        One row more than the page tells whether there are more. The total is then known
        from the page itself (the last page), or counted up to ``count_limit`` rows; past
        that it is a lower bound (``totalIsExact`` false), so no page reads the whole table
        to count it.
        """
        owner_id = cls._owner_id(scope)
        filtered = tuple(sorted(filters))
        owner_column = cls.owner_column if owner_id is not None else None
        parameters: dict[str, Any] = {_FILTER + column: filters[column] for column in filtered}
        if owner_id is not None:
            parameters["owner_id"] = owner_id
        query = _page_statement(cls.model, owner_column, tuple(sort), filtered)
        rows = await read_all(
            database.read_engine,
            query,
            {**parameters, "offset": page.offset, "limit": page.limit + 1},
        )
        has_more = len(rows) > page.limit
        del rows[page.limit :]
        # Rows known to match: those before this page, on it, and the one after it (none
        # are known when the page is empty).
        seen = page.offset + len(rows) + has_more if rows else 0
        if not has_more and (rows or page.offset == 0):
            return rows, page.describe(seen, has_more=False, exact=True)
        if has_more and seen > cls.count_limit:
            return rows, page.describe(seen, has_more=True, exact=False)
        # A page past the end needs a count up to its offset to be exact.
        bound = max(cls.count_limit, page.offset)
        count = _count_statement(cls.model, owner_column, filtered)
        counted = await read_all(database.read_engine, count, {**parameters, "bound": bound + 1})
        total = int(counted[0]["total"])
        return rows, page.describe(max(total, seen), has_more=has_more, exact=total <= bound)

    @classmethod
    async def read_list(
        cls,
        database: Database,
        query: ListQuery,
        *,
        within: Mapping[str, Any] | None = None,
        scope: OwnerScope | None = None,
    ) -> tuple[list[dict[str, Any]], Pagination | CursorPagination]:
        """The page QUERY asks for (offset, or keyset with ``?cursor=``).

        WITHIN holds equality conditions the route imposes (the parent of a nested list).
        """
        filters = {**query.filters(), **(within or {})}
        if query.cursor is None:
            page = query.page_params
            sort = cls.sort_keys(query.sort)
            return await cls.read_page(database, page=page, sort=sort, filters=filters, scope=scope)
        if query.page != 1:
            raise _bad_query("page", "page and cursor do not mix; follow nextCursor instead")
        return await cls.read_keyset_page(
            database,
            cursor=query.cursor,
            sort=query.sort,
            limit=query.page_params.limit,
            filters=filters,
            scope=scope,
        )

    @classmethod
    async def read_keyset_page(
        cls,
        database: Database,
        *,
        cursor: str,
        sort: str | None,
        limit: int,
        filters: Mapping[str, Any],
        scope: OwnerScope | None = None,
    ) -> tuple[list[dict[str, Any]], CursorPagination]:
        """The LIMIT rows after CURSOR ("" for the first page); no count, no offset.

        The cursor carries its sort, so later pages may leave ``?sort=`` out; a different one
        is a 400. Sorting is limited to NOT NULL columns: NULLs order differently per database.
        """
        made_for, raw_values = read_cursor(cursor) if cursor else ("", [])
        if cursor:
            keys = cls.sort_keys(made_for)
            if sort is not None and _sort_text(cls.sort_keys(sort)) != _sort_text(keys):
                raise _bad_query("cursor", f"the cursor belongs to sort={made_for}")
        else:
            keys = cls.sort_keys(sort)
        table = cls.model.__table__
        for key in keys:
            if table.c[key.column].nullable:
                message = f"cursor pages cannot sort by {key.column!r}: it may be empty"
                raise _bad_query("sort", message)
        columns = [table.c[key.column] for key in keys] + [table.c.id]
        position = typed_cursor(made_for, raw_values, columns) if cursor else None
        owner_id = cls._owner_id(scope)
        owner_column = cls.owner_column if owner_id is not None else None
        filtered = tuple(sorted(filters))
        shared = _keyset_statement(
            cls.model, owner_column, tuple(keys), filtered, position is not None, limit + 1
        )
        if shared is not None:
            # One statement per shape, its plan reused, read like an offset page.
            parameters: dict[str, Any] = {_FILTER + c: filters[c] for c in filtered}
            if owner_id is not None:
                parameters["owner_id"] = owner_id
            for index, value in enumerate(position.values if position else ()):
                parameters[f"cursor_{index}"] = value
            rows = await read_all(database.read_engine, shared, parameters)
        else:
            conditions, order_by = cls._page_clauses(keys, filters, scope)
            if position is not None:
                conditions.append(after(keys, columns, position))
            query = sa.select(table).where(*conditions).order_by(*order_by).limit(limit + 1)
            async with database.read_engine.connect() as connection:
                rows = [row._asdict() for row in await connection.execute(query)]
        has_more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor(_sort_text(keys), columns, rows[-1]) if has_more else None
        return rows, CursorPagination(next_cursor=next_cursor, has_more=has_more)

    @classmethod
    def _row_parameters(
        cls, id: uuid.UUID, scope: OwnerScope | None
    ) -> tuple[str | None, dict[str, Any]]:
        """The owner column a write on ID is limited to, and its row's parameters."""
        owner_id = cls._owner_id(scope)
        if owner_id is None:
            return None, {_ROW_ID: id}
        return cls.owner_column, {_ROW_ID: id, _ROW_OWNER: owner_id}

    @classmethod
    async def insert_row(cls, database: Database, values: Mapping[str, Any]) -> dict[str, Any]:
        """Insert a row of VALUES (column defaults fill the rest); the row as stored.

        The write paths of the generic routes (``insert_row``, ``update_row``, ``delete_row``)
        are one statement each on an autocommit connection: atomic on its own, with no
        BEGIN or COMMIT round trips and no ORM unit of work, which together cost a write more
        than the statement. Writes that must succeed or fail together belong in a session
        (``add``, ``update``, ``delete`` and a commit), as the actions do.
        """
        statement = _insert_statement(cls.model)
        row = await _write_one(database, statement, values, cls.events, "created")
        assert row is not None  # INSERT ... RETURNING returns the row it inserted
        return row

    @classmethod
    async def update_row(
        cls,
        database: Database,
        id: uuid.UUID,
        values: Mapping[str, Any],
        scope: OwnerScope | None = None,
    ) -> dict[str, Any] | None:
        """Set VALUES on the row with ID (within SCOPE); the row as stored, or None when
        there is none to change (missing, deleted meanwhile, or another owner's).

        No VALUES: the row as it is, unchanged (``updated_at`` too).
        """
        if not values:
            return await cls.read(database, id, scope)
        column, parameters = cls._row_parameters(id, scope)
        statement = _update_statement(cls.model, column)
        return await _write_one(
            database, statement, {**values, **parameters}, cls.events, "updated"
        )

    @classmethod
    async def delete_row(
        cls, database: Database, id: uuid.UUID, scope: OwnerScope | None = None
    ) -> bool:
        """Delete the row with ID within SCOPE (soft-deletable: mark it); False when there is
        none. A row other rows still refer to (ON DELETE RESTRICT) is a ConflictError (409).
        """
        if _referencing(cls.model):
            # Missing (or another owner's) is a 404 before anything is said of its children.
            if await cls.read(database, id, scope) is None:
                return False
            async with database.read_engine.connect() as connection:
                await _refuse_if_referenced(connection, cls.model, id)
        column, parameters = cls._row_parameters(id, scope)
        if issubclass(cls.model, SoftDeletable):
            parameters["deleted_at"] = utcnow()
        statement = _delete_statement(cls.model, column, cls.events is not None)
        row = await _write_one(database, statement, parameters, cls.events, "deleted")
        return row is not None

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
        """Delete ROW (or mark it deleted, for soft-deletable models) and flush.

        A row that other rows still refer to (ON DELETE RESTRICT) is a ConflictError (409).
        """
        await self._refuse_if_referenced(row)
        if isinstance(row, SoftDeletable):
            row.deleted_at = utcnow()
        else:
            await self.session.delete(row)
        await self.session.flush()

    async def _refuse_if_referenced(self, row: ModelT) -> None:
        await _refuse_if_referenced(self.session, self.model, row.id)


async def _refuse_if_referenced(
    connection: AsyncSession | AsyncConnection, model: type[Entity], id: uuid.UUID
) -> None:
    """A ConflictError naming the first table whose live rows still refer to row ID."""
    # The database enforces RESTRICT too; checking first names the table, and covers soft
    # deletes, which the database sees as an UPDATE. Soft-deleted children do not count.
    for table, column in _referencing(model):
        conditions = [column == id]
        if "deleted_at" in table.c:
            conditions.append(table.c.deleted_at.is_(None))
        if await connection.scalar(sa.select(sa.exists().where(*conditions))):
            raise ConflictError(
                f"Still referenced by {table.name}; delete those first",
                [ErrorDetail(field="id", message=f"referenced by {table.name}")],
            )
