"""Data access for wishlist items: the generic queries, plus any of your own."""

from __future__ import annotations

from app.core.repository import Repository
from app.wishlist_item.models import WishlistItem
from app.wishlist_item.schemas import SORTABLE


class WishlistItemRepository(Repository[WishlistItem]):
    """Queries on the wishlist_items table."""

    model = WishlistItem
    # Owned rows: every query is limited to the caller's own (admins: OwnerScope(None)).
    owner_column = "owner_id"
    sortable = SORTABLE
