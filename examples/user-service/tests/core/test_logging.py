"""One JSON access-log line per request, with the request id and the route template."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from httpx import AsyncClient

from app.core.logging import JsonFormatter


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    handler = _Lines()
    logger = logging.getLogger("app")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.setLevel(previous)
    logger.removeHandler(handler)


async def test_one_json_line_per_request(client: AsyncClient, log_lines: list[str]) -> None:
    response = await client.get(
        "/health?token=s3cret", headers={"X-Request-ID": "log-1", "Authorization": "Bearer s3"}
    )
    assert response.status_code == 200
    entries = [json.loads(line) for line in log_lines]
    access = [e for e in entries if e["logger"] == "app.access"]
    assert len(access) == 1
    entry = access[0]
    assert entry["requestId"] == "log-1"
    assert entry["method"] == "GET"
    assert entry["route"] == "/health"
    assert entry["status"] == 200
    assert entry["durationMs"] >= 0
    assert entry["level"] == "info"
    # Neither the query string nor the headers are logged: they can carry secrets.
    assert all("s3cret" not in line and "Bearer" not in line for line in log_lines)


async def test_access_log_is_off_above_info(client: AsyncClient, log_lines: list[str]) -> None:
    logging.getLogger("app").setLevel(logging.WARNING)
    await client.get("/health")
    assert not [line for line in log_lines if '"app.access"' in line]
