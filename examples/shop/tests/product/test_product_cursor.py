"""Keyset pages of products: ?cursor= first, then each page's nextCursor."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from httpx import AsyncClient

from tests.product.factories import COLLECTION, create_product as create_item

# Cursor pages sort by the timestamps and the required sortable fields.
KEYSET_SORTS = ["category_id", "created_at", "name", "price", "sku", "updated_at"]


def forged(data: Any, signature: str = "A" * 22) -> str:
    """A cursor this API did not issue: base64url JSON of DATA, and a made-up signature."""
    payload = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{payload}.{signature}"


async def walk(client: AsyncClient, **params: Any) -> list[str]:
    """Every id, following nextCursor from the first page until hasMore is false."""
    ids: list[str] = []
    query: dict[str, Any] = {"cursor": "", **params}
    while True:
        response = await client.get(COLLECTION, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"data", "pagination", "meta"}
        assert set(body["pagination"]) == {"nextCursor", "hasMore"}
        ids.extend(item["id"] for item in body["data"])
        if not body["pagination"]["hasMore"]:
            assert body["pagination"]["nextCursor"] is None
            return ids
        query["cursor"] = body["pagination"]["nextCursor"]


async def test_cursor_pages_walk_the_whole_list_newest_first(client: AsyncClient) -> None:
    ids = [(await create_item(client))["id"] for _ in range(5)]
    assert await walk(client, limit=2) == ids[::-1]


async def test_cursor_pages_follow_the_sort_they_started_with(client: AsyncClient) -> None:
    ids = [(await create_item(client))["id"] for _ in range(3)]
    params: dict[str, Any] = {"cursor": "", "limit": 2, "sort": "created_at"}
    page = (await client.get(COLLECTION, params=params)).json()
    # The cursor carries its sort: the next page may leave ?sort= out.
    rest = await client.get(COLLECTION, params={"cursor": page["pagination"]["nextCursor"]})
    assert [item["id"] for item in page["data"] + rest.json()["data"]] == ids


@pytest.mark.parametrize("column", KEYSET_SORTS)
async def test_cursor_pages_match_offset_pages_in_every_sort(
    client: AsyncClient, column: str
) -> None:
    for _ in range(5):
        await create_item(client)
    for sort in (column, f"-{column}"):
        params: dict[str, Any] = {"sort": sort, "limit": 100}
        listed = (await client.get(COLLECTION, params=params)).json()["data"]
        assert await walk(client, sort=sort, limit=2) == [item["id"] for item in listed], sort


async def test_cursor_pages_are_stable_while_rows_are_added(client: AsyncClient) -> None:
    ids = [(await create_item(client))["id"] for _ in range(4)]
    first = (await client.get(COLLECTION, params={"cursor": "", "limit": 2})).json()
    await create_item(client)  # newer than every row: it belongs before the first page
    cursor = first["pagination"]["nextCursor"]
    rest = (await client.get(COLLECTION, params={"cursor": cursor, "limit": 2})).json()
    assert [item["id"] for item in first["data"] + rest["data"]] == ids[::-1]
    assert rest["pagination"] == {"nextCursor": None, "hasMore": False}


async def test_an_empty_list_is_one_empty_page(client: AsyncClient) -> None:
    body = (await client.get(COLLECTION, params={"cursor": ""})).json()
    assert body["data"] == []
    assert body["pagination"] == {"nextCursor": None, "hasMore": False}


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        forged(["not", "an", "object"]),
        forged({"s": "-created_at", "v": [1]}),
        forged({"s": "-created_at", "v": ["yesterday", "not-a-uuid"]}),
        forged({"s": "-no_such_column", "v": [1, 2]}),
        "x" * 3000,
    ],
)
async def test_invalid_cursor_is_400(client: AsyncClient, cursor: str) -> None:
    await create_item(client)
    response = await client.get(COLLECTION, params={"cursor": cursor})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert [detail["field"] for detail in error["details"]] in (["cursor"], ["sort"])


async def test_a_cursor_with_another_sort_or_a_page_is_400(client: AsyncClient) -> None:
    for _ in range(2):
        await create_item(client)
    first = (await client.get(COLLECTION, params={"cursor": "", "limit": 1})).json()
    cursor = first["pagination"]["nextCursor"]
    other_sort = await client.get(COLLECTION, params={"cursor": cursor, "sort": "created_at"})
    assert other_sort.status_code == 400
    assert other_sort.json()["error"]["details"][0]["field"] == "cursor"
    with_page = await client.get(COLLECTION, params={"cursor": cursor, "page": 2})
    assert with_page.status_code == 400
    assert with_page.json()["error"]["details"][0]["field"] == "page"


async def test_a_cursor_changed_by_its_client_is_400(client: AsyncClient) -> None:
    for _ in range(2):
        await create_item(client)
    first = (await client.get(COLLECTION, params={"cursor": "", "limit": 1})).json()
    cursor = first["pagination"]["nextCursor"]
    payload, signature = cursor.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    for changed in (forged({**data, "s": "created_at"}, signature), payload, f"{payload}."):
        response = await client.get(COLLECTION, params={"cursor": changed})
        assert response.status_code == 400, changed
    assert (await client.get(COLLECTION, params={"cursor": cursor})).status_code == 200


async def test_a_forged_cursor_with_many_sort_keys_is_400(client: AsyncClient) -> None:
    await create_item(client)
    sort = ",".join(["created_at", "-updated_at"] * 85)
    values = ["2024-01-01T00:00:00+00:00"] * 170 + ["00000000-0000-7000-8000-000000000000"]
    response = await client.get(COLLECTION, params={"cursor": forged({"s": sort, "v": values})})
    assert response.status_code == 400


async def test_a_column_named_twice_sorts_by_its_first_mention(client: AsyncClient) -> None:
    ids = [(await create_item(client))["id"] for _ in range(3)]
    # As in SQL, the second mention cannot change the order: the schema's pattern allows it.
    for cursor in ({}, {"cursor": ""}):
        params = {"sort": "created_at,-created_at,createdAt", **cursor}
        response = await client.get(COLLECTION, params=params)
        assert response.status_code == 200, response.text
        assert [item["id"] for item in response.json()["data"]] == ids


async def test_a_sort_outside_the_whitelist_is_400(client: AsyncClient) -> None:
    for sort in ("id", "created_at,", " created_at", "+created_at", "created_at;drop"):
        response = await client.get(COLLECTION, params={"sort": sort})
        assert response.status_code == 400, sort
        assert response.json()["error"]["details"][0]["field"] == "sort"
