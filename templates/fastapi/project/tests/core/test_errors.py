"""Every error, the framework's included, has the one envelope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.orm.exc import StaleDataError

from app.core.config import Settings
from app.main import create_app


def assert_error(body: dict[str, Any], code: str) -> None:
    assert set(body) == {"error", "meta"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert isinstance(body["error"]["details"], list)
    assert set(body["meta"]) == {"timestamp", "requestId"}


async def test_unknown_route_is_404_envelope(client: AsyncClient) -> None:
    response = await client.get("/no/such/route")
    assert response.status_code == 404
    assert_error(response.json(), "NOT_FOUND")


async def test_wrong_method_is_405_envelope(client: AsyncClient) -> None:
    response = await client.delete("/health")
    assert response.status_code == 405
    assert_error(response.json(), "METHOD_NOT_ALLOWED")
    assert "GET" in response.headers["allow"]


async def test_unhandled_error_is_500_without_internals(settings: Settings) -> None:
    app: FastAPI = create_app(settings)
    crash = APIRouter()

    @crash.get("/crash")
    async def _crash() -> None:
        raise RuntimeError("secret internal detail")

    app.include_router(crash)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/crash", headers={"X-Request-ID": "crash-1"})
    await app.state.database.dispose()
    assert response.status_code == 500
    assert_error(response.json(), "INTERNAL_ERROR")
    assert "secret" not in response.text
    assert response.headers["x-request-id"] == "crash-1"
    assert response.json()["meta"]["requestId"] == "crash-1"


async def test_a_write_to_a_row_deleted_meanwhile_is_404(settings: Settings) -> None:
    app: FastAPI = create_app(settings)
    race = APIRouter()

    @race.patch("/race")
    async def _race() -> None:
        # What the flush of an UPDATE that matched no row raises (a PATCH racing a DELETE).
        raise StaleDataError("UPDATE statement on table 'items' expected to update 1 row(s)")

    app.include_router(race)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.patch("/race")
    await app.state.database.dispose()
    assert response.status_code == 404
    assert_error(response.json(), "NOT_FOUND")
    assert "UPDATE" not in response.text
