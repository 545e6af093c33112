"""The OWASP API Security Top 10 (2023), held against this service.

One section per risk, named by its code (API1 ... API10): a new case goes under the risk it
covers. Resource routes are found at run time, so resources added later are covered too.
"""

from __future__ import annotations

import importlib
import re
import uuid
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pydantic import SecretStr

from app.auth.models import User, UserRole
from app.core.config import Settings
from app.core.database import Database
from app.core.discovery import resource_packages
from app.core.repository import Repository
from app.core.tokens import TokenKeys
from app.core.types import utcnow
from app.main import create_app
from tests.accounts import TEST_PASSWORD, http_client

API = "/api/v1"
PUBLIC = (f"{API}/auth/",)


def owned_resources() -> list[str]:
    """The resources whose rows belong to their creator (``--owned``)."""
    names = []
    for name in resource_packages():
        try:
            module = importlib.import_module(f"app.{name}.repository")
        except ModuleNotFoundError:
            continue
        repositories = [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Repository) and value is not Repository
        ]
        if any(repository.owner_column for repository in repositories):
            names.append(name)
    return names


def protected_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every API operation but sign-up and sign-in, with ids filled in."""
    found: list[tuple[str, str]] = []
    for template, operations in app.openapi()["paths"].items():
        if not template.startswith(API) or template.startswith(PUBLIC):
            continue
        path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), template)
        found.extend((method.upper(), path) for method in sorted(operations))
    return found


OWNED = owned_resources()


def factories(name: str) -> Any:
    return importlib.import_module(f"tests.{name}.factories")


# API1:2023 Broken Object Level Authorization: another user's object is not found.


@pytest.mark.parametrize("name", OWNED)
async def test_api1_another_users_object_is_404(
    name: str,
    client: AsyncClient,
    other_client: AsyncClient,
    admin_client: AsyncClient,
    user_account: User,
) -> None:
    made = factories(name)
    mine = await getattr(made, f"create_{name}")(client)
    assert mine["ownerId"] == str(user_account.id)
    url = f"{made.COLLECTION}/{mine['id']}"
    replacement = await getattr(made, f"{name}_payload")(other_client)
    assert (await other_client.get(url)).status_code == 404
    assert (await other_client.put(url, json=replacement)).status_code == 404
    assert (await other_client.patch(url, json={})).status_code == 404
    assert (await other_client.delete(url)).status_code == 404
    listed = (await other_client.get(made.COLLECTION)).json()["data"]
    assert mine["id"] not in {item["id"] for item in listed}
    # Untouched for its owner; an admin sees every owner's rows.
    assert (await client.get(url)).json()["data"] == mine
    assert (await admin_client.get(url)).status_code == 200


@pytest.mark.parametrize("name", OWNED)
async def test_api1_a_demoted_admins_token_reaches_only_its_own_rows(
    name: str, app: FastAPI, client: AsyncClient, database: Database, admin_account: User
) -> None:
    made = factories(name)
    mine = await getattr(made, f"create_{name}")(client)
    async with database.sessions() as session:
        demote = sa.update(User).where(User.id == admin_account.id).values(role=UserRole.USER)
        await session.execute(demote)
        await session.commit()
    # The token, issued before the demotion, still says admin.
    async with http_client(app, admin_account) as stale:
        assert (await stale.get(f"{made.COLLECTION}/{mine['id']}")).status_code == 404
        assert (await stale.get(made.COLLECTION)).json()["data"] == []


async def test_api1_another_users_account_is_not_readable(
    client: AsyncClient, other_account: User
) -> None:
    response = await client.get(f"{API}/users/{other_account.id}")
    assert response.status_code in {403, 404}


# API2:2023 Broken Authentication: no route but sign-up and sign-in answers without a token.


async def test_api2_every_api_route_needs_a_token(
    app: FastAPI, anonymous_client: AsyncClient
) -> None:
    routes = protected_routes(app)
    assert routes
    for method, path in routes:
        response = await anonymous_client.request(method, path, json={})
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "password",
    [
        " " * 12,
        "aaaaaaaaaaaa",
        "abababababab",
        "abc123abc123",
        "123456789012",
        "qwertyuiopas",
        "Password2024!",
        "iloveyou1234",
        "passwordpassword",
    ],
)
async def test_api2_common_and_trivial_passwords_are_refused(
    anonymous_client: AsyncClient, password: str
) -> None:
    body = {"email": "new@example.com", "password": password, "name": "N"}
    response = await anonymous_client.post(f"{API}/auth/register", json=body)
    assert response.status_code == 400, password
    assert [d["field"] for d in response.json()["error"]["details"]] == ["password"]


async def test_api2_unsigned_and_forged_tokens_are_refused(
    app: FastAPI, anonymous_client: AsyncClient, admin_account: User
) -> None:
    keys = TokenKeys.from_settings(app.state.settings)
    now = utcnow()
    claims = {
        "sub": str(admin_account.id),
        "role": "admin",
        "kind": "access",
        "iss": keys.issuer,
        "aud": keys.audience,
        "iat": now,
        "exp": int(now.timestamp()) + 300,
    }
    for token in (
        jwt.encode(claims, key="", algorithm="none"),
        jwt.encode(claims, "a key that is not the service's own", algorithm="HS256"),
    ):
        for method, path in protected_routes(app):
            headers = {"Authorization": f"Bearer {token}"}
            response = await anonymous_client.request(method, path, json={}, headers=headers)
            assert response.status_code == 401, (method, path)


async def sign_in(http: AsyncClient, account: User) -> str:
    """A refresh token of a new sign-in as ACCOUNT."""
    body = {"email": account.email, "password": TEST_PASSWORD}
    response = await http.post(f"{API}/auth/login", json=body)
    assert response.status_code == 200, response.text
    token: str = response.json()["data"]["refreshToken"]
    return token


async def refreshes(http: AsyncClient, token: str) -> bool:
    response = await http.post(f"{API}/auth/refresh", json={"refreshToken": token})
    return response.status_code == 200


async def test_api2_a_new_password_of_ones_own_ends_every_session(
    anonymous_client: AsyncClient, client: AsyncClient, user_account: User
) -> None:
    token = await sign_in(anonymous_client, user_account)
    change = {"password": "a brand-new passphrase 7Q", "currentPassword": TEST_PASSWORD}
    response = await client.patch(f"{API}/users/me", json=change)
    assert response.status_code == 200, response.text
    assert not await refreshes(anonymous_client, token)


@pytest.mark.parametrize("account_is", ["deactivated", "deleted"])
async def test_api2_a_deactivated_or_deleted_accounts_token_cannot_write(
    account_is: str, app: FastAPI, client: AsyncClient, database: Database, user_account: User
) -> None:
    async with database.sessions() as session:
        if account_is == "deleted":
            await session.execute(sa.delete(User).where(User.id == user_account.id))
        else:
            change = sa.update(User).where(User.id == user_account.id)
            await session.execute(change.values(is_active=False))
        await session.commit()
    writes = [(m, p) for m, p in protected_routes(app) if m not in {"GET", "HEAD", "OPTIONS"}]
    assert writes
    for method, path in writes:
        # The access token, issued before, is still within its 15 minutes.
        response = await client.request(method, path, json={})
        assert response.status_code == 401, (method, path, response.text)


async def test_api2_an_anonymous_post_with_an_idempotency_key_is_401(
    app: FastAPI, anonymous_client: AsyncClient
) -> None:
    posts = [path for method, path in protected_routes(app) if method == "POST"]
    if not posts:
        pytest.skip("no signed-in POST route yet: add a resource")
    for path in posts:
        for body in ({}, {"other": 1}):
            headers = {"Idempotency-Key": "k-1"}
            response = await anonymous_client.post(path, json=body, headers=headers)
            assert response.status_code == 401, (path, response.text)


async def test_api2_sign_in_answers_are_never_stored_for_replay(
    anonymous_client: AsyncClient, user_account: User
) -> None:
    key = {"Idempotency-Key": "sign-in-1"}
    body = {"email": user_account.email, "password": TEST_PASSWORD}
    logins = [await anonymous_client.post(f"{API}/auth/login", json=body, headers=key)]
    logins.append(await anonymous_client.post(f"{API}/auth/login", json=body, headers=key))
    assert [r.status_code for r in logins] == [200, 200]
    assert all("idempotent-replayed" not in r.headers for r in logins)
    first, second = (r.json()["data"]["refreshToken"] for r in logins)
    assert first != second
    # A rotated token sent again with the same key is a reuse, not a replay of the new pair.
    rotate = {"refreshToken": first}
    again = [await anonymous_client.post(f"{API}/auth/refresh", json=rotate, headers=key)]
    again.append(await anonymous_client.post(f"{API}/auth/refresh", json=rotate, headers=key))
    assert [r.status_code for r in again] == [200, 401]


async def test_api2_token_and_account_answers_are_never_cached(
    anonymous_client: AsyncClient, client: AsyncClient, user_account: User
) -> None:
    body = {"email": user_account.email, "password": TEST_PASSWORD}
    login = await anonymous_client.post(f"{API}/auth/login", json=body)
    rotate = {"refreshToken": login.json()["data"]["refreshToken"]}
    refreshed = await anonymous_client.post(f"{API}/auth/refresh", json=rotate)
    me = await client.get(f"{API}/users/me")
    for response in (login, refreshed, me):
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"


# API3:2023 Broken Object Property Level Authorization: no mass assignment, no leaked hashes.


async def test_api3_registration_cannot_choose_a_role(anonymous_client: AsyncClient) -> None:
    body = {"email": "mallory@example.com", "password": TEST_PASSWORD, "name": "M", "role": "admin"}
    response = await anonymous_client.post(f"{API}/auth/register", json=body)
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["error"]["details"]] == ["role"]


async def test_api3_a_user_cannot_make_itself_admin(client: AsyncClient) -> None:
    for key in ("role", "isActive"):
        response = await client.patch(f"{API}/users/me", json={key: "admin"})
        assert response.status_code == 400
    assert (await client.get(f"{API}/users/me")).json()["data"]["role"] == "user"


@pytest.mark.parametrize("name", OWNED)
async def test_api3_the_owner_comes_from_the_token_not_the_body(
    name: str, client: AsyncClient, other_account: User
) -> None:
    made = factories(name)
    payload = await getattr(made, f"{name}_payload")(client, ownerId=str(other_account.id))
    response = await client.post(made.COLLECTION, json=payload)
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["error"]["details"]] == ["ownerId"]


async def test_api3_no_response_carries_a_password_hash(
    client: AsyncClient, admin_client: AsyncClient
) -> None:
    for response in (await client.get(f"{API}/users/me"), await admin_client.get(f"{API}/users")):
        assert "password" not in response.text.lower()
        assert "$argon2" not in response.text


# API5:2023 Broken Function Level Authorization: admin routes refuse everyone else.


# API8:2023 Security Misconfiguration: errors say what went wrong, never how the code looks.


async def test_api8_errors_carry_no_stack_trace(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("internal detail that must not leak")

    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as http:
        crashed = await http.get("/boom")
        malformed = await http.post(
            f"{API}/auth/login", content=b'{"email": ', headers={"content-type": "application/json"}
        )
        unknown = await http.get(f"{API}/no-such-route")
    assert crashed.status_code == 500
    assert (malformed.status_code, unknown.status_code) == (400, 404)
    for response in (crashed, malformed, unknown):
        assert "Traceback" not in response.text
        assert "internal detail" not in response.text
        assert 'File "' not in response.text
    await app.state.database.dispose()


# API4:2023 Unrestricted Resource Consumption: pages, bodies and request rates are bounded.


def paged_collections(app: FastAPI) -> list[str]:
    """The GET collections that take a page size."""
    found: list[str] = []
    for path, item in app.openapi()["paths"].items():
        parameters = item.get("get", {}).get("parameters", [])
        paged = any(parameter["name"] == "limit" for parameter in parameters)
        if paged and path.startswith(API) and "{" not in path:
            found.append(path)
    return found


async def test_api4_pages_are_capped(app: FastAPI, admin_client: AsyncClient) -> None:
    http = admin_client
    for path in paged_collections(app):
        response = await http.get(path, params={"limit": 1_000_000})
        assert response.status_code in {200, 400}, path
        if response.status_code == 200:
            body = response.json()
            assert len(body["data"]) <= 100
            assert body.get("pagination", {}).get("limit", 0) <= 100, path


async def test_api4_bodies_are_bounded(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_body_bytes": 64}))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        response = await http.post(f"{API}/anything", content=b"x" * 65)
    await app.state.database.dispose()
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_api4_request_rates_are_bounded(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 2}))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        statuses = [(await http.get(f"{API}/anything")).status_code for _ in range(3)]
        limited = await http.get(f"{API}/anything")
    await app.state.database.dispose()
    assert statuses[-1] == 429
    assert limited.json()["error"]["code"] == "RATE_LIMITED"
    assert int(limited.headers["retry-after"]) >= 1


# API8:2023 Security Misconfiguration: secure headers, closed CORS, no docs in production.


async def test_api8_every_response_carries_the_security_headers(
    anonymous_client: AsyncClient,
) -> None:
    http = anonymous_client
    for path in ("/health", f"{API}/no-such-route", "/openapi.json"):
        headers = (await http.get(path, headers={"Origin": "https://evil.example"})).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["referrer-policy"] == "no-referrer"
        assert "access-control-allow-origin" not in headers  # no CORS unless configured


# A production SECRET_KEY must look random (app/core/config.py).
STRONG_SECRET = SecretStr("kT3vQ9xLm2Zr7WpB5nYc8HdF4sGj6Ua1eXoVbNq0")


async def test_api8_production_serves_no_docs(settings: Settings) -> None:
    production = settings.model_copy(
        update={"app_env": "production", "secret_key": STRONG_SECRET, "docs_enabled": None}
    )
    app = create_app(production)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        statuses = [(await http.get(path)).status_code for path in ("/docs", "/openapi.json")]
    await app.state.database.dispose()
    assert statuses == [404, 404]


async def test_api8_production_serves_metrics_only_behind_its_token(settings: Settings) -> None:
    production = {"app_env": "production", "secret_key": STRONG_SECRET}
    statuses = []
    for token in ("", "m7Gq2vXk9LpW4sZt8RbN5cYd"):
        changed = {**production, "metrics_token": SecretStr(token)}
        app = create_app(settings.model_copy(update=changed))
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as http:
            for header in ("", "Bearer wrong", f"Bearer {token}"):
                headers = {"Authorization": header} if header else {}
                statuses.append((await http.get("/metrics", headers=headers)).status_code)
        await app.state.database.dispose()
    assert statuses == [404, 404, 404, 401, 401, 200]


async def test_api4_readiness_probes_its_dependencies_at_most_once_a_second(
    settings: Settings,
) -> None:
    app = create_app(settings)
    database = app.state.database
    pings = 0
    real_ping = database.ping

    async def counted_ping() -> None:
        nonlocal pings
        pings += 1
        await real_ping()

    database.ping = counted_ping
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        statuses = [(await http.get("/ready")).status_code for _ in range(20)]
    await database.dispose()
    assert statuses == [200] * 20
    assert pings == 1


async def test_api8_slash_redirects_never_echo_the_host_header(
    app: FastAPI, anonymous_client: AsyncClient
) -> None:
    http = anonymous_client
    # Any route redirects alike: a list when there is one, else the health check.
    collection = (paged_collections(app) or ["/health"])[0]
    headers = {"Host": "evil.example"}
    response = await http.get(f"{collection}/?limit=1", headers=headers)
    assert response.status_code == 307
    assert response.headers["location"] == f"{collection}?limit=1"
    unknown = await http.get(f"{API}/no-such-route/", headers=headers)
    assert unknown.status_code == 404


async def test_api8_api_answers_are_never_cached(app: FastAPI, admin_client: AsyncClient) -> None:
    http = admin_client
    for path in [*paged_collections(app), "/health", f"{API}/no-such-route"]:
        response = await http.get(path)
        assert response.headers["cache-control"] == "no-store", path


def test_api8_the_schema_states_the_rules_the_service_enforces(app: FastAPI) -> None:
    document = app.openapi()
    account = document["components"]["schemas"]["AccountUpdate"]
    assert account["dependentRequired"] == {"password": ["currentPassword"]}
    for path in paged_collections(app):
        parameters = {p["name"]: p["schema"] for p in document["paths"][path]["get"]["parameters"]}
        assert "pattern" in str(parameters["cursor"]), path
        # The sort whitelist, as a pattern: every column both ways, nothing else.
        sort = re.compile(next(s["pattern"] for s in parameters["sort"]["anyOf"] if "pattern" in s))
        assert sort.fullmatch("-created_at,updatedAt"), path
        assert not sort.fullmatch("id"), path
    for schema in document["components"]["schemas"].values():
        for field in schema.get("properties", {}).values():
            choices = [c for c in field.get("anyOf", []) if c.get("type") in {"number", "string"}]
            if [c["type"] for c in choices] == ["number", "string"]:  # a decimal
                assert "multipleOf" in choices[0], field
    for path, item in document["paths"].items():
        named = {p["name"] for p in item.get("post", {}).get("parameters", [])}
        # Sign-in answers are never replayed: their routes take no Idempotency-Key.
        assert ("Idempotency-Key" in named) == ("post" in item and "/auth/" not in path), path
