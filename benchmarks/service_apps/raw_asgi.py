"""The ceiling: GET /api/v1/products/{id} as a raw ASGI app on a raw asyncpg pool.

No framework, no ORM, no middleware: one prepared query and ``json.dumps``. The benchmark
runs it under the same server and workers as the generated service.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from typing import Any

import asyncpg

_QUERY = "SELECT id, name, sku, price, created_at, updated_at FROM products WHERE id = $1"
_pool: Any = None


def _encode(row: Any) -> bytes:
    data = {
        "id": str(row["id"]),
        "name": row["name"],
        "sku": row["sku"],
        "price": str(row["price"]),
        "createdAt": row["created_at"].isoformat(),
        "updatedAt": row["updated_at"].isoformat(),
    }
    meta = {"timestamp": dt.datetime.now(dt.UTC).isoformat(), "requestId": str(uuid.uuid4())}
    return json.dumps({"data": data, "meta": meta}).encode()


async def _send(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def app(scope: Any, receive: Any, send: Any) -> None:
    global _pool
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                dsn = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
                size = int(os.environ.get("DB_POOL_SIZE", "8"))
                _pool = await asyncpg.create_pool(dsn, min_size=size, max_size=size)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await _pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    path: str = scope["path"]
    if path == "/health":
        await _send(send, 200, b'{"status":"pass"}')
        return
    try:
        id = uuid.UUID(path.rsplit("/", 1)[-1])
    except ValueError:
        await _send(send, 400, b'{"error":"bad id"}')
        return
    async with _pool.acquire() as connection:
        row = await connection.fetchrow(_QUERY, id)
    if row is None:
        await _send(send, 404, b'{"error":"not found"}')
        return
    await _send(send, 200, _encode(row))
