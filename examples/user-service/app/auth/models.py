"""The accounts people sign in with, and their refresh tokens."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.models import Entity
from app.core.types import UTCDateTime, utcnow
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
