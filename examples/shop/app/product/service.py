"""Business rules for products: the router calls these; they use the repository.

This module is yours: backendkit wrote it once and will not change it.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import Database
from app.core.errors import NotFoundError
from app.product.models import Product
from app.product.repository import ProductRepository
from app.product.schemas import (
    ProductCreate,
    ProductListQuery,
    ProductRead,
    ProductUpdate,
)


async def list_products(
    *, database: Database, query: ProductListQuery
) -> tuple[list[ProductRead], int]:
    """One page of products matching the query, and how many match in all."""
    repository = ProductRepository
    rows, total = await repository.read_page(
        database,
        page=query.page_params,
        sort=repository.sort_keys(query.sort),
        filters=query.filters(),
    )
    return [ProductRead.model_validate(row) for row in rows], total


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
    item = Product(**data.model_dump())
    await ProductRepository(session).add(item)
    await session.commit()
    return item


async def replace_product(*, session: AsyncSession, id: uuid.UUID, data: ProductCreate) -> Product:
    """Replace every field of a product (PUT)."""
    item = await get_product(session=session, id=id)
    await ProductRepository(session).update(item, data.model_dump())
    await session.commit()
    return item


async def update_product(*, session: AsyncSession, id: uuid.UUID, data: ProductUpdate) -> Product:
    """Change the fields a client sent (PATCH)."""
    item = await get_product(session=session, id=id)
    changes = data.model_dump(exclude_unset=True)
    await ProductRepository(session).update(item, changes)
    await session.commit()
    return item


async def delete_product(*, session: AsyncSession, id: uuid.UUID) -> None:
    """Delete a product."""
    item = await get_product(session=session, id=id)
    await ProductRepository(session).delete(item)
    await session.commit()
