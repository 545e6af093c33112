"""The catalog entries API: /api/v1/catalog-entries."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient
from pydantic.alias_generators import to_camel

from app.catalog_entry.repository import CatalogEntryRepository
from tests.catalog_entry.factories import (
    COLLECTION,
    catalog_entry_payload as new_payload,
    create_catalog_entry as create_item,
    minimal_catalog_entry_payload as minimal_payload,
)

# What the declared fields promise; the tests below hold the API to it.
ECHOED: list[str] = [
    "title",
    "body",
    "rank",
    "views",
    "score",
    "active",
    "publishedOn",
    "externalId",
    "contact",
    "homepage",
    "attributes",
    "status",
]
SNAKE_CASE: dict[str, str] = {
    "title": "title",
    "body": "body",
    "rank": "rank",
    "views": "views",
    "score": "score",
    "cost": "cost",
    "active": "active",
    "publishedOn": "published_on",
    "publishedAt": "published_at",
    "externalId": "external_id",
    "contact": "contact",
    "homepage": "homepage",
    "attributes": "attributes",
    "status": "status",
}
REQUIRED: list[str] = ["title"]
UNIQUE: list[str] = []
DEFAULTS: dict[str, Any] = {"rank": 0, "views": 0, "active": True, "status": "draft"}
NULL_WHEN_OMITTED: list[str] = [
    "body",
    "score",
    "cost",
    "publishedOn",
    "publishedAt",
    "externalId",
    "contact",
    "homepage",
    "attributes",
]
NOT_NULL: list[str] = ["title", "rank", "views", "active", "status"]
INVALID_VALUES: list[tuple[str, Any]] = [
    ("title", "x" * 121),
    ("body", 12345),
    ("rank", "abc"),
    ("views", 9223372036854775808),
    ("score", "abc"),
    ("cost", "abc"),
    ("active", "maybe"),
    ("publishedOn", "2024-13-45"),
    ("publishedAt", "not-a-date"),
    ("externalId", "not-a-uuid"),
    ("contact", "not-an-email"),
    ("homepage", "not a url"),
    ("attributes", "not an object"),
    ("status", "not_a_choice"),
]
FILTERS: list[str] = [
    "title",
    "rank",
    "views",
    "score",
    "cost",
    "active",
    "publishedOn",
    "publishedAt",
    "externalId",
    "contact",
    "homepage",
    "status",
]
TYPED_FILTERS: list[str] = [
    "rank",
    "views",
    "score",
    "cost",
    "active",
    "publishedOn",
    "publishedAt",
    "externalId",
    "status",
]
SORTABLE: list[str] = [
    "contact",
    "cost",
    "created_at",
    "external_id",
    "homepage",
    "published_at",
    "published_on",
    "rank",
    "score",
    "status",
    "title",
    "updated_at",
    "views",
]


# Lists this small are counted to the end.
EXACT = {"totalIsExact": True}


def query_value(value: Any) -> str:
    """A JSON value as a query parameter."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def error_fields(body: dict[str, Any]) -> list[str]:
    assert set(body) == {"error", "meta"}
    return [detail["field"] for detail in body["error"]["details"]]


async def test_create_returns_201_location_and_envelope(client: AsyncClient) -> None:
    payload = await new_payload(client)
    response = await client.post(COLLECTION, json=payload)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"data", "meta"}
    data = body["data"]
    assert response.headers["location"] == f"{COLLECTION}/{data['id']}"
    assert uuid.UUID(data["id"]).version == 7
    for key in ECHOED:
        assert data[key] == payload[key], key
    assert dt.datetime.fromisoformat(data["createdAt"]).tzinfo is not None
    assert body["meta"]["requestId"] == response.headers["x-request-id"]


async def test_create_with_required_fields_only(client: AsyncClient) -> None:
    response = await client.post(COLLECTION, json=await minimal_payload(client))
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    for key, value in DEFAULTS.items():
        assert data[key] == value, key
    for key in NULL_WHEN_OMITTED:
        assert data[key] is None, key


async def test_input_accepts_snake_case_keys_too(client: AsyncClient) -> None:
    payload = {SNAKE_CASE[key]: value for key, value in (await new_payload(client)).items()}
    response = await client.post(COLLECTION, json=payload)
    assert response.status_code == 201, response.text


async def test_get_returns_what_create_returned(client: AsyncClient) -> None:
    created = await create_item(client)
    response = await client.get(f"{COLLECTION}/{created['id']}")
    assert response.status_code == 200
    assert response.json()["data"] == created


async def test_list_paginates(client: AsyncClient) -> None:
    for _ in range(3):
        await create_item(client)
    first = (await client.get(COLLECTION, params={"limit": 2})).json()
    assert len(first["data"]) == 2
    assert first["pagination"] == {"page": 1, "limit": 2, "total": 3, "hasMore": True, **EXACT}
    second = (await client.get(COLLECTION, params={"limit": 2, "page": 2})).json()
    assert len(second["data"]) == 1
    assert second["pagination"] == {"page": 2, "limit": 2, "total": 3, "hasMore": False, **EXACT}
    assert len({item["id"] for item in first["data"] + second["data"]}) == 3
    # Past the end: no rows to carry the count, which is still the list's.
    past = (await client.get(COLLECTION, params={"limit": 2, "page": 5})).json()
    assert past["data"] == []
    assert past["pagination"] == {"page": 5, "limit": 2, "total": 3, "hasMore": False, **EXACT}


async def test_list_total_is_a_lower_bound_past_the_count_limit(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CatalogEntryRepository, "count_limit", 2)
    for _ in range(4):
        await create_item(client)

    async def counted(page: int, limit: int) -> tuple[int, bool, bool]:
        """The page's total, hasMore and totalIsExact."""
        response = await client.get(COLLECTION, params={"page": page, "limit": limit})
        assert response.status_code == 200, response.text
        pagination = response.json()["pagination"]
        assert (pagination["page"], pagination["limit"]) == (page, limit)
        return pagination["total"], pagination["hasMore"], pagination["totalIsExact"]

    # Counted up to the limit and one row more: at least 3.
    assert await counted(1, 1) == (3, True, False)
    # Past the limit, not counted: the rows before the page, on it, and the one after it.
    assert await counted(3, 1) == (4, True, False)
    # The last page knows the total, and so does a page past the end (counted to its offset).
    assert await counted(2, 3) == (4, False, True)
    assert await counted(9, 1) == (4, False, True)


async def test_limit_is_capped_at_100(client: AsyncClient) -> None:
    response = await client.get(COLLECTION, params={"limit": 1000})
    assert response.status_code == 200
    assert response.json()["pagination"]["limit"] == 100


@pytest.mark.parametrize("params", [{"page": 0}, {"limit": 0}, {"page": "x"}])
async def test_bad_paging_is_400(client: AsyncClient, params: dict[str, Any]) -> None:
    response = await client.get(COLLECTION, params=params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert error_fields(response.json()) == list(params)


async def test_newest_first_by_default_and_sort_ascending(client: AsyncClient) -> None:
    ids = [(await create_item(client))["id"] for _ in range(3)]
    newest_first = (await client.get(COLLECTION)).json()["data"]
    assert [item["id"] for item in newest_first] == ids[::-1]
    oldest_first = (await client.get(COLLECTION, params={"sort": "created_at"})).json()["data"]
    assert [item["id"] for item in oldest_first] == ids


@pytest.mark.parametrize("column", SORTABLE)
async def test_sort_by_each_sortable_column(client: AsyncClient, column: str) -> None:
    await create_item(client)
    for sort in (column, f"-{column}", to_camel(column), f"-{to_camel(column)}"):
        response = await client.get(COLLECTION, params={"sort": sort})
        assert response.status_code == 200, response.text


async def test_sort_by_undeclared_column_is_400(client: AsyncClient) -> None:
    response = await client.get(COLLECTION, params={"sort": "-no_such_column"})
    assert response.status_code == 400
    assert error_fields(response.json()) == ["sort"]


async def test_unknown_query_parameter_is_400_naming_it(client: AsyncClient) -> None:
    await create_item(client)
    response = await client.get(COLLECTION, params={"bogus": "1"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert error_fields(response.json()) == ["bogus"]


UNFILTERABLE = ["body", "attributes"]


@pytest.mark.parametrize("key", UNFILTERABLE)
async def test_filter_on_a_field_without_equality_filter_is_400(
    client: AsyncClient, key: str
) -> None:
    response = await client.get(COLLECTION, params={key: "x"})
    assert response.status_code == 400
    assert error_fields(response.json()) == [key]


@pytest.mark.parametrize("key", FILTERS)
async def test_filter_by_equality(client: AsyncClient, key: str) -> None:
    wanted = await create_item(client)
    await create_item(client)
    response = await client.get(COLLECTION, params={key: query_value(wanted[key])})
    assert response.status_code == 200, response.text
    items = response.json()["data"]
    assert wanted["id"] in {item["id"] for item in items}
    assert all(item[key] == wanted[key] for item in items)


@pytest.mark.parametrize("key", TYPED_FILTERS)
async def test_filter_with_a_value_of_the_wrong_type_is_400(client: AsyncClient, key: str) -> None:
    response = await client.get(COLLECTION, params={key: "not-valid"})
    assert response.status_code == 400
    assert error_fields(response.json()) == [key]


async def test_put_replaces_every_field(client: AsyncClient) -> None:
    created = await create_item(client)
    replacement = await new_payload(client)
    response = await client.put(f"{COLLECTION}/{created['id']}", json=replacement)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    for key in ECHOED:
        assert data[key] == replacement[key], key
    assert data["createdAt"] == created["createdAt"]
    fetched = (await client.get(f"{COLLECTION}/{created['id']}")).json()["data"]
    assert fetched == data


async def test_patch_changes_only_the_fields_sent(client: AsyncClient) -> None:
    created = await create_item(client)
    key = (ECHOED or list(SNAKE_CASE))[0]
    change = {key: (await new_payload(client))[key]}
    response = await client.patch(f"{COLLECTION}/{created['id']}", json=change)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    unchanged = set(created) - {key, "updatedAt"}
    assert {k: data[k] for k in unchanged} == {k: created[k] for k in unchanged}
    if key in ECHOED:
        assert data[key] == change[key]
    updated_at = dt.datetime.fromisoformat(data["updatedAt"])
    assert updated_at >= dt.datetime.fromisoformat(created["updatedAt"])


@pytest.mark.parametrize("key", NOT_NULL)
async def test_patch_cannot_null_a_required_field(client: AsyncClient, key: str) -> None:
    created = await create_item(client)
    response = await client.patch(f"{COLLECTION}/{created['id']}", json={key: None})
    assert response.status_code == 400
    assert error_fields(response.json()) == [key]


@pytest.mark.parametrize("key", ["id", "createdAt", "noSuchField"])
async def test_unknown_and_server_owned_keys_are_refused(client: AsyncClient, key: str) -> None:
    payload = await new_payload(client, **{key: "2024-01-01T00:00:00Z"})
    response = await client.post(COLLECTION, json=payload)
    assert response.status_code == 400
    assert error_fields(response.json()) == [key]


async def test_delete_then_get_is_404(client: AsyncClient) -> None:
    created = await create_item(client)
    response = await client.delete(f"{COLLECTION}/{created['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(f"{COLLECTION}/{created['id']}")).status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
async def test_missing_id_is_404(client: AsyncClient, method: str) -> None:
    body = await new_payload(client) if method in {"PUT", "PATCH"} else None
    response = await client.request(method, f"{COLLECTION}/{uuid.uuid4()}", json=body)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_wrong_method_is_405_listing_the_allowed_ones(client: AsyncClient) -> None:
    response = await client.request("OPTIONS", COLLECTION)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    response = await client.post(f"{COLLECTION}/{uuid.uuid4()}", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, PATCH, PUT"


async def test_a_path_segment_that_is_no_id_is_404(client: AsyncClient) -> None:
    # Ids are UUIDs in the route itself, so /users/me and the like never reach the {id} routes.
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        response = await client.request(method, f"{COLLECTION}/not-a-uuid")
        assert response.status_code == 404, method
        assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(("key", "value"), INVALID_VALUES)
async def test_invalid_value_is_400_naming_the_field(
    client: AsyncClient, key: str, value: Any
) -> None:
    response = await client.post(COLLECTION, json=await new_payload(client, **{key: value}))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert error_fields(body) == [key]
    # Said in words: a client is never shown a raw regular expression.
    assert "pattern" not in body["error"]["details"][0]["message"]


@pytest.mark.parametrize("key", REQUIRED)
async def test_missing_required_field_is_400(client: AsyncClient, key: str) -> None:
    payload = await new_payload(client)
    del payload[key]
    response = await client.post(COLLECTION, json=payload)
    assert response.status_code == 400
    assert error_fields(response.json()) == [key]


async def test_malformed_json_is_400(client: AsyncClient) -> None:
    response = await client.post(
        COLLECTION, content=b'{"broken": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_streamed_body_over_the_limit_is_413(client: AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(17):
            yield b" " * 65536

    response = await client.post(
        COLLECTION, content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
