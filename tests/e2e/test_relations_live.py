"""A live server of a ref chain (category <- product <- review) answers nested routes, ref
filters, sorting and keyset pagination with the documented envelopes, to a signed-in user."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.live_auth import access_token
from tests.e2e.live_server import Reply, running_service
from tests.e2e.live_server import request as plain_request

pytestmark = pytest.mark.e2e
API = "/api/v1"
# Every resource route needs a signed-in user; exercise() signs in first.
SIGNED_IN: dict[str, str] = {}


def request(method: str, url: str, body: Any = None) -> Reply:
    return plain_request(method, url, body, SIGNED_IN)


def created(reply: Reply) -> dict[str, Any]:
    assert reply.status == 201, reply.body
    data: dict[str, Any] = reply.body["data"]
    return data


def assert_error(reply: Reply, status: int, code: str, fields: list[str] | None = None) -> None:
    assert reply.status == status, reply.body
    assert set(reply.body) == {"error", "meta"}
    assert reply.body["error"]["code"] == code
    if fields is not None:
        assert [detail["field"] for detail in reply.body["error"]["details"]] == fields


def product(title: str) -> dict[str, Any]:
    """A product body without its category (the nested route names it)."""
    return {"title": title, "externalId": str(uuid.uuid4())}


def walk(base: str, path: str, **params: str) -> Iterator[dict[str, Any]]:
    """Every page of a keyset walk, from ?cursor= to the page without a next one."""
    query = {"cursor": "", **params}
    while True:
        reply = request(
            "GET", base + path + "?" + "&".join(f"{k}={quote(v)}" for k, v in query.items())
        )
        assert reply.status == 200, reply.body
        assert set(reply.body) == {"data", "pagination", "meta"}
        assert set(reply.body["pagination"]) == {"nextCursor", "hasMore"}
        yield reply.body
        if not reply.body["pagination"]["hasMore"]:
            assert reply.body["pagination"]["nextCursor"] is None
            return
        query["cursor"] = reply.body["pagination"]["nextCursor"]


def exercise(base: str) -> None:
    SIGNED_IN["Authorization"] = f"Bearer {access_token(base)}"
    assert plain_request("GET", f"{base}{API}/categories").status == 401
    lamps = created(request("POST", f"{base}{API}/categories", {"name": "Lamps"}))
    chairs = created(request("POST", f"{base}{API}/categories", {"name": "Chairs"}))

    # Nested create: the path names the category; Location is the flat URL.
    under_lamps = f"{base}{API}/categories/{lamps['id']}/products"
    reply = request("POST", under_lamps, product("l01"))
    first = created(reply)
    assert first["categoryId"] == lamps["id"]
    assert reply.headers["Location"] == f"{API}/products/{first['id']}"
    for title in ("l02", "l03"):
        created(request("POST", under_lamps, product(title)))
    created(request("POST", f"{base}{API}/categories/{chairs['id']}/products", product("c01")))

    # Nested list: offset pagination by default, newest first.
    listed = request("GET", under_lamps)
    assert listed.status == 200, listed.body
    assert [item["title"] for item in listed.body["data"]] == ["l03", "l02", "l01"]
    assert listed.body["pagination"] == {
        "page": 1,
        "limit": 20,
        "total": 3,
        "hasMore": False,
        "totalIsExact": True,
    }

    # The flat list filters on the ref.
    filtered = request("GET", f"{base}{API}/products?categoryId={lamps['id']}")
    assert {item["categoryId"] for item in filtered.body["data"]} == {lamps["id"]}
    assert filtered.body["pagination"]["total"] == 3

    # A missing parent: 404 under it, 422 naming the field on the flat route.
    missing = f"{base}{API}/categories/{uuid.uuid4()}/products"
    assert_error(request("GET", missing), 404, "NOT_FOUND")
    assert_error(request("POST", missing, product("x01")), 404, "NOT_FOUND")
    orphan = {**product("x02"), "categoryId": str(uuid.uuid4())}
    assert_error(
        request("POST", f"{base}{API}/products", orphan), 422, "UNPROCESSABLE", ["categoryId"]
    )

    # Keyset pages: the whole list, in the order offset pages give, stable under an insert.
    offset_order = [item["id"] for item in request("GET", f"{base}{API}/products").body["data"]]
    pages = walk(base, f"{API}/products", limit="2")
    seen = [item["id"] for item in next(pages)["data"]]
    created(request("POST", under_lamps, product("new")))  # newest: before the first page
    for page in pages:
        seen.extend(item["id"] for item in page["data"])
    assert seen == offset_order

    # Keyset pages follow ?sort= on a declared field; the cursor carries it.
    titles = [item["title"] for page in walk(base, f"{API}/products", sort="title", limit="2")
              for item in page["data"]]  # fmt: skip
    assert titles == sorted(titles)
    assert len(titles) == 5
    assert_error(request("GET", f"{base}{API}/products?cursor=not-a-cursor"), 400,
                 "VALIDATION_ERROR", ["cursor"])  # fmt: skip
    assert_error(request("GET", f"{base}{API}/products?sort=-nope"), 400, "VALIDATION_ERROR",
                 ["sort"])  # fmt: skip

    # The third link of the chain, soft-deleted: a deleted review's unique email is free again.
    under_first = f"{base}{API}/products/{first['id']}/reviews"
    review = {"rating": 5, "authorEmail": "ada@example.com"}
    kept = created(request("POST", under_first, review))
    assert kept["productId"] == first["id"]
    assert_error(request("POST", under_first, review), 409, "CONFLICT", ["authorEmail"])
    assert request("DELETE", f"{base}{API}/reviews/{kept['id']}").status == 204
    again = created(request("POST", under_first, review))
    assert [item["id"] for item in request("GET", under_first).body["data"]] == [again["id"]]

    # Parents with children are not deleted from under them.
    assert_error(request("DELETE", f"{base}{API}/categories/{lamps['id']}"), 409, "CONFLICT")
    assert_error(request("DELETE", f"{base}{API}/products/{first['id']}"), 409, "CONFLICT")
    assert request("GET", f"{base}{API}/categories/{lamps['id']}").status == 200

    # The nested routes are documented, and so is how a client starts cursor mode.
    schema = request("GET", f"{base}/openapi.json").body
    nested = schema["paths"]["/api/v1/categories/{id}/products"]
    assert set(nested) == {"get", "post"}
    cursor = [p for p in nested["get"]["parameters"] if p["name"] == "cursor"]
    assert "?cursor=" in cursor[0]["description"]


def test_relations_over_http_on_sqlite(
    generated: GeneratedProject, project_venv: ProjectVenv, tmp_path: Path
) -> None:
    project = generated("catalog")
    database = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    with running_service(project_venv(project), project, database) as base:
        exercise(base)


@pytest.mark.postgres
def test_relations_over_http_on_postgres(
    generated: GeneratedProject, project_venv: ProjectVenv, fresh_postgres_database: str
) -> None:
    project = generated("catalog")
    with running_service(project_venv(project), project, fresh_postgres_database) as base:
        exercise(base)
