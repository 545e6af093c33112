"""Test data for wishlist items: request bodies, and records made through the API.

Bodies are built with the client, so that a resource with parents can make them first.
"""

from __future__ import annotations

import itertools
from typing import Any

from httpx import AsyncClient

COLLECTION = "/api/v1/wishlist-items"
_numbers = itertools.count(1)


async def wishlist_item_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A valid create body, camelCase as clients send it; OVERRIDES replace or add keys."""
    n = next(_numbers)
    payload: dict[str, Any] = {"label": f"label-{n}", "note": f"note {n}"}
    payload.update(overrides)
    return payload


async def minimal_wishlist_item_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A create body with the required fields only."""
    n = next(_numbers)
    payload: dict[str, Any] = {"label": f"label-{n}"}
    payload.update(overrides)
    return payload


async def create_wishlist_item(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create a wishlist item through the API; its representation."""
    response = await client.post(COLLECTION, json=await wishlist_item_payload(client, **overrides))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
