"""Business rules for categories: the router calls these; they use the repository.

This module is yours: backendkit wrote it once, and later changes made through backendkit
(add field, add action, update) are merged into your edits, never written over them.
"""

from __future__ import annotations

import uuid

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


async def create_category(*, session: AsyncSession, data: CategoryCreate) -> Category:
    """Store a new category."""
    item = Category(**data.model_dump())
    await CategoryRepository(session).add(item)
    await session.commit()
    return item


async def replace_category(
    *, session: AsyncSession, id: uuid.UUID, data: CategoryCreate
) -> Category:
    """Replace every field of a category (PUT)."""
    item = await get_category(session=session, id=id)
    await CategoryRepository(session).update(item, data.model_dump())
    await session.commit()
    return item


async def update_category(
    *, session: AsyncSession, id: uuid.UUID, data: CategoryUpdate
) -> Category:
    """Change the fields a client sent (PATCH)."""
    item = await get_category(session=session, id=id)
    changes = data.model_dump(exclude_unset=True)
    await CategoryRepository(session).update(item, changes)
    await session.commit()
    return item


async def delete_category(*, session: AsyncSession, id: uuid.UUID) -> None:
    """Delete a category."""
    item = await get_category(session=session, id=id)
    await CategoryRepository(session).delete(item)
    await session.commit()
