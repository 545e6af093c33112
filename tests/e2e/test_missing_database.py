"""A PostgreSQL database not created yet: migrations say so in one line, the API answers 503."""

from __future__ import annotations

from uuid import uuid4

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.projects import run_tool

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

_REQUESTS = """
import asyncio, httpx
from app.main import create_app

async def main() -> None:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        lamp = {"name": "Lamp", "sku": "L-1", "price": "1.50"}
        for method, body in (("GET", None), ("POST", lamp)):
            response = await client.request(method, "/api/v1/products", json=body)
            print(response.status_code, response.json()["error"]["code"])

asyncio.run(main())
"""


def test_migrating_a_database_that_does_not_exist_is_one_line(
    generated: GeneratedProject, project_venv: ProjectVenv, asyncpg_url: str
) -> None:
    project = generated("product")
    missing = asyncpg_url.rsplit("/", 1)[0] + f"/bk_missing_{uuid4().hex[:8]}"
    result = run_tool(
        project_venv(project), project, "-m", "alembic", "upgrade", "head", DATABASE_URL=missing
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "does not exist" in lines[0]
    assert "createdb" in lines[0]


def test_the_api_answers_503_while_the_database_does_not_exist(
    generated: GeneratedProject, project_venv: ProjectVenv, asyncpg_url: str
) -> None:
    project = generated("product")
    missing = asyncpg_url.rsplit("/", 1)[0] + f"/bk_missing_{uuid4().hex[:8]}"
    result = run_tool(
        project_venv(project), project, "-c", _REQUESTS, DATABASE_URL=missing, LOG_LEVEL="CRITICAL"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["503 SERVICE_UNAVAILABLE"] * 2
