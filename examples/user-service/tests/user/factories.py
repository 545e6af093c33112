"""Test data for users: request bodies, and records made through the API.

Bodies are built with the client, so that a resource with parents can make them first.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from httpx import AsyncClient

COLLECTION = "/api/v1/users"
_numbers = itertools.count(1)


async def user_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A valid create body, camelCase as clients send it; OVERRIDES replace or add keys."""
    n = next(_numbers)
    payload: dict[str, Any] = {
        "email": f"email-{n}@example.com",
        "name": f"name-{n}",
        "role": "user",
        "isActive": n % 2 == 0,
    }
    payload["password"] = f"password-{uuid.uuid4().hex}"  # write-only: never returned
    payload.update(overrides)
    return payload


async def minimal_user_payload(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A create body with the required fields only."""
    n = next(_numbers)
    payload: dict[str, Any] = {"email": f"email-{n}@example.com", "name": f"name-{n}"}
    payload["password"] = f"password-{uuid.uuid4().hex}"  # write-only: never returned
    payload.update(overrides)
    return payload


async def create_user(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create a user through the API; its representation."""
    response = await client.post(COLLECTION, json=await user_payload(client, **overrides))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
