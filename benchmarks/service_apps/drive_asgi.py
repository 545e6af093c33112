"""Drive an ASGI app in-process: the requests whose instructions benchmarks/instructions.py counts.

Run from a generated project's directory (``service``) or this one (``raw``):
    python drive_asgi.py service|raw get|list REQUESTS DATABASE_URL IDS_FILE

A warm-up round runs first; the measured round runs inside ``sys.call_tracing``, which is
what callgrind's ``--toggle-collect=_PyEval_CallTracing`` counts: imports, start-up and the
warm-up are left out. 8 coroutines share the requests, as 8 connections would.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

os.environ.setdefault("APP_ENV", "test")
kind, case, requests, url, ids_file = sys.argv[1:6]
ids: list[str] = json.loads(open(ids_file).read())  # noqa: SIM115
CONCURRENCY = 8


def build() -> tuple[Any, Any]:
    """The app, and a coroutine function that closes its connections."""
    if kind == "raw":
        os.environ["DATABASE_URL"] = url
        import raw_asgi

        async def close_raw() -> None:
            await raw_asgi._pool.close()
            raw_asgi._pool = None

        return raw_asgi.app, close_raw
    import logging

    from app.core.config import Settings
    from app.main import create_app

    # The whole stack as served: access log on (to a null device), metrics on.
    settings = Settings(database_url=url, db_pool_size=CONCURRENCY, log_level="INFO")
    app = create_app(settings)
    logging.getLogger("app").handlers[0].setStream(open(os.devnull, "w"))  # noqa: SIM115
    return app, app.state.database.dispose


app, close = build()


async def one(path: str, query: bytes) -> None:
    scope = {
        "type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
        "query_string": query, "headers": [(b"host", b"127.0.0.1")], "scheme": "http",
        "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1), "http_version": "1.1",
        "root_path": "", "asgi": {"version": "3.0"},
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise RuntimeError(f"{path}: {message['status']}")

    await app(scope, receive, send)


async def drive(count: int) -> None:
    if kind == "raw":
        import asyncpg
        import raw_asgi

        if raw_asgi._pool is None:
            dsn = url.replace("postgresql+asyncpg://", "postgresql://")
            raw_asgi._pool = await asyncpg.create_pool(dsn, min_size=8, max_size=8)

    async def worker(offset: int) -> None:
        for number in range(count // CONCURRENCY):
            if case == "get":
                await one("/api/v1/products/" + ids[(number * 7919 + offset) % len(ids)], b"")
            else:
                await one("/api/v1/products", b"page=%d" % (1 + number % 50))

    await asyncio.gather(*(worker(offset) for offset in range(CONCURRENCY)))
    await close()


def main() -> None:
    import uvloop

    uvloop.run(drive(200))
    sys.call_tracing(uvloop.run, (drive(int(requests)),))


main()
