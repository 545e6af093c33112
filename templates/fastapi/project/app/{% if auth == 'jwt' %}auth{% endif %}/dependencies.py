"""Who is calling: the bearer token checked, the caller's account, roles and owner scope.

Every resource route depends on ``current_principal`` (401 without a valid access token);
admin routes on ``require_roles("admin")``, which also re-reads the role and active flag
from the database, and so does an admin's owner scope. A write (any method but GET, HEAD and
OPTIONS) checks that the account still exists and is active: one indexed read. Reads trust
the access token's claims for its 15 minutes.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from app.auth.models import User, UserRole
from app.core.database import DatabaseDep, SessionDep, get_database
from app.core.driver_reads import read_one
from app.core.repository import EVERY_OWNER, OwnerScope
from app.core.tokens import TokenError, TokenKeys, decode_access_token

# auto_error=False: a missing token is answered by us, in the error envelope, as a 401.
_bearer = HTTPBearer(auto_error=False, description="An access token from /api/v1/auth/login")


def unauthorized(message: str) -> HTTPException:
    """A 401 that tells the client how to authenticate."""
    return HTTPException(401, detail=message, headers={"WWW-Authenticate": "Bearer"})


def token_keys(request: Request) -> TokenKeys:
    """The application's token keys, built once from its settings."""
    keys: TokenKeys | None = getattr(request.app.state, "token_keys", None)
    if keys is None:
        keys = TokenKeys.from_settings(request.app.state.settings)
        request.app.state.token_keys = keys
    return keys


@dataclass(frozen=True)
class Principal:
    """The caller, as its access token names it."""

    id: uuid.UUID
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller of a request with a valid access token; 401 otherwise."""
    if credentials is None:
        raise unauthorized("Authentication required: send Authorization: Bearer <access token>")
    try:
        claims = decode_access_token(token_keys(request), credentials.credentials)
    except TokenError:
        raise unauthorized("The access token is not valid") from None
    if request.method not in _READS:
        await _require_active(request, claims.subject)
    return Principal(id=claims.subject, role=claims.role)


_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_ACTIVE = sa.select(User.is_active).where(User.id == sa.bindparam("id"))
ACCOUNT_NOT_ACTIVE = "The account is not active"


async def _require_active(request: Request, user_id: uuid.UUID) -> None:
    """A 401 unless USER_ID's account exists and is active: no write outlives a deactivation."""
    account = await read_one(get_database(request).read_engine, _ACTIVE, {"id": user_id})
    if account is None or not account["is_active"]:
        raise unauthorized(ACCOUNT_NOT_ACTIVE)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def current_user(principal: CurrentPrincipal, session: SessionDep) -> User:
    """The caller's account, read from the database; 401 when it is gone or deactivated."""
    user = await session.get(User, principal.id)
    if user is None or not user.is_active:
        raise unauthorized(ACCOUNT_NOT_ACTIVE)
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: str) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets only accounts with one of ROLES through (403 for the rest)."""
    allowed = frozenset(roles)

    async def dependency(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise HTTPException(403, detail="Not allowed for this account")
        return user

    return dependency


async def owner_scope(principal: CurrentPrincipal, database: DatabaseDep) -> OwnerScope:
    """The rows of owned resources the caller may touch: its own, or every one for admins.

    An admin token is checked against the account (one indexed read, admins only): a demoted
    or deactivated admin sees only its own rows from the next request on.
    """
    if not principal.is_admin:
        return OwnerScope(principal.id)
    query = sa.select(User.role, User.is_active).where(User.id == principal.id)
    async with database.read_engine.connect() as connection:
        account = (await connection.execute(query)).first()
    if account is not None and account.is_active and account.role == UserRole.ADMIN:
        return EVERY_OWNER
    return OwnerScope(principal.id)


OwnerScopeDep = Annotated[OwnerScope, Depends(owner_scope)]
