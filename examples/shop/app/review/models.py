"""The reviews table."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Entity, SoftDeletable


class Review(SoftDeletable, Entity):
    """A review (soft-deleted: DELETE sets deleted_at)."""

    __tablename__ = "reviews"

    product_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid(), sa.ForeignKey("products.id", ondelete="RESTRICT"), index=True
    )
    rating: Mapped[int] = mapped_column(sa.Integer())
    body: Mapped[str | None] = mapped_column(sa.Text())
