"""Business rules for wishlist items: the router calls these; they use the repository.

This module is yours: backendkit wrote it once, and later changes made through backendkit
(add field, add action, update) are merged into your edits, never written over them.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import Database
from app.core.errors import NotFoundError
from app.core.repository import OwnerScope
from app.core.schemas import CursorPagination, Pagination
from app.wishlist_item.models import WishlistItem
from app.wishlist_item.repository import WishlistItemRepository
from app.wishlist_item.schemas import (
    WishlistItemCreate,
    WishlistItemListQuery,
    WishlistItemRead,
    WishlistItemUpdate,
)


async def list_wishlist_items(
    *, database: Database, scope: OwnerScope, query: WishlistItemListQuery
) -> tuple[list[WishlistItemRead], Pagination | CursorPagination]:
    """One page of wishlist items matching the query (by offset or by cursor)."""
    rows, pagination = await WishlistItemRepository.read_list(database, query, scope=scope)
    return [WishlistItemRead.model_validate(row) for row in rows], pagination


async def get_wishlist_item(
    *, session: AsyncSession, scope: OwnerScope, id: uuid.UUID
) -> WishlistItem:
    """The wishlist item with ID within SCOPE; NotFoundError otherwise (another's too)."""
    item = await WishlistItemRepository(session, scope).get(id)
    if item is None:
        raise NotFoundError("Wishlist item not found")
    return item


async def read_wishlist_item(
    *, database: Database, scope: OwnerScope, id: uuid.UUID
) -> WishlistItemRead:
    """The wishlist item with ID as clients see it; NotFoundError when there is none."""
    row = await WishlistItemRepository.read(database, id, scope)
    if row is None:
        raise NotFoundError("Wishlist item not found")
    item = WishlistItemRead.model_validate(row)
    return item


async def create_wishlist_item(
    *, database: Database, owner_id: uuid.UUID, data: WishlistItemCreate
) -> WishlistItemRead:
    """Store a new wishlist item, owned by OWNER_ID (the caller, never the body)."""
    values = data.model_dump()
    values["owner_id"] = owner_id
    row = await WishlistItemRepository.insert_row(database, values)
    return WishlistItemRead.model_validate(row)


async def replace_wishlist_item(
    *, database: Database, scope: OwnerScope, id: uuid.UUID, data: WishlistItemCreate
) -> WishlistItemRead:
    """Replace every field of a wishlist item (PUT)."""
    values = data.model_dump()
    row = await WishlistItemRepository.update_row(database, id, values, scope)
    return _written(row)


async def update_wishlist_item(
    *, database: Database, scope: OwnerScope, id: uuid.UUID, data: WishlistItemUpdate
) -> WishlistItemRead:
    """Change the fields a client sent (PATCH)."""
    changes = data.model_dump(exclude_unset=True)
    row = await WishlistItemRepository.update_row(database, id, changes, scope)
    return _written(row)


def _written(row: dict[str, Any] | None) -> WishlistItemRead:
    # None: no such row (or another owner's, or deleted since the request began).
    if row is None:
        raise NotFoundError("Wishlist item not found")
    return WishlistItemRead.model_validate(row)


async def delete_wishlist_item(*, database: Database, scope: OwnerScope, id: uuid.UUID) -> None:
    """Delete a wishlist item."""
    if not await WishlistItemRepository.delete_row(database, id, scope):
        raise NotFoundError("Wishlist item not found")
