"""Business rules for wishlist items: the router calls these; they use the repository.

This module is yours: backendkit wrote it once, and later changes made through backendkit
(add field, add action, update) are merged into your edits, never written over them.
"""

from __future__ import annotations

import uuid

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
    *, session: AsyncSession, owner_id: uuid.UUID, data: WishlistItemCreate
) -> WishlistItem:
    """Store a new wishlist item, owned by OWNER_ID (the caller, never the body)."""
    item = WishlistItem(**data.model_dump())
    item.owner_id = owner_id
    await WishlistItemRepository(session).add(item)
    await session.commit()
    return item


async def replace_wishlist_item(
    *, session: AsyncSession, scope: OwnerScope, id: uuid.UUID, data: WishlistItemCreate
) -> WishlistItem:
    """Replace every field of a wishlist item (PUT)."""
    item = await get_wishlist_item(session=session, scope=scope, id=id)
    await WishlistItemRepository(session).update(item, data.model_dump())
    await session.commit()
    return item


async def update_wishlist_item(
    *, session: AsyncSession, scope: OwnerScope, id: uuid.UUID, data: WishlistItemUpdate
) -> WishlistItem:
    """Change the fields a client sent (PATCH)."""
    item = await get_wishlist_item(session=session, scope=scope, id=id)
    changes = data.model_dump(exclude_unset=True)
    await WishlistItemRepository(session).update(item, changes)
    await session.commit()
    return item


async def delete_wishlist_item(*, session: AsyncSession, scope: OwnerScope, id: uuid.UUID) -> None:
    """Delete a wishlist item."""
    item = await get_wishlist_item(session=session, scope=scope, id=id)
    await WishlistItemRepository(session).delete(item)
    await session.commit()
