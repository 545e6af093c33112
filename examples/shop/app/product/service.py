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
from app.core.repository import require_parent_row
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


async def create_product(*, database: Database, data: ProductCreate) -> ProductRead:
    """Store a new product."""
    values = data.model_dump()
    await _check_parents(database, values)
    row = await ProductRepository.insert_row(database, values)
    return ProductRead.model_validate(row)


async def create_in_category(
    *, database: Database, id: uuid.UUID, data: ProductCreateInCategory
) -> ProductRead:
    """Store a new one under the category ID; NotFoundError without it."""
    if await CategoryRepository.read(database, id) is None:
        raise NotFoundError("Category not found")
    values = {**data.model_dump(), "category_id": id}
    row = await ProductRepository.insert_row(database, values)
    return ProductRead.model_validate(row)


async def _check_parents(database: Database, values: Mapping[str, Any]) -> None:
    """A ref to a parent that does not exist is a 422 naming the field."""
    await require_parent_row(database, CategoryRepository, values, "category_id")


async def replace_product(*, database: Database, id: uuid.UUID, data: ProductCreate) -> ProductRead:
    """Replace every field of a product (PUT)."""
    values = data.model_dump()
    await _require_product(database, id)
    await _check_parents(database, values)
    row = await ProductRepository.update_row(database, id, values)
    return _written(row)


async def update_product(*, database: Database, id: uuid.UUID, data: ProductUpdate) -> ProductRead:
    """Change the fields a client sent (PATCH)."""
    changes = data.model_dump(exclude_unset=True)
    await _require_product(database, id)
    await _check_parents(database, changes)
    row = await ProductRepository.update_row(database, id, changes)
    return _written(row)


def _written(row: dict[str, Any] | None) -> ProductRead:
    # None: no such row (or another owner's, or deleted since the request began).
    if row is None:
        raise NotFoundError("Product not found")
    return ProductRead.model_validate(row)


async def _require_product(database: Database, id: uuid.UUID) -> None:
    # Checked before the parents it refers to: a missing row is a 404, not a 422.
    if await ProductRepository.read(database, id) is None:
        raise NotFoundError("Product not found")


async def delete_product(*, database: Database, id: uuid.UUID) -> None:
    """Delete a product."""
    if not await ProductRepository.delete_row(database, id):
        raise NotFoundError("Product not found")
