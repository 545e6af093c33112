"""The accounts people sign in with, and their refresh tokens."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Entity
from app.core.types import UTCDateTime
from app.user.models import User, UserRole

# The `user` resource is the account: its table gains the password hash (see its models).
__all__ = ["RefreshToken", "User", "UserRole"]


class RefreshToken(Entity):
    """One refresh token, kept as its sha256: the token itself is never stored.

    Tokens issued one after another from one login share a family; reusing a rotated token
    revokes the whole family (RFC 9700), which ends a thief's session and the victim's alike.
    """

    __tablename__ = "refresh_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
