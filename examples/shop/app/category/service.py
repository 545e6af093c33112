"""Business rules for categories: the router calls these; they use the repository.

This module is yours: backendkit wrote it once, and later changes made through backendkit
(add field, add action, update) are merged into your edits, never written over them.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.category.models import Category
from app.category.repository import CategoryRepository
from app.category.schemas import CategoryCreate, CategoryListQuery, CategoryRead, CategoryUpdate
from app.core.database import Database
from app.core.errors import NotFoundError
from app.core.schemas import CursorPagination, Pagination


async def list_categories(
    *, database: Database, query: CategoryListQuery
) -> tuple[list[CategoryRead], Pagination | CursorPagination]:
    """One page of categories matching the query (by offset or by cursor)."""
    rows, pagination = await CategoryRepository.read_list(database, query)
    return [CategoryRead.model_validate(row) for row in rows], pagination


async def get_category(*, session: AsyncSession, id: uuid.UUID) -> Category:
    """The category with ID; NotFoundError when there is none."""
    item = await CategoryRepository(session).get(id)
    if item is None:
        raise NotFoundError("Category not found")
    return item


async def read_category(*, database: Database, id: uuid.UUID) -> CategoryRead:
    """The category with ID as clients see it; NotFoundError when there is none."""
    row = await CategoryRepository.read(database, id)
    if row is None:
        raise NotFoundError("Category not found")
    item = CategoryRead.model_validate(row)
    return item


async def create_category(*, database: Database, data: CategoryCreate) -> CategoryRead:
    """Store a new category."""
    values = data.model_dump()
    row = await CategoryRepository.insert_row(database, values)
    return CategoryRead.model_validate(row)


async def replace_category(
    *, database: Database, id: uuid.UUID, data: CategoryCreate
) -> CategoryRead:
    """Replace every field of a category (PUT)."""
    values = data.model_dump()
    row = await CategoryRepository.update_row(database, id, values)
    return _written(row)


async def update_category(
    *, database: Database, id: uuid.UUID, data: CategoryUpdate
) -> CategoryRead:
    """Change the fields a client sent (PATCH)."""
    changes = data.model_dump(exclude_unset=True)
    row = await CategoryRepository.update_row(database, id, changes)
    return _written(row)


def _written(row: dict[str, Any] | None) -> CategoryRead:
    # None: no such row (or another owner's, or deleted since the request began).
    if row is None:
        raise NotFoundError("Category not found")
    return CategoryRead.model_validate(row)


async def delete_category(*, database: Database, id: uuid.UUID) -> None:
    """Delete a category."""
    if not await CategoryRepository.delete_row(database, id):
        raise NotFoundError("Category not found")
