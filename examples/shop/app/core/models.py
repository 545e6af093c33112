"""The declarative base: naming convention, UUIDv7 ids and timestamps for every table."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from app.core.ids import uuid7
from app.core.types import UTCDateTime, utcnow

# Stable names for every constraint and index, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "idx_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class Entity(Base):
    """A table with a time-ordered UUID primary key and creation/update timestamps."""

    __abstract__ = True

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), primary_key=True, default=uuid7)
    # Indexed with the id (see __table_args__): lists are sorted newest first by default.
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )
    # The ORM sets it on every UPDATE it issues, on SQLite and PostgreSQL alike.
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=sa.func.now()
    )

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        # The default order (newest first, the id breaking ties) and keyset pages read this
        # index. More indexes of a table go next to its model as sa.Index(...) statements.
        return (sa.Index(f"idx_{cls.__tablename__}_created_at_id", "created_at", "id"),)


class SoftDeletable:
    """Mixin: DELETE marks the row deleted; the repository hides it from then on."""

    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
