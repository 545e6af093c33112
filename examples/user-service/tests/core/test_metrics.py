"""Prometheus metrics: by route template, never by raw path."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.main import create_app


async def test_requests_are_counted_by_route_template(client: AsyncClient) -> None:
    await client.get("/health")
    await client.get(f"/no-such-page/{uuid.uuid4()}")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'http_requests_total{method="GET",route="/health",status="200"}' in text
    assert 'http_request_duration_seconds_bucket{le="0.05",method="GET",route="/health"' in text
    # Unmatched paths share one series: random URLs cannot grow the label set.
    assert 'route="unmatched",status="404"' in text
    assert "no-such-page" not in text


async def test_api_routes_are_counted_by_their_whole_template(
    app: FastAPI, client: AsyncClient
) -> None:
    by_id = next(
        (
            path
            for route in app.routes
            if isinstance(path := getattr(route, "path", None), str)
            and path.startswith("/api/v1/")
            and path.endswith("/{id}")
            and "GET" in getattr(route, "methods", ())
        ),
        None,
    )
    if by_id is None:
        pytest.skip("no resource to read by id")
    missing = str(uuid.uuid4())
    await client.get(by_id.replace("{id}", missing))
    text = (await client.get("/metrics")).text
    # The API prefix and the placeholder, never the id itself.
    assert f'http_requests_total{{method="GET",route="{by_id}",' in text
    assert missing not in text


async def test_pool_and_process_metrics_are_exposed(client: AsyncClient) -> None:
    text = (await client.get("/metrics")).text
    assert "python_info" in text
    assert "db_pool_size " in text
    assert "db_pool_checked_out " in text
    assert "db_pool_checked_in " in text


async def test_metrics_can_be_switched_off(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"metrics_enabled": False}))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/metrics")
    await app.state.database.dispose()
    assert response.status_code == 404
