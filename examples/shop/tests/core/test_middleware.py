"""Request ids, security headers and the body size limit."""

from __future__ import annotations

import time
import uuid

from httpx import AsyncClient

from app.core.ids import uuid7_text


async def test_request_id_is_generated_and_returned(client: AsyncClient) -> None:
    response = await client.get("/health")
    assert len(response.headers["x-request-id"]) >= 16


def test_generated_request_ids_are_uuid7_ordered_by_time() -> None:
    before = time.time_ns() // 1_000_000
    ids = [uuid7_text() for _ in range(100)]
    after = time.time_ns() // 1_000_000
    parsed = [uuid.UUID(text) for text in ids]
    assert [str(value) for value in parsed] == ids
    assert all(value.version == 7 and value.variant == uuid.RFC_4122 for value in parsed)
    assert all(before <= value.int >> 80 <= after for value in parsed)
    assert len(set(ids)) == 100


async def test_request_id_from_the_client_is_propagated(client: AsyncClient) -> None:
    response = await client.get("/no-such-page", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert response.json()["meta"]["requestId"] == "abc-123"


async def test_unsafe_request_id_is_replaced(client: AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert response.headers["x-request-id"] != "bad id\twith spaces"


async def test_security_headers_on_every_response(client: AsyncClient) -> None:
    for path in ("/health", "/no-such-page"):
        headers = (await client.get(path)).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "default-src 'none'" in headers["content-security-policy"]


async def test_declared_body_over_one_mebibyte_is_413(client: AsyncClient) -> None:
    response = await client.post("/health", content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_docs_are_served(client: AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert "ErrorEnvelope" in document["components"]["schemas"]
    for path in document["paths"].values():
        for operation in path.values():
            # Never FastAPI's validation body: invalid input is a 400 with the envelope.
            unprocessable = operation["responses"].get("422")
            assert unprocessable is None or "ErrorEnvelope" in str(unprocessable)
