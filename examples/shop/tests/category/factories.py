"""Test data for categories: request bodies, and records made through the API.

Bodies are built with the client, so that a resource with parents can make them first.
"""

from __future__ import annotations

import itertools
from typing import Any

from httpx import AsyncClient

COLLECTION = "/api/v1/categories"
_numbers = itertools.count(1)


async def category_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A valid create body, camelCase as clients send it; OVERRIDES replace or add keys."""
    n = next(_numbers)
    payload: dict[str, Any] = {"name": f"name-{n}", "description": f"description {n}"}
    payload.update(overrides)
    return payload


async def minimal_category_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A create body with the required fields only."""
    n = next(_numbers)
    payload: dict[str, Any] = {"name": f"name-{n}"}
    payload.update(overrides)
    return payload


async def create_category(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create a category through the API; its representation."""
    response = await client.post(COLLECTION, json=await category_payload(client, **overrides))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
