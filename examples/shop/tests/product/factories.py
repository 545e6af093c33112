"""Test data for products: request bodies, and records made through the API."""

from __future__ import annotations

import itertools
from typing import Any

from httpx import AsyncClient

COLLECTION = "/api/v1/products"
_numbers = itertools.count(1)


def product_payload(**overrides: Any) -> dict[str, Any]:
    """A valid create body, camelCase as clients send it; OVERRIDES replace or add keys."""
    n = next(_numbers)
    payload: dict[str, Any] = {
        "name": f"name-{n}",
        "sku": f"sku-{n}",
        "price": f"{n % 10000}.5",
        "inStock": n % 2 == 0,
    }
    payload.update(overrides)
    return payload


def minimal_product_payload(**overrides: Any) -> dict[str, Any]:
    """A create body with the required fields only."""
    n = next(_numbers)
    payload: dict[str, Any] = {"name": f"name-{n}", "sku": f"sku-{n}", "price": f"{n % 10000}.5"}
    payload.update(overrides)
    return payload


async def create_product(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create a product through the API; its representation."""
    response = await client.post(COLLECTION, json=product_payload(**overrides))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
