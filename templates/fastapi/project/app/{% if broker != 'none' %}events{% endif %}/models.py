"""The tables of events: the outbox (to publish), the inbox (handled) and dead letters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base
from app.core.types import UTCDateTime, utcnow

# A 64-bit position on PostgreSQL; SQLite numbers rows itself only in an INTEGER key.
_POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class OutboxEvent(Base):
    """An event written in the same transaction as the change it describes.

    ``position`` is the order of the writes: the relay publishes each aggregate's events in
    that order, and a change of one row waits on that row's lock, so it is also the order in
    which they committed.
    """

    __tablename__ = "outbox_events"

    position: Mapped[int] = mapped_column(_POSITION, primary_key=True, autoincrement=True)
    # Not unique: a consumer's inbox, keyed by it, gives each event one effect.
    event_id: Mapped[str] = mapped_column(sa.String(64))
    # "<resource>:<id>": events of one aggregate are published one after another, in order.
    aggregate: Mapped[str] = mapped_column(sa.String(200))
    type: Mapped[str] = mapped_column(sa.String(200))
    envelope: Mapped[dict[str, Any]] = mapped_column(sa.JSON())
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)

    # Only pending rows are indexed: a published row leaves both indexes, so they stay small
    # and the relay's mark adds no entry to them.
    __table_args__ = (
        sa.Index(
            "idx_outbox_events_pending_position",
            "position",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        ),
        sa.Index(
            "idx_outbox_events_pending_aggregate_position",
            "aggregate",
            "position",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        ),
    )


class InboxEvent(Base):
    """An event this service has handled: written in the handler's own transaction, so the
    same event delivered again has no second effect."""

    __tablename__ = "inbox_events"

    event_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.String(200))
    handled_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )


class DeadLetter(Base):
    """An event whose handler failed every attempt: kept for an operator to read and replay
    (``python -m app events dead-letters`` and ``python -m app events replay``)."""

    __tablename__ = "dead_letters"

    event_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(200))
    envelope: Mapped[dict[str, Any]] = mapped_column(sa.JSON())
    error: Mapped[str] = mapped_column(sa.Text())
    attempts: Mapped[int] = mapped_column(sa.Integer())
    failed_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )
