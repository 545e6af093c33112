"""Test data for catalog entries: request bodies, and records made through the API.

Bodies are built with the client, so that a resource with parents can make them first.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from httpx import AsyncClient

COLLECTION = "/api/v1/catalog-entries"
_numbers = itertools.count(1)


async def catalog_entry_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A valid create body, camelCase as clients send it; OVERRIDES replace or add keys."""
    n = next(_numbers)
    payload: dict[str, Any] = {
        "title": f"title-{n}",
        "body": f"body {n}",
        "rank": n,
        "views": n * 1000,
        "score": n + 0.5,
        "cost": f"{n % 10000}.5",
        "active": n % 2 == 0,
        "publishedOn": f"2024-01-{n % 28 + 1:02d}",
        "publishedAt": f"2024-01-15T10:{n % 60:02d}:00+00:00",
        "externalId": str(uuid.uuid4()),
        "contact": f"contact-{n}@example.com",
        "homepage": f"https://example.com/homepage/{n}",
        "attributes": {"n": n},
        "status": "draft",
    }
    payload.update(overrides)
    return payload


async def minimal_catalog_entry_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A create body with the required fields only."""
    n = next(_numbers)
    payload: dict[str, Any] = {"title": f"title-{n}"}
    payload.update(overrides)
    return payload


async def create_catalog_entry(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create a catalog entry through the API; its representation."""
    response = await client.post(COLLECTION, json=await catalog_entry_payload(client, **overrides))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
