"""Business rules for catalog entries: the router calls these; they use the repository.

This module is yours: backendkit wrote it once, and later changes made through backendkit
(add field, add action, update) are merged into your edits, never written over them.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog_entry.models import CatalogEntry
from app.catalog_entry.repository import CatalogEntryRepository
from app.catalog_entry.schemas import (
    CatalogEntryCreate,
    CatalogEntryListQuery,
    CatalogEntryRead,
    CatalogEntryUpdate,
)
from app.core.database import Database
from app.core.errors import NotFoundError
from app.core.schemas import CursorPagination, Pagination


async def list_catalog_entries(
    *, database: Database, query: CatalogEntryListQuery
) -> tuple[list[CatalogEntryRead], Pagination | CursorPagination]:
    """One page of catalog entries matching the query (by offset or by cursor)."""
    rows, pagination = await CatalogEntryRepository.read_list(database, query)
    return [CatalogEntryRead.model_validate(row) for row in rows], pagination


async def get_catalog_entry(*, session: AsyncSession, id: uuid.UUID) -> CatalogEntry:
    """The catalog entry with ID; NotFoundError when there is none."""
    item = await CatalogEntryRepository(session).get(id)
    if item is None:
        raise NotFoundError("Catalog entry not found")
    return item


async def read_catalog_entry(*, database: Database, id: uuid.UUID) -> CatalogEntryRead:
    """The catalog entry with ID as clients see it; NotFoundError when there is none."""
    row = await CatalogEntryRepository.read(database, id)
    if row is None:
        raise NotFoundError("Catalog entry not found")
    item = CatalogEntryRead.model_validate(row)
    return item


async def create_catalog_entry(*, database: Database, data: CatalogEntryCreate) -> CatalogEntryRead:
    """Store a new catalog entry."""
    values = data.model_dump()
    row = await CatalogEntryRepository.insert_row(database, values)
    return CatalogEntryRead.model_validate(row)


async def replace_catalog_entry(
    *, database: Database, id: uuid.UUID, data: CatalogEntryCreate
) -> CatalogEntryRead:
    """Replace every field of a catalog entry (PUT)."""
    values = data.model_dump()
    row = await CatalogEntryRepository.update_row(database, id, values)
    return _written(row)


async def update_catalog_entry(
    *, database: Database, id: uuid.UUID, data: CatalogEntryUpdate
) -> CatalogEntryRead:
    """Change the fields a client sent (PATCH)."""
    changes = data.model_dump(exclude_unset=True)
    row = await CatalogEntryRepository.update_row(database, id, changes)
    return _written(row)


def _written(row: dict[str, Any] | None) -> CatalogEntryRead:
    # None: no such row (or another owner's, or deleted since the request began).
    if row is None:
        raise NotFoundError("Catalog entry not found")
    return CatalogEntryRead.model_validate(row)


async def delete_catalog_entry(*, database: Database, id: uuid.UUID) -> None:
    """Delete a catalog entry."""
    if not await CatalogEntryRepository.delete_row(database, id):
        raise NotFoundError("Catalog entry not found")
