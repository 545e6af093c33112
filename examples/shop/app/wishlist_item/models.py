"""The wishlist_items table."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Entity


class WishlistItem(Entity):
    """A wishlist item."""

    __tablename__ = "wishlist_items"

    label: Mapped[str] = mapped_column(sa.String(80))
    note: Mapped[str | None] = mapped_column(sa.Text())
    # Whose row this is: set from the caller on create, never from the request body.
    owner_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
