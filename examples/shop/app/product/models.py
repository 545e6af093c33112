"""The products table."""

from __future__ import annotations

import uuid
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Entity


class Product(Entity):
    """A product."""

    __tablename__ = "products"

    category_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid(), sa.ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(255))
    sku: Mapped[str] = mapped_column(sa.String(32), unique=True)
    price: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    in_stock: Mapped[bool] = mapped_column(sa.Boolean(), default=True, server_default=sa.true())
