"""Sign-up, sign-in, refresh-token rotation and reuse, sign-out, and the caller's own account."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi import FastAPI
from httpx import AsyncClient

from app.auth.models import RefreshToken, User
from app.core.database import Database
from app.core.tokens import TokenKeys, issue_access_token
from app.core.types import utcnow
from tests.accounts import TEST_PASSWORD, create_account

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/users/me"
PASSWORD = "correct horse battery staple"


def new_email() -> str:
    return f"person-{uuid.uuid4().hex[:10]}@example.com"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_unauthorized(response: Any) -> None:
    """A 401 in the error envelope that says how to authenticate."""
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert set(body) == {"error", "meta"}
    assert body["error"]["code"] == "UNAUTHORIZED"


async def register(client: AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    body = {"email": email, "password": password, "name": "Ada"}
    response = await client.post(REGISTER, json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def login(client: AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post(LOGIN, json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_register_creates_a_user_account(anonymous_client: AsyncClient) -> None:
    email = new_email()
    response = await anonymous_client.post(
        REGISTER, json={"email": email.upper(), "password": PASSWORD, "name": "Ada"}
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["email"] == email
    assert data["role"] == "user"
    assert data["isActive"] is True
    assert set(data) == {"id", "email", "name", "role", "isActive", "createdAt", "updatedAt"}
    assert response.headers["location"] == ME


async def test_register_twice_is_409(anonymous_client: AsyncClient) -> None:
    email = new_email()
    await register(anonymous_client, email)
    response = await anonymous_client.post(
        REGISTER, json={"email": email, "password": PASSWORD, "name": "Ada"}
    )
    assert response.status_code == 409


@pytest.mark.parametrize("password", ["short", "x" * 129])
async def test_register_enforces_the_password_length(
    anonymous_client: AsyncClient, password: str
) -> None:
    response = await anonymous_client.post(
        REGISTER, json={"email": new_email(), "password": password, "name": "Ada"}
    )
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["error"]["details"]] == ["password"]


async def test_login_returns_a_token_pair(anonymous_client: AsyncClient, app: FastAPI) -> None:
    email = new_email()
    account = await register(anonymous_client, email)
    tokens = await login(anonymous_client, email.upper())
    assert set(tokens) == {"accessToken", "refreshToken", "tokenType", "expiresIn"}
    assert tokens["tokenType"] == "bearer"
    assert tokens["expiresIn"] == 15 * 60
    keys = TokenKeys.from_settings(app.state.settings)
    claims = jwt.decode(
        tokens["accessToken"], keys.verifying_key, algorithms=["HS256"], audience=keys.audience
    )
    assert claims["sub"] == account["id"]
    assert claims["kind"] == "access"
    assert claims["iss"] == keys.issuer
    assert claims["exp"] - claims["iat"] == 15 * 60
    me = await anonymous_client.get(ME, headers=bearer(tokens["accessToken"]))
    assert me.status_code == 200
    assert me.json()["data"] == account


async def test_login_failures_look_alike(anonymous_client: AsyncClient) -> None:
    email = new_email()
    await register(anonymous_client, email)
    wrong_password = await anonymous_client.post(
        LOGIN, json={"email": email, "password": "not the password"}
    )
    no_such_user = await anonymous_client.post(
        LOGIN, json={"email": new_email(), "password": PASSWORD}
    )
    for response in (wrong_password, no_such_user):
        assert_unauthorized(response)
    assert wrong_password.json()["error"] == no_such_user.json()["error"]


async def test_inactive_user_cannot_log_in(
    anonymous_client: AsyncClient, database: Database
) -> None:
    account = await create_account(database, is_active=False)
    response = await anonymous_client.post(
        LOGIN, json={"email": account.email, "password": TEST_PASSWORD}
    )
    assert_unauthorized(response)


async def test_refresh_rotates(anonymous_client: AsyncClient) -> None:
    email = new_email()
    await register(anonymous_client, email)
    first = await login(anonymous_client, email)
    response = await anonymous_client.post(REFRESH, json={"refreshToken": first["refreshToken"]})
    assert response.status_code == 200, response.text
    second = response.json()["data"]
    assert second["refreshToken"] != first["refreshToken"]
    assert (await anonymous_client.get(ME, headers=bearer(second["accessToken"]))).is_success


async def test_reusing_a_rotated_token_revokes_the_family(anonymous_client: AsyncClient) -> None:
    email = new_email()
    await register(anonymous_client, email)
    first = await login(anonymous_client, email)
    rotated = await anonymous_client.post(REFRESH, json={"refreshToken": first["refreshToken"]})
    latest = rotated.json()["data"]["refreshToken"]
    # An attacker replays the old token: refused, and the legitimate latest token dies with it.
    assert_unauthorized(
        await anonymous_client.post(REFRESH, json={"refreshToken": first["refreshToken"]})
    )
    assert_unauthorized(await anonymous_client.post(REFRESH, json={"refreshToken": latest}))


async def test_other_sessions_survive_a_reuse(anonymous_client: AsyncClient) -> None:
    email = new_email()
    await register(anonymous_client, email)
    stolen = await login(anonymous_client, email)
    other_device = await login(anonymous_client, email)
    await anonymous_client.post(REFRESH, json={"refreshToken": stolen["refreshToken"]})
    await anonymous_client.post(REFRESH, json={"refreshToken": stolen["refreshToken"]})
    response = await anonymous_client.post(
        REFRESH, json={"refreshToken": other_device["refreshToken"]}
    )
    assert response.status_code == 200


async def test_refresh_tokens_are_stored_hashed(
    anonymous_client: AsyncClient, database: Database
) -> None:
    email = new_email()
    await register(anonymous_client, email)
    tokens = await login(anonymous_client, email)
    async with database.sessions() as session:
        stored = (await session.scalars(sa.select(RefreshToken.token_hash))).all()
    assert stored
    assert tokens["refreshToken"] not in stored
    assert all(len(value) == 64 for value in stored)


async def test_unknown_and_expired_refresh_tokens_are_401(
    anonymous_client: AsyncClient, database: Database
) -> None:
    assert_unauthorized(await anonymous_client.post(REFRESH, json={"refreshToken": "made-up"}))
    email = new_email()
    await register(anonymous_client, email)
    tokens = await login(anonymous_client, email)
    async with database.sessions() as session:
        await session.execute(
            sa.update(RefreshToken).values(expires_at=utcnow() - dt.timedelta(seconds=1))
        )
        await session.commit()
    assert_unauthorized(
        await anonymous_client.post(REFRESH, json={"refreshToken": tokens["refreshToken"]})
    )


async def test_inactive_user_cannot_refresh(
    anonymous_client: AsyncClient, database: Database
) -> None:
    email = new_email()
    await register(anonymous_client, email)
    tokens = await login(anonymous_client, email)
    async with database.sessions() as session:
        await session.execute(sa.update(User).values(is_active=False))
        await session.commit()
    assert_unauthorized(
        await anonymous_client.post(REFRESH, json={"refreshToken": tokens["refreshToken"]})
    )


async def test_logout_revokes_the_refresh_token(anonymous_client: AsyncClient) -> None:
    email = new_email()
    await register(anonymous_client, email)
    tokens = await login(anonymous_client, email)
    response = await anonymous_client.post(LOGOUT, json={"refreshToken": tokens["refreshToken"]})
    assert response.status_code == 204
    assert_unauthorized(
        await anonymous_client.post(REFRESH, json={"refreshToken": tokens["refreshToken"]})
    )
    # Logging out twice, or with a token nobody knows, says nothing about it.
    again = await anonymous_client.post(LOGOUT, json={"refreshToken": tokens["refreshToken"]})
    assert again.status_code == 204


async def test_me_needs_a_token(anonymous_client: AsyncClient) -> None:
    assert_unauthorized(await anonymous_client.get(ME))
    assert_unauthorized(await anonymous_client.get(ME, headers=bearer("not-a-jwt")))


async def test_patch_me_changes_the_name(client: AsyncClient, user_account: User) -> None:
    response = await client.patch(ME, json={"name": "Grace"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["name"] == "Grace"
    assert response.json()["data"]["id"] == str(user_account.id)


@pytest.mark.parametrize(
    "key", ["role", "isActive", "id", "email", "passwordHash", "createdAt", "noSuchField"]
)
async def test_patch_me_cannot_change_server_owned_fields(client: AsyncClient, key: str) -> None:
    response = await client.patch(ME, json={key: "admin"})
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["error"]["details"]] == [key]
    assert (await client.get(ME)).json()["data"]["role"] == "user"


async def test_changing_the_password_needs_the_current_one(
    anonymous_client: AsyncClient,
) -> None:
    email = new_email()
    await register(anonymous_client, email)
    tokens = await login(anonymous_client, email)
    headers = bearer(tokens["accessToken"])
    new_password = "a brand new password"
    refused = await anonymous_client.patch(ME, json={"password": new_password}, headers=headers)
    assert refused.status_code == 400
    assert [d["field"] for d in refused.json()["error"]["details"]] == ["currentPassword"]
    changed = await anonymous_client.patch(
        ME, json={"password": new_password, "currentPassword": PASSWORD}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    await login(anonymous_client, email, new_password)
    # The sessions that existed before the change are over.
    assert_unauthorized(
        await anonymous_client.post(REFRESH, json={"refreshToken": tokens["refreshToken"]})
    )


async def test_expired_access_token_is_401(
    anonymous_client: AsyncClient, app: FastAPI, user_account: User
) -> None:
    keys = TokenKeys.from_settings(app.state.settings)
    issued = utcnow() - keys.access_lifetime - dt.timedelta(seconds=5)
    token = issue_access_token(keys, user_account.id, "user", now=issued)
    assert_unauthorized(await anonymous_client.get(ME, headers=bearer(token)))


def claims_for(user: User, app: FastAPI, **changes: Any) -> dict[str, Any]:
    keys = TokenKeys.from_settings(app.state.settings)
    now = utcnow()
    claims: dict[str, Any] = {
        "sub": str(user.id),
        "role": "admin",
        "kind": "access",
        "iss": keys.issuer,
        "aud": keys.audience,
        "iat": now,
        "exp": now + dt.timedelta(minutes=5),
    }
    claims.update(changes)
    return claims


async def test_wrong_signature_is_401(
    anonymous_client: AsyncClient, app: FastAPI, user_account: User
) -> None:
    forged = jwt.encode(claims_for(user_account, app), "another key" * 4, algorithm="HS256")
    assert_unauthorized(await anonymous_client.get(ME, headers=bearer(forged)))


async def test_alg_none_is_401(
    anonymous_client: AsyncClient, app: FastAPI, user_account: User
) -> None:
    unsigned = jwt.encode(claims_for(user_account, app), key="", algorithm="none")
    assert_unauthorized(await anonymous_client.get(ME, headers=bearer(unsigned)))


@pytest.mark.parametrize(
    "changes", [{"kind": "refresh"}, {"aud": "someone-else"}, {"iss": "someone-else"}]
)
async def test_tokens_of_another_kind_or_party_are_401(
    anonymous_client: AsyncClient, app: FastAPI, user_account: User, changes: dict[str, Any]
) -> None:
    keys = TokenKeys.from_settings(app.state.settings)
    token = jwt.encode(claims_for(user_account, app, **changes), keys.signing_key, "HS256")
    assert_unauthorized(await anonymous_client.get(ME, headers=bearer(token)))


async def test_refresh_token_is_not_an_access_token(anonymous_client: AsyncClient) -> None:
    email = new_email()
    await register(anonymous_client, email)
    tokens = await login(anonymous_client, email)
    assert_unauthorized(await anonymous_client.get(ME, headers=bearer(tokens["refreshToken"])))


async def test_deactivated_account_is_refused_by_me(
    client: AsyncClient, database: Database, user_account: User
) -> None:
    async with database.sessions() as session:
        await session.execute(
            sa.update(User).where(User.id == user_account.id).values(is_active=False)
        )
        await session.commit()
    assert_unauthorized(await client.get(ME))


async def test_login_upgrades_a_weaker_hash(
    anonymous_client: AsyncClient, database: Database
) -> None:
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    account = await create_account(database)
    async with database.sessions() as session:
        await session.execute(
            sa.update(User)
            .where(User.id == account.id)
            .values(password_hash=weaker.hash(TEST_PASSWORD))
        )
        await session.commit()
    await login(anonymous_client, account.email, TEST_PASSWORD)
    async with database.sessions() as session:
        upgraded = await session.scalar(sa.select(User.password_hash).where(User.id == account.id))
    assert upgraded is not None
    assert "m=19456,t=2,p=1" in upgraded
