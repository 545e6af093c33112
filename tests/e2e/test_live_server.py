"""A real server of each generated project answers with the documented bodies."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.live_auth import access_token, has_jwt_auth
from tests.e2e.live_server import Reply, running_service
from tests.e2e.live_server import request as send
from tests.e2e.projects import PROJECTS

pytestmark = pytest.mark.e2e


def assert_meta(reply: Reply) -> None:
    meta = reply.body["meta"]
    assert set(meta) == {"timestamp", "requestId"}
    assert meta["requestId"] == reply.headers["X-Request-ID"]


def assert_error(reply: Reply, status: int, code: str, fields: list[str] | None = None) -> None:
    assert reply.status == status, reply.body
    assert set(reply.body) == {"error", "meta"}
    error = reply.body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert all(set(detail) == {"field", "message"} for detail in error["details"])
    if fields is not None:
        assert sorted(detail["field"] for detail in error["details"]) == sorted(fields)
    assert_meta(reply)


@pytest.mark.parametrize("name", sorted(n for n, spec in PROJECTS.items() if spec.live_crud))
def test_crud_over_http(
    name: str, generated: GeneratedProject, project_venv: ProjectVenv, tmp_path: Path
) -> None:
    spec = PROJECTS[name]
    project = generated(name)
    database = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    with running_service(project_venv(project), project, database) as base:
        collection = base + spec.collection
        # With JWT auth every resource route needs a signed-in user.
        jwt = has_jwt_auth(project)
        signed_in = {"Authorization": f"Bearer {access_token(base)}"} if jwt else {}

        def request(
            method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
        ) -> Reply:
            return send(method, url, body, {**signed_in, **(headers or {})})

        created = request("POST", collection, spec.valid, {"X-Request-ID": "e2e-create-1"})
        assert created.status == 201, created.body
        assert set(created.body) == {"data", "meta"}
        item: dict[str, Any] = created.body["data"]
        assert created.headers["X-Request-ID"] == "e2e-create-1"
        assert created.headers["Location"] == f"{spec.collection}/{item['id']}"
        assert uuid.UUID(item["id"]).version == 7
        assert {"id", "createdAt", "updatedAt", *spec.valid} <= set(item)
        assert_meta(created)

        listed = request("GET", collection)
        assert listed.status == 200
        assert [entry["id"] for entry in listed.body["data"]] == [item["id"]]
        assert listed.body["pagination"] == {
            "page": 1,
            "limit": 20,
            "total": 1,
            "hasMore": False,
            "totalIsExact": True,
        }

        fetched = request("GET", f"{collection}/{item['id']}")
        assert fetched.status == 200
        assert fetched.body["data"] == item

        assert_error(request("GET", f"{collection}/{uuid.uuid4()}"), 404, "NOT_FOUND", [])
        assert_error(request("GET", f"{base}/api/v1/nothing-here"), 404, "NOT_FOUND")

        if spec.unique_field:
            duplicate = request("POST", collection, {**spec.valid, **spec.duplicate_changes})
            assert_error(duplicate, 409, "CONFLICT", [spec.unique_field])

        invalid = request("POST", collection, spec.invalid)
        assert_error(invalid, 400, "VALIDATION_ERROR", list(spec.invalid_fields))
        unsortable = request("GET", f"{collection}?sort=-nope")
        assert_error(unsortable, 400, "VALIDATION_ERROR", ["sort"])

        health = request("GET", f"{base}/ready")
        assert health.status == 200
        assert health.headers["Content-Type"].startswith("application/health+json")
        assert health.body["status"] == "pass"
