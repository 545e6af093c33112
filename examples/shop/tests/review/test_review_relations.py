"""Reviews and their parents: nested routes and ref filters."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from tests.product.factories import COLLECTION as PRODUCT_COLLECTION, create_product
from tests.review.factories import (
    COLLECTION,
    create_review as create_item,
    review_payload as new_payload,
)

CHILDREN = "/reviews"


def under_product(id: object) -> str:
    """URL of the nested collection under one product."""
    return f"{PRODUCT_COLLECTION}/{id}{CHILDREN}"


async def test_nested_list_under_product(client: AsyncClient) -> None:
    parent = await create_product(client)
    of_parent = {"productId": parent["id"]}
    own = [(await create_item(client, **of_parent))["id"] for _ in range(3)]
    await create_item(client)  # another product's
    url = under_product(parent["id"])
    response = await client.get(url, params={"limit": 2})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["id"] for item in body["data"]] == own[::-1][:2]
    pagination = {
        "page": 1,
        "limit": 2,
        "total": 3,
        "hasMore": True,
        "totalIsExact": True,
    }
    assert body["pagination"] == pagination
    cursor_page = (await client.get(url, params={"cursor": ""})).json()
    assert [item["id"] for item in cursor_page["data"]] == own[::-1]


async def test_flat_list_filters_by_product_id(client: AsyncClient) -> None:
    parent = await create_product(client)
    of_parent = {"productId": parent["id"]}
    own = (await create_item(client, **of_parent))["id"]
    await create_item(client)
    response = await client.get(COLLECTION, params=of_parent)
    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["data"]] == [own]


async def test_create_under_product(client: AsyncClient) -> None:
    parent = await create_product(client)
    url = under_product(parent["id"])
    payload = await new_payload(client)
    del payload["productId"]
    response = await client.post(url, json=payload)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["productId"] == parent["id"]
    assert response.headers["location"] == f"{COLLECTION}/{data['id']}"
    # The path names the parent; the body may not name one too.
    payload["productId"] = parent["id"]
    assert (await client.post(url, json=payload)).status_code == 400


async def test_missing_product_is_404_under_it(client: AsyncClient) -> None:
    url = under_product(uuid.uuid4())
    listed = await client.get(url)
    assert listed.status_code == 404
    assert listed.json()["error"]["code"] == "NOT_FOUND"
    payload = await new_payload(client)
    del payload["productId"]
    created = await client.post(url, json=payload)
    assert created.status_code == 404
    assert created.json()["error"]["code"] == "NOT_FOUND"


async def test_a_missing_product_is_422_naming_the_field(client: AsyncClient) -> None:
    missing = {"productId": str(uuid.uuid4())}
    response = await client.post(COLLECTION, json=await new_payload(client, **missing))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"]["code"] == "UNPROCESSABLE"
    assert [detail["field"] for detail in body["error"]["details"]] == list(missing)
    item = await create_item(client)
    patched = await client.patch(f"{COLLECTION}/{item['id']}", json=missing)
    assert patched.status_code == 422, patched.text


async def test_a_deleted_product_takes_no_children(client: AsyncClient) -> None:
    parent = await create_product(client)
    parent_url = f"{PRODUCT_COLLECTION}/{parent['id']}"
    assert (await client.delete(parent_url)).status_code == 204
    url = under_product(parent["id"])
    assert (await client.get(url)).status_code == 404
    of_parent = {"productId": parent["id"]}
    response = await client.post(COLLECTION, json=await new_payload(client, **of_parent))
    assert response.status_code == 422, response.text


async def test_a_product_with_children_cannot_be_deleted(client: AsyncClient) -> None:
    item = await create_item(client)
    parent_id = item["productId"]
    parent_url = f"{PRODUCT_COLLECTION}/{parent_id}"
    response = await client.delete(parent_url)
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "CONFLICT"
    assert (await client.get(parent_url)).status_code == 200
