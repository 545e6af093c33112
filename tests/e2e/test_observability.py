"""A live service on PostgreSQL and Redis reports metrics by route template and timed checks."""

from __future__ import annotations

import urllib.request

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.live_server import request, running_service

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def test_metrics_and_readiness_of_a_live_service(
    generated: GeneratedProject,
    project_venv: ProjectVenv,
    fresh_postgres_database: str,
    redis_url: str,
) -> None:
    project = generated("product")
    with running_service(
        project_venv(project), project, fresh_postgres_database, REDIS_URL=redis_url
    ) as base:
        created = request(
            "POST",
            f"{base}/api/v1/products",
            {"name": "Lamp", "sku": "OBS-1", "price": "3.50"},
        )
        assert created.status == 201, created.body
        item_id = created.body["data"]["id"]
        for _ in range(3):
            assert request("GET", f"{base}/api/v1/products/{item_id}").status == 200

        ready = request("GET", f"{base}/ready")
        assert ready.status == 200
        assert ready.headers["Content-Type"].startswith("application/health+json")
        for name in ("database:connectivity", "cache:connectivity"):
            check = ready.body["checks"][name][0]
            assert check["status"] == "pass"
            assert check["observedUnit"] == "ms"
            assert check["observedValue"] >= 0

        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/plain")
            text = response.read().decode()
    series = [line for line in text.splitlines() if line.startswith("http_requests_total{")]
    route = 'method="GET",route="/api/v1/products/{id}",status="200"'
    assert f"http_requests_total{{{route}}} 3.0" in series, series
    assert "http_request_duration_seconds_bucket{" in text
    assert item_id not in text  # never the raw path
    assert 'cache_requests_total{result="hit"} 2.0' in text
    assert 'cache_requests_total{result="miss"} 1.0' in text
    assert "db_pool_size 16.0" in text
    assert "db_pool_checked_out 0.0" in text
    assert "process_resident_memory_bytes" in text
