"""Test data for reviews: request bodies, and records made through the API.

Bodies name a parent: unless the caller passes one, a new parent is made through the API
(a parent account is the signed-in user's).
"""

from __future__ import annotations

import itertools
from typing import Any

from httpx import AsyncClient

from tests.product.factories import create_product

COLLECTION = "/api/v1/reviews"
_numbers = itertools.count(1)


async def review_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A valid create body, camelCase as clients send it; OVERRIDES replace or add keys."""
    n = next(_numbers)
    payload: dict[str, Any] = {"rating": n, "body": f"body {n}"}
    if "productId" not in overrides:
        parent = await create_product(client)
        payload["productId"] = parent["id"]
    payload.update(overrides)
    return payload


async def minimal_review_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A create body with the required fields only."""
    n = next(_numbers)
    payload: dict[str, Any] = {"rating": n}
    if "productId" not in overrides:
        parent = await create_product(client)
        payload["productId"] = parent["id"]
    payload.update(overrides)
    return payload


async def create_review(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create a review through the API; its representation."""
    response = await client.post(COLLECTION, json=await review_payload(client, **overrides))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
