"""Accounts and sessions: registration, login, refresh-token rotation, logout.

The database holds every bit of session state, so any number of processes can serve these
routes: rotation is one conditional UPDATE, and only the request that changed the row wins.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.dependencies import unauthorized
from app.auth.models import RefreshToken, User, UserRole
from app.auth.schemas import AccountUpdate, LoginRequest, RegisterRequest, TokenPair
from app.core import passwords
from app.core.errors import BadRequestError
from app.core.ids import uuid7
from app.core.schemas import ErrorDetail
from app.core.tokens import TokenKeys, hash_refresh_token, issue_access_token, new_refresh_token
from app.core.types import utcnow

# One message for an unknown email, a wrong password and a deactivated account alike.
INVALID_CREDENTIALS = "The email or password is not correct"
INVALID_REFRESH = "The refresh token is not valid"


def normalise_email(email: str) -> str:
    """The one spelling an email is stored and looked up in."""
    return email.strip().lower()


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    query = sa.select(User).where(User.email == normalise_email(email))
    return (await session.scalars(query)).first()


async def account_columns(values: dict[str, Any]) -> dict[str, Any]:
    """An admin's create or update of an account, as columns: the email in the spelling
    login looks up, and a new password as its argon2id hash."""
    if isinstance(values.get("email"), str):
        values["email"] = normalise_email(values["email"])
    password = values.pop("password", None)
    if password is not None:
        values["password_hash"] = await passwords.hash_password(password)
    return values


async def register(session: AsyncSession, data: RegisterRequest) -> User:
    """A new account with the ``user`` role (an email already taken is a 409)."""
    user = User(
        email=normalise_email(data.email),
        name=data.name,
        role=UserRole.USER,
        is_active=True,
        password_hash=await passwords.hash_password(data.password),
    )
    session.add(user)
    await session.flush()
    await session.commit()
    return user


async def login(session: AsyncSession, keys: TokenKeys, data: LoginRequest) -> TokenPair:
    """Tokens for valid credentials of an active account; a 401 otherwise.

    Every failure takes the time of one password verification and says the same thing, so
    the answer never tells whether the email has an account.
    """
    user = await find_by_email(session, data.email)
    if user is None:
        await passwords.verify_nobody(data.password)
        raise unauthorized(INVALID_CREDENTIALS)
    if not await passwords.verify_password(user.password_hash, data.password):
        raise unauthorized(INVALID_CREDENTIALS)
    if not user.is_active:
        raise unauthorized(INVALID_CREDENTIALS)
    if passwords.needs_rehash(user.password_hash):
        # The hashing parameters were raised since this hash was made: upgrade it now.
        user.password_hash = await passwords.hash_password(data.password)
    pair = await _issue(session, keys, user, family_id=uuid7())
    await session.commit()
    return pair


async def refresh(session: AsyncSession, keys: TokenKeys, token: str) -> TokenPair:
    """Rotate TOKEN: revoke it and issue a new pair in its family.

    A token that was already rotated or revoked is a reuse: the whole family is revoked.
    """
    now = utcnow()
    stored = await _find_token(session, token)
    if stored is None:
        raise unauthorized(INVALID_REFRESH)
    if stored.revoked_at is not None:
        await _revoke_family(session, stored.family_id)
        raise unauthorized(INVALID_REFRESH)
    if stored.expires_at <= now:
        raise unauthorized(INVALID_REFRESH)
    user = await session.get(User, stored.user_id)
    if user is None or not user.is_active:
        await _revoke_family(session, stored.family_id)
        raise unauthorized(INVALID_REFRESH)
    # Atomic across processes: of two requests rotating the same token, one changes the row;
    # the other sees no row changed, which is a reuse.
    rotated = await session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.id == stored.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(rotated, "rowcount", 0) != 1:
        # Read before the rollback, which expires every loaded object.
        family_id = stored.family_id
        await session.rollback()
        await _revoke_family(session, family_id)
        raise unauthorized(INVALID_REFRESH)
    pair = await _issue(session, keys, user, family_id=stored.family_id)
    await session.commit()
    return pair


async def logout(session: AsyncSession, token: str) -> None:
    """Revoke TOKEN's family: that login's session ends everywhere. Unknown tokens are ignored."""
    stored = await _find_token(session, token)
    if stored is not None:
        await _revoke_family(session, stored.family_id)


async def update_account(session: AsyncSession, user: User, data: AccountUpdate) -> User:
    """Apply a user's changes to its own account (a new password needs the current one)."""
    changes = data.model_dump(exclude_unset=True, exclude={"current_password"})
    if "password" in changes:
        current = data.current_password
        if current is None or not await passwords.verify_password(user.password_hash, current):
            detail = ErrorDetail(field="currentPassword", message="the current password is needed")
            raise BadRequestError("The request is not valid", [detail])
        # A new password ends every session of the account (auth/models.py).
        user.password_hash = await passwords.hash_password(changes.pop("password"))
    for name, value in changes.items():
        setattr(user, name, value)
    await session.flush()
    await session.commit()
    return user


async def _find_token(session: AsyncSession, token: str) -> RefreshToken | None:
    query = sa.select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token))
    return (await session.scalars(query)).first()


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    await session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.commit()


async def _issue(
    session: AsyncSession, keys: TokenKeys, user: User, *, family_id: uuid.UUID
) -> TokenPair:
    """A new access token and a new refresh token (stored hashed) in FAMILY_ID."""
    now = utcnow()
    token = new_refresh_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=hash_refresh_token(token),
            expires_at=now + keys.refresh_lifetime,
        )
    )
    await session.flush()
    return TokenPair(
        access_token=issue_access_token(keys, user.id, str(user.role), now),
        refresh_token=token,
        expires_in=int(keys.access_lifetime.total_seconds()),
    )
