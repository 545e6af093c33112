"""The accounts people sign in with, and their refresh tokens."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.models import Entity
from app.core.types import UTCDateTime, enum_values, utcnow


class UserRole(enum.StrEnum):
    """What a user may do: ``admin`` adds the users collection and every owner's rows."""

    USER = "user"
    ADMIN = "admin"


class User(Entity):
    """An account: who signs in, with what password (hashed), in which role."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[UserRole] = mapped_column(
        sa.Enum(
            UserRole,
            native_enum=False,
            create_constraint=True,
            length=5,
            values_callable=enum_values,
            name="role",
        ),
        default=UserRole.USER,
        server_default=sa.text("'user'"),
    )
    is_active: Mapped[bool] = mapped_column(sa.Boolean(), default=True, server_default=sa.true())
    # argon2id, with its parameters and salt (never returned by the API).
    password_hash: Mapped[str] = mapped_column(sa.String(255))


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


# Changing any of these ends every session of the account: a reset password locks a thief
# out, a demoted or deactivated account signs in again (or cannot).
SESSION_ENDING_COLUMNS = ("password_hash", "role", "is_active")


@sa.event.listens_for(Session, "before_flush")
def _end_sessions_of_changed_accounts(session: Session, *_: object) -> None:
    """Revoke the refresh tokens of each account whose password, role or active flag changes.

    In the flush that writes the change, whoever makes it (an admin's PATCH, the user's own,
    a script): no code path can forget it. Bulk UPDATE statements bypass the ORM and this.
    """
    for account in [item for item in session.dirty if isinstance(item, User)]:
        state = sa.inspect(account)
        changed = False
        for name in SESSION_ENDING_COLUMNS:
            history = state.attrs[name].history
            changed = changed or (history.has_changes() and history.added != history.deleted)
        if changed:
            session.execute(
                sa.update(RefreshToken)
                .where(RefreshToken.user_id == account.id, RefreshToken.revoked_at.is_(None))
                .values(revoked_at=utcnow())
                .execution_options(synchronize_session=False)
            )
