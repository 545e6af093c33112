"""The catalog_entries table."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Entity
from app.core.types import JsonVariant, UTCDateTime, enum_values


class CatalogEntryStatus(enum.StrEnum):
    """Values of ``CatalogEntry.status``."""

    DRAFT = "draft"
    LIVE = "live"
    RETIRED = "retired"


class CatalogEntry(Entity):
    """A catalog entry."""

    __tablename__ = "catalog_entries"

    title: Mapped[str] = mapped_column(sa.String(120), index=True)
    body: Mapped[str | None] = mapped_column(sa.Text())
    rank: Mapped[int] = mapped_column(sa.Integer(), default=0, server_default=sa.text("0"))
    views: Mapped[int] = mapped_column(sa.BigInteger(), default=0, server_default=sa.text("0"))
    score: Mapped[float | None] = mapped_column(sa.Float())
    cost: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 3))
    active: Mapped[bool] = mapped_column(sa.Boolean(), default=True, server_default=sa.true())
    published_on: Mapped[dt.date | None] = mapped_column(sa.Date())
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    external_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    contact: Mapped[str | None] = mapped_column(sa.String(320))
    homepage: Mapped[str | None] = mapped_column(sa.String(2048))
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JsonVariant)
    status: Mapped[CatalogEntryStatus] = mapped_column(
        sa.Enum(
            CatalogEntryStatus,
            native_enum=False,
            create_constraint=True,
            length=7,
            values_callable=enum_values,
            name="status",
        ),
        default=CatalogEntryStatus.DRAFT,
        server_default=sa.text("'draft'"),
    )
