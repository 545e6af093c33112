"""Accounts for tests: made straight in the database, with access tokens minted for them.

Hashing a password is slow on purpose, so every test account shares one hash (computed once).
"""

from __future__ import annotations

import uuid
from functools import cache

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from app.auth.models import User, UserRole
from app.core.database import Database
from app.core.passwords import hash_password_now
from app.core.tokens import TokenKeys, issue_access_token

TEST_PASSWORD = "a test password, long enough"


@cache
def password_hash() -> str:
    return hash_password_now(TEST_PASSWORD)


async def create_account(
    database: Database,
    *,
    role: UserRole = UserRole.USER,
    is_active: bool = True,
    email: str | None = None,
) -> User:
    """A new account whose password is TEST_PASSWORD."""
    async with database.sessions() as session:
        user = User(
            email=email or f"user-{uuid.uuid4().hex[:12]}@example.com",
            name="Test User",
            role=role,
            is_active=is_active,
            password_hash=password_hash(),
        )
        session.add(user)
        await session.commit()
    return user


def bearer_headers(app: FastAPI, user: User) -> dict[str, str]:
    """An Authorization header with a fresh access token for USER."""
    keys = TokenKeys.from_settings(app.state.settings)
    return {"Authorization": f"Bearer {issue_access_token(keys, user.id, str(user.role))}"}


def http_client(app: FastAPI, user: User | None = None) -> AsyncClient:
    """A client of APP, signed in as USER (anonymous without one)."""
    headers = bearer_headers(app, user) if user is not None else None
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://test", headers=headers)
