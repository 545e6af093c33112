"""Security headers, CORS, body limits, idempotency keys, docs switch, no leaked internals."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator

import pytest
from fastapi import APIRouter, FastAPI, Request, Response
from httpx import AsyncClient
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.core.config import Settings
from tests.core.apps import app_with, client_for

ORIGIN = "https://app.example.com"
STRONG_SECRET = "kT3vQ9xLm2Zr7WpB5nYc8HdF4sGj6Ua1eXoVbNq0"
KEY = {"Idempotency-Key": "order-7f3c"}


class EchoRoutes:
    """A POST route that counts how often it really runs, and one that can be held open."""

    def __init__(self) -> None:
        self.runs = 0
        self.release = asyncio.Event()
        self.router = APIRouter()
        self.router.add_api_route("/echo", self.echo, methods=["POST"], status_code=201)
        self.router.add_api_route("/slow", self.slow, methods=["POST"])
        self.router.add_api_route("/crash", self.crash, methods=["POST"])
        self.router.add_api_route("/bad-sql", self.bad_sql, methods=["GET"])

    async def echo(self, request: Request, response: Response) -> dict[str, int]:
        self.runs += 1
        body = await request.body()
        response.headers["Location"] = f"/echo/{self.runs}"
        return {"run": self.runs, "size": len(body)}

    async def slow(self) -> dict[str, bool]:
        await self.release.wait()
        return {"done": True}

    async def crash(self) -> None:
        self.runs += 1
        raise RuntimeError("secret internal detail")

    async def bad_sql(self, request: Request) -> None:
        async with request.app.state.database.engine.connect() as connection:
            await connection.execute(text("SELECT secret_column FROM no_such_table"))


@pytest.fixture
def routes() -> EchoRoutes:
    return EchoRoutes()


@pytest.fixture
async def echo_client(settings: Settings, routes: EchoRoutes) -> AsyncIterator[AsyncClient]:
    app = app_with(settings, max_body_bytes=1024)
    app.include_router(routes.router)
    async with client_for(app) as client:
        yield client


def assert_envelope(response_json: dict[str, object], code: str) -> None:
    assert set(response_json) == {"error", "meta"}
    error = response_json["error"]
    assert isinstance(error, dict)
    assert error["code"] == code


# Security headers


async def test_api_responses_carry_the_security_headers(client: AsyncClient) -> None:
    for path in ("/health", "/no-such-page"):
        headers = (await client.get(path)).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cross-origin-opener-policy"] == "same-origin"
        assert headers["cross-origin-resource-policy"] == "same-origin"
        assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


async def test_docs_page_may_load_swagger_from_its_cdn(client: AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net" in policy
    assert "frame-ancestors 'none'" in policy
    assert "https://cdn.jsdelivr.net" in response.text


async def test_no_hsts_over_plain_http(client: AsyncClient) -> None:
    response = await client.get("/health")
    assert "strict-transport-security" not in response.headers


async def test_hsts_over_https(settings: Settings) -> None:
    async with client_for(app_with(settings), base_url="https://test") as client:
        response = await client.get("/health")
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_forwarded_proto_is_believed_only_from_trusted_proxies(settings: Settings) -> None:
    forwarded = {"X-Forwarded-Proto": "https"}
    async with client_for(app_with(settings)) as client:
        untrusted = await client.get("/health", headers=forwarded)
    async with client_for(app_with(settings, trusted_proxies=["127.0.0.1/32"])) as client:
        trusted = await client.get("/health", headers=forwarded)
    assert "strict-transport-security" not in untrusted.headers
    assert "strict-transport-security" in trusted.headers


def test_a_bad_trusted_proxy_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"trusted_proxies"):
        Settings(trusted_proxies="10.0.0.0/8,not-an-address")


# CORS


async def test_no_cross_origin_access_by_default(client: AsyncClient) -> None:
    response = await client.get("/health", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in response.headers


async def test_cors_origins_from_settings(settings: Settings) -> None:
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    async with client_for(app_with(settings, cors_origins=[ORIGIN])) as client:
        allowed = await client.options("/health", headers=preflight)
        other = await client.get("/health", headers={"Origin": "https://evil.example"})
        simple = await client.get("/health", headers={"Origin": ORIGIN})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert simple.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-origin" not in other.headers


# Body size limit


async def test_declared_length_over_the_limit_is_413(echo_client: AsyncClient) -> None:
    response = await echo_client.post("/echo", content=b"x" * 1025)
    assert response.status_code == 413
    assert_envelope(response.json(), "PAYLOAD_TOO_LARGE")


async def test_streamed_body_over_the_limit_is_413(
    echo_client: AsyncClient, routes: EchoRoutes
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"x" * 300  # no Content-Length: only counting what arrives can stop it

    response = await echo_client.post("/echo", content=chunks())
    assert response.status_code == 413
    assert_envelope(response.json(), "PAYLOAD_TOO_LARGE")


async def test_body_within_the_limit_passes(echo_client: AsyncClient) -> None:
    response = await echo_client.post("/echo", content=b"x" * 1024)
    assert response.status_code == 201
    assert response.json()["size"] == 1024


# Idempotency keys


async def test_same_key_and_body_replays_without_running_again(
    echo_client: AsyncClient, routes: EchoRoutes
) -> None:
    first = await echo_client.post("/echo", content=b'{"a": 1}', headers=KEY)
    second = await echo_client.post("/echo", content=b'{"a": 1}', headers=KEY)
    assert routes.runs == 1
    assert (second.status_code, second.json()) == (first.status_code, first.json())
    assert second.headers["location"] == first.headers["location"] == "/echo/1"
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers


async def test_same_key_with_another_body_is_422(
    echo_client: AsyncClient, routes: EchoRoutes
) -> None:
    await echo_client.post("/echo", content=b'{"a": 1}', headers=KEY)
    response = await echo_client.post("/echo", content=b'{"a": 2}', headers=KEY)
    assert response.status_code == 422
    assert_envelope(response.json(), "IDEMPOTENCY_KEY_REUSED")
    assert routes.runs == 1


async def test_same_key_while_in_flight_is_409(
    echo_client: AsyncClient, routes: EchoRoutes
) -> None:
    first = asyncio.create_task(echo_client.post("/slow", content=b"{}", headers=KEY))
    await asyncio.sleep(0.05)
    second = await echo_client.post("/slow", content=b"{}", headers=KEY)
    routes.release.set()
    assert (await first).status_code == 200
    assert second.status_code == 409
    assert_envelope(second.json(), "IDEMPOTENCY_IN_PROGRESS")
    assert second.headers["retry-after"] == "1"


async def test_keys_are_scoped_per_caller(echo_client: AsyncClient, routes: EchoRoutes) -> None:
    for token in ("Bearer one", "Bearer two"):
        await echo_client.post("/echo", content=b"{}", headers={**KEY, "Authorization": token})
    assert routes.runs == 2


async def test_server_errors_are_not_remembered(
    echo_client: AsyncClient, routes: EchoRoutes
) -> None:
    for _ in range(2):
        response = await echo_client.post("/crash", content=b"{}", headers=KEY)
        assert response.status_code == 500
    assert routes.runs == 2


async def test_an_overlong_key_is_400(echo_client: AsyncClient) -> None:
    overlong = {"Idempotency-Key": "k" * 256}
    response = await echo_client.post("/echo", content=b"{}", headers=overlong)
    assert response.status_code == 400
    assert_envelope(response.json(), "VALIDATION_ERROR")


async def test_a_redis_outage_keeps_keys_in_process(settings: Settings) -> None:
    routes = EchoRoutes()
    app = app_with(settings, redis_url="redis://127.0.0.1:1/0")
    app.include_router(routes.router)
    async with client_for(app) as client:
        first = await client.post("/echo", content=b"{}", headers=KEY)
        second = await client.post("/echo", content=b"{}", headers=KEY)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers["idempotent-replayed"] == "true"
    assert routes.runs == 1


async def test_replays_are_shared_through_redis(settings: Settings) -> None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("set REDIS_URL to test idempotency keys shared through Redis")
    routes = EchoRoutes()
    name = f"test-{os.urandom(6).hex()}"
    replicas = [app_with(settings, redis_url=redis_url, app_name=name) for _ in range(2)]
    responses = []
    for replica in replicas:
        replica.include_router(routes.router)
        async with client_for(replica) as client:
            responses.append(await client.post("/echo", content=b"{}", headers=KEY))
    assert routes.runs == 1
    assert responses[1].headers["idempotent-replayed"] == "true"


# The docs switch and the production secret


def test_docs_are_off_by_default_in_production(settings: Settings) -> None:
    production = {"app_env": "production", "secret_key": STRONG_SECRET}
    assert Settings.model_validate({**settings.model_dump(), **production}).docs_served is False
    assert Settings.model_validate(
        {**settings.model_dump(), **production, "docs_enabled": True}
    ).docs_served


async def test_production_app_serves_no_docs(settings: Settings) -> None:
    app = app_with(settings, app_env="production", secret_key=STRONG_SECRET)
    async with client_for(app) as client:
        for path in ("/docs", "/openapi.json"):
            assert (await client.get(path)).status_code == 404


@pytest.mark.parametrize(
    "secret",
    ["", "change-me", "short", "a" * 33, "change-me" * 4, "abab" * 10, "0123456789" * 4],
)
def test_production_refuses_a_weak_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(app_env="production", secret_key=secret)


def test_production_accepts_a_random_secret() -> None:
    for _ in range(20):
        Settings(app_env="production", secret_key=secrets.token_urlsafe(32))
        Settings(app_env="production", secret_key=secrets.token_hex(32))


def test_production_refuses_a_weak_metrics_token() -> None:
    with pytest.raises(ValidationError, match="METRICS_TOKEN"):
        Settings(app_env="production", secret_key=STRONG_SECRET, metrics_token="change-me")


# No internals in any response


async def test_a_crash_shows_no_stack_trace(echo_client: AsyncClient) -> None:
    response = await echo_client.post("/crash", content=b"{}")
    assert response.status_code == 500
    assert_envelope(response.json(), "INTERNAL_ERROR")
    for leak in ("Traceback", "RuntimeError", "secret internal detail", ".py"):
        assert leak not in response.text


async def test_a_database_error_shows_no_sql(echo_client: AsyncClient) -> None:
    response = await echo_client.get("/bad-sql")
    # SQLite reports a missing table as an operational error (503), PostgreSQL not (500).
    assert response.status_code in {500, 503}
    for leak in ("SELECT", "secret_column", "no_such_table", "Traceback"):
        assert leak not in response.text


async def test_malformed_json_shows_no_internals(client: AsyncClient, app: FastAPI) -> None:
    posts = [
        path
        for path, item in app.openapi()["paths"].items()
        if "post" in item and "{" not in path and "requestBody" in item["post"]
    ]
    for path in posts:
        response = await client.post(
            path, content=b'{"broken": ', headers={"Content-Type": "application/json"}
        )
        assert response.status_code in {400, 401}, path
        assert "Traceback" not in response.text


async def test_a_database_error_names_no_parameter(settings: Settings) -> None:
    app = app_with(settings)
    try:
        async with app.state.database.engine.connect() as connection:
            statement = text("SELECT secret_column FROM no_such_table WHERE x = :x")
            with pytest.raises(DBAPIError) as raised:
                await connection.execute(statement, {"x": "personal-data-4711"})
    finally:
        await app.state.database.dispose()
    # What a log line of the error shows: the statement, never the values sent with it.
    assert "no_such_table" in str(raised.value)
    assert "personal-data-4711" not in str(raised.value)
