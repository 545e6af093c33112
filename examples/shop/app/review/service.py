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
from app.core.repository import require_parent_row
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


async def create_review(*, database: Database, data: ReviewCreate) -> ReviewRead:
    """Store a new review."""
    values = data.model_dump()
    await _check_parents(database, values)
    row = await ReviewRepository.insert_row(database, values)
    return ReviewRead.model_validate(row)


async def create_in_product(
    *, database: Database, id: uuid.UUID, data: ReviewCreateInProduct
) -> ReviewRead:
    """Store a new one under the product ID; NotFoundError without it."""
    if await ProductRepository.read(database, id) is None:
        raise NotFoundError("Product not found")
    values = {**data.model_dump(), "product_id": id}
    row = await ReviewRepository.insert_row(database, values)
    return ReviewRead.model_validate(row)


async def _check_parents(database: Database, values: Mapping[str, Any]) -> None:
    """A ref to a parent that does not exist is a 422 naming the field."""
    await require_parent_row(database, ProductRepository, values, "product_id")


async def replace_review(*, database: Database, id: uuid.UUID, data: ReviewCreate) -> ReviewRead:
    """Replace every field of a review (PUT)."""
    values = data.model_dump()
    await _require_review(database, id)
    await _check_parents(database, values)
    row = await ReviewRepository.update_row(database, id, values)
    return _written(row)


async def update_review(*, database: Database, id: uuid.UUID, data: ReviewUpdate) -> ReviewRead:
    """Change the fields a client sent (PATCH)."""
    changes = data.model_dump(exclude_unset=True)
    await _require_review(database, id)
    await _check_parents(database, changes)
    row = await ReviewRepository.update_row(database, id, changes)
    return _written(row)


def _written(row: dict[str, Any] | None) -> ReviewRead:
    # None: no such row (or another owner's, or deleted since the request began).
    if row is None:
        raise NotFoundError("Review not found")
    return ReviewRead.model_validate(row)


async def _require_review(database: Database, id: uuid.UUID) -> None:
    # Checked before the parents it refers to: a missing row is a 404, not a 422.
    if await ReviewRepository.read(database, id) is None:
        raise NotFoundError("Review not found")


async def delete_review(*, database: Database, id: uuid.UUID) -> None:
    """Delete a review."""
    if not await ReviewRepository.delete_row(database, id):
        raise NotFoundError("Review not found")
