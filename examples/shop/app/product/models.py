"""The products table."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Entity


class Product(Entity):
    """A product."""

    __tablename__ = "products"

    name: Mapped[str] = mapped_column(sa.String(255))
    sku: Mapped[str] = mapped_column(sa.String(32), unique=True)
    price: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    in_stock: Mapped[bool] = mapped_column(sa.Boolean(), default=True, server_default=sa.true())
