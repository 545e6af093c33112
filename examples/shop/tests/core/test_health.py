"""Liveness and readiness."""

from __future__ import annotations

import os

import pytest
from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.main import create_app
from tests.core.apps import app_with, client_for

# Nothing listens on the discard port: connections are refused at once.
DOWN_REDIS = "redis://127.0.0.1:9/0"


async def test_health_passes_without_dependencies(client: AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/health+json")
    body = response.json()
    assert body["status"] == "pass"
    assert body["checks"]["uptime"][0]["status"] == "pass"


async def test_ready_passes_when_the_database_answers(client: AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/health+json")
    check = response.json()["checks"]["database:connectivity"][0]
    assert check["status"] == "pass"
    assert check["observedUnit"] == "ms"
    assert 0 <= check["observedValue"] < 2000


async def test_ready_fails_with_503_when_the_database_is_down() -> None:
    settings = Settings(app_env="test", database_url="postgresql+asyncpg://nobody@127.0.0.1:9/x")
    app = create_app(settings)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/ready")
    await app.state.database.dispose()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    check = body["checks"]["database:connectivity"][0]
    assert check["status"] == "fail"
    assert check["observedUnit"] == "ms"
    assert check["output"]


async def test_ready_warns_but_stays_200_when_redis_is_down(settings: Settings) -> None:
    async with client_for(app_with(settings, redis_url=DOWN_REDIS)) as client:
        response = await client.get("/ready")
    # Requests still answer without Redis: a warning, not a reason to leave the rotation.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "warn"
    assert body["checks"]["database:connectivity"][0]["status"] == "pass"
    check = body["checks"]["redis:connectivity"][0]
    assert check["status"] == "warn"
    assert check["output"]


async def test_ready_fails_when_redis_is_down_and_required(settings: Settings) -> None:
    app = app_with(settings, redis_url=DOWN_REDIS, ready_requires_redis=True)
    async with client_for(app) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["redis:connectivity"][0]["status"] == "fail"


async def test_ready_passes_with_a_redis_that_answers(settings: Settings) -> None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("set REDIS_URL to test readiness against Redis")
    async with client_for(app_with(settings, redis_url=redis_url)) as client:
        response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["redis:connectivity"][0]["status"] == "pass"
