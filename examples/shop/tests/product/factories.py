"""Test data for products: request bodies, and records made through the API.

Bodies name a parent: unless the caller passes one, a new parent is made through the API
(a parent account is the signed-in user's).
"""

from __future__ import annotations

import itertools
from typing import Any

from httpx import AsyncClient

from tests.category.factories import create_category

COLLECTION = "/api/v1/products"
_numbers = itertools.count(1)


async def product_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A valid create body, camelCase as clients send it; OVERRIDES replace or add keys."""
    n = next(_numbers)
    payload: dict[str, Any] = {
        "name": f"name-{n}",
        "sku": f"sku-{n}",
        "price": f"{n % 10000}.5",
        "inStock": n % 2 == 0,
    }
    if "categoryId" not in overrides:
        parent = await create_category(client)
        payload["categoryId"] = parent["id"]
    payload.update(overrides)
    return payload


async def minimal_product_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A create body with the required fields only."""
    n = next(_numbers)
    payload: dict[str, Any] = {"name": f"name-{n}", "sku": f"sku-{n}", "price": f"{n % 10000}.5"}
    if "categoryId" not in overrides:
        parent = await create_category(client)
        payload["categoryId"] = parent["id"]
    payload.update(overrides)
    return payload


async def create_product(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create a product through the API; its representation."""
    response = await client.post(COLLECTION, json=await product_payload(client, **overrides))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
