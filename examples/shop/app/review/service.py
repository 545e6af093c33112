"""Business rules for reviews: the router calls these; they use the repository.

This module is yours: backendkit wrote it once, and later changes made through backendkit
(add field, add action, update) are merged into your edits, never written over them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import Database
from app.core.errors import NotFoundError
from app.core.repository import require_parent
from app.core.schemas import CursorPagination, Pagination
from app.product.repository import ProductRepository
from app.review.models import Review
from app.review.repository import ReviewRepository
from app.review.schemas import (
    ReviewCreate,
    ReviewCreateInProduct,
    ReviewListQuery,
    ReviewRead,
    ReviewUpdate,
)


async def list_reviews(
    *, database: Database, query: ReviewListQuery
) -> tuple[list[ReviewRead], Pagination | CursorPagination]:
    """One page of reviews matching the query (by offset or by cursor)."""
    rows, pagination = await ReviewRepository.read_list(database, query)
    return [ReviewRead.model_validate(row) for row in rows], pagination


async def list_in_product(
    *, database: Database, id: uuid.UUID, query: ReviewListQuery
) -> tuple[list[ReviewRead], Pagination | CursorPagination]:
    """A page within the product ID; NotFoundError when it does not exist."""
    if await ProductRepository.read(database, id) is None:
        raise NotFoundError("Product not found")
    rows, pagination = await ReviewRepository.read_list(database, query, within={"product_id": id})
    return [ReviewRead.model_validate(row) for row in rows], pagination


async def get_review(*, session: AsyncSession, id: uuid.UUID) -> Review:
    """The review with ID; NotFoundError when there is none."""
    item = await ReviewRepository(session).get(id)
    if item is None:
        raise NotFoundError("Review not found")
    return item


async def read_review(*, database: Database, id: uuid.UUID) -> ReviewRead:
    """The review with ID as clients see it; NotFoundError when there is none."""
    row = await ReviewRepository.read(database, id)
    if row is None:
        raise NotFoundError("Review not found")
    item = ReviewRead.model_validate(row)
    return item


async def create_review(*, session: AsyncSession, data: ReviewCreate) -> Review:
    """Store a new review."""
    values = data.model_dump()
    await _check_parents(session, values)
    item = Review(**values)
    await ReviewRepository(session).add(item)
    await session.commit()
    return item


async def create_in_product(
    *, session: AsyncSession, id: uuid.UUID, data: ReviewCreateInProduct
) -> Review:
    """Store a new one under the product ID; NotFoundError without it."""
    if await ProductRepository(session).get(id) is None:
        raise NotFoundError("Product not found")
    values = {**data.model_dump(), "product_id": id}
    item = Review(**values)
    await ReviewRepository(session).add(item)
    await session.commit()
    return item


async def _check_parents(session: AsyncSession, values: Mapping[str, Any]) -> None:
    """A ref to a parent that does not exist is a 422 naming the field."""
    await require_parent(ProductRepository(session), values, "product_id")


async def replace_review(*, session: AsyncSession, id: uuid.UUID, data: ReviewCreate) -> Review:
    """Replace every field of a review (PUT)."""
    item = await get_review(session=session, id=id)
    values = data.model_dump()
    await _check_parents(session, values)
    await ReviewRepository(session).update(item, values)
    await session.commit()
    return item


async def update_review(*, session: AsyncSession, id: uuid.UUID, data: ReviewUpdate) -> Review:
    """Change the fields a client sent (PATCH)."""
    item = await get_review(session=session, id=id)
    changes = data.model_dump(exclude_unset=True)
    await _check_parents(session, changes)
    await ReviewRepository(session).update(item, changes)
    await session.commit()
    return item


async def delete_review(*, session: AsyncSession, id: uuid.UUID) -> None:
    """Delete a review."""
    item = await get_review(session=session, id=id)
    await ReviewRepository(session).delete(item)
    await session.commit()
