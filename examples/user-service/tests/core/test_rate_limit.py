"""Rate limits: per client for the whole API, stricter per client and account for sign-ins."""

from __future__ import annotations

import os

import pytest
from fastapi import APIRouter, Request
from httpx import Response

from app.core.config import Settings
from app.core.rate_limit import MemoryLimiter, limit_auth_attempt
from tests.core.apps import app_with, client_for

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def assert_rate_limited(response: Response, limit: int) -> None:
    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"error", "meta"}
    assert body["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.headers["ratelimit-limit"] == str(limit)
    assert response.headers["ratelimit-remaining"] == "0"


async def test_the_request_past_the_limit_is_429(settings: Settings) -> None:
    async with client_for(app_with(settings, rate_limit_per_minute=3)) as client:
        passed = [await client.get("/no-such-page") for _ in range(3)]
        refused = await client.get("/no-such-page")
    assert [r.status_code for r in passed] == [404, 404, 404]
    assert_rate_limited(refused, 3)
    assert "x-request-id" in refused.headers


async def test_health_and_metrics_are_never_limited(settings: Settings) -> None:
    async with client_for(app_with(settings, rate_limit_per_minute=1)) as client:
        statuses = [(await client.get("/health")).status_code for _ in range(5)]
    assert statuses == [200] * 5


async def test_forwarded_for_is_ignored_without_trusted_proxies(settings: Settings) -> None:
    async with client_for(app_with(settings, rate_limit_per_minute=1)) as client:
        await client.get("/x", headers={"X-Forwarded-For": "203.0.113.1"})
        response = await client.get("/x", headers={"X-Forwarded-For": "203.0.113.2"})
    assert response.status_code == 429


async def test_clients_behind_a_trusted_proxy_are_counted_apart(settings: Settings) -> None:
    app = app_with(settings, rate_limit_per_minute=1, trusted_proxies=["127.0.0.0/8"])
    async with client_for(app) as client:
        first = await client.get("/x", headers={"X-Forwarded-For": "203.0.113.1"})
        other = await client.get("/x", headers={"X-Forwarded-For": "203.0.113.2"})
        again = await client.get("/x", headers={"X-Forwarded-For": "203.0.113.1"})
    assert (first.status_code, other.status_code) == (404, 404)
    assert again.status_code == 429


async def test_a_redis_outage_falls_back_to_counting_in_process(settings: Settings) -> None:
    app = app_with(settings, rate_limit_per_minute=2, redis_url=UNREACHABLE_REDIS)
    async with client_for(app) as client:
        statuses = [(await client.get("/x")).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


async def test_sign_in_attempts_have_a_stricter_limit_per_account(settings: Settings) -> None:
    app = app_with(settings, auth_rate_limit_per_minute=2)
    router = APIRouter()

    @router.post("/attempt/{identity}")
    async def attempt(identity: str, request: Request) -> dict[str, str]:
        await limit_auth_attempt(request, identity)
        return {"identity": identity}

    app.include_router(router)
    async with client_for(app) as client:
        passed = [(await client.post("/attempt/ada")).status_code for _ in range(2)]
        refused = await client.post("/attempt/ADA")  # the same account, spelled differently
        other = await client.post("/attempt/grace")
    assert passed == [200, 200]
    assert_rate_limited(refused, 2)
    assert other.status_code == 200


async def test_login_is_limited_per_account(settings: Settings) -> None:
    app = app_with(settings, auth_rate_limit_per_minute=3)
    wrong = {"email": "ada@example.com", "password": "not the password at all"}
    async with client_for(app) as client:
        statuses = [
            (await client.post("/api/v1/auth/login", json=wrong)).status_code for _ in range(3)
        ]
        refused = await client.post("/api/v1/auth/login", json=wrong)
        other = await client.post("/api/v1/auth/login", json={**wrong, "email": "bob@example.com"})
    assert statuses == [401, 401, 401]
    assert_rate_limited(refused, 3)
    assert other.status_code == 401


async def test_refresh_is_limited(settings: Settings) -> None:
    app = app_with(settings, auth_rate_limit_per_minute=2)
    stale = {"refreshToken": "not-a-token-this-service-issued"}
    async with client_for(app) as client:
        statuses = [
            (await client.post("/api/v1/auth/refresh", json=stale)).status_code for _ in range(3)
        ]
    assert statuses[-1] == 429


def test_the_in_process_limiter_bounds_its_memory() -> None:
    limiter = MemoryLimiter(max_keys=3)
    for client in range(10):
        limiter.hit(f"client-{client}", limit=5)
    assert len(limiter) <= 3
    assert limiter.hit("client-9", limit=5).remaining == 3


async def test_replicas_share_their_counts_through_redis(settings: Settings) -> None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("set REDIS_URL to test rate limits shared through Redis")
    name = f"test-{os.urandom(6).hex()}"
    statuses = []
    for _ in range(2):
        app = app_with(settings, rate_limit_per_minute=3, redis_url=redis_url, app_name=name)
        async with client_for(app) as client:
            statuses += [(await client.get("/x")).status_code for _ in range(2)]
    assert statuses == [404, 404, 404, 429]
