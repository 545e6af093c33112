"""Business rules for products: the router calls these; they use the repository.

This module is yours: backendkit wrote it once, and later changes made through backendkit
(add field, add action, update) are merged into your edits, never written over them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.category.repository import CategoryRepository
from app.core.database import Database
from app.core.errors import NotFoundError
from app.core.repository import require_parent
from app.core.schemas import CursorPagination, Pagination
from app.product.models import Product
from app.product.repository import ProductRepository
from app.product.schemas import (
    ProductCreate,
    ProductCreateInCategory,
    ProductListQuery,
    ProductRead,
    ProductUpdate,
)


async def list_products(
    *, database: Database, query: ProductListQuery
) -> tuple[list[ProductRead], Pagination | CursorPagination]:
    """One page of products matching the query (by offset or by cursor)."""
    rows, pagination = await ProductRepository.read_list(database, query)
    return [ProductRead.model_validate(row) for row in rows], pagination


async def list_in_category(
    *, database: Database, id: uuid.UUID, query: ProductListQuery
) -> tuple[list[ProductRead], Pagination | CursorPagination]:
    """A page within the category ID; NotFoundError when it does not exist."""
    if await CategoryRepository.read(database, id) is None:
        raise NotFoundError("Category not found")
    rows, pagination = await ProductRepository.read_list(
        database, query, within={"category_id": id}
    )
    return [ProductRead.model_validate(row) for row in rows], pagination


async def get_product(*, session: AsyncSession, id: uuid.UUID) -> Product:
    """The product with ID; NotFoundError when there is none."""
    item = await ProductRepository(session).get(id)
    if item is None:
        raise NotFoundError("Product not found")
    return item


async def read_product(*, database: Database, id: uuid.UUID) -> ProductRead:
    """The product with ID as clients see it; NotFoundError when there is none."""
    row = await ProductRepository.read(database, id)
    if row is None:
        raise NotFoundError("Product not found")
    item = ProductRead.model_validate(row)
    return item


async def create_product(*, session: AsyncSession, data: ProductCreate) -> Product:
    """Store a new product."""
    values = data.model_dump()
    await _check_parents(session, values)
    item = Product(**values)
    await ProductRepository(session).add(item)
    await session.commit()
    return item


async def create_in_category(
    *, session: AsyncSession, id: uuid.UUID, data: ProductCreateInCategory
) -> Product:
    """Store a new one under the category ID; NotFoundError without it."""
    if await CategoryRepository(session).get(id) is None:
        raise NotFoundError("Category not found")
    values = {**data.model_dump(), "category_id": id}
    item = Product(**values)
    await ProductRepository(session).add(item)
    await session.commit()
    return item


async def _check_parents(session: AsyncSession, values: Mapping[str, Any]) -> None:
    """A ref to a parent that does not exist is a 422 naming the field."""
    await require_parent(CategoryRepository(session), values, "category_id")


async def replace_product(*, session: AsyncSession, id: uuid.UUID, data: ProductCreate) -> Product:
    """Replace every field of a product (PUT)."""
    item = await get_product(session=session, id=id)
    values = data.model_dump()
    await _check_parents(session, values)
    await ProductRepository(session).update(item, values)
    await session.commit()
    return item


async def update_product(*, session: AsyncSession, id: uuid.UUID, data: ProductUpdate) -> Product:
    """Change the fields a client sent (PATCH)."""
    item = await get_product(session=session, id=id)
    changes = data.model_dump(exclude_unset=True)
    await _check_parents(session, changes)
    await ProductRepository(session).update(item, changes)
    await session.commit()
    return item


async def delete_product(*, session: AsyncSession, id: uuid.UUID) -> None:
    """Delete a product."""
    item = await get_product(session=session, id=id)
    await ProductRepository(session).delete(item)
    await session.commit()
