"""Liveness and readiness."""

from __future__ import annotations

from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.main import create_app


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
