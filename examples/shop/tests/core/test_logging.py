"""One JSON access-log line per request, with the request id and the route template."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
from collections.abc import Iterator

import pytest
from httpx import AsyncClient

from app.core.logging import (
    FLUSH_SECONDS,
    BatchingStreamHandler,
    JsonFormatter,
    configure_logging,
    log_request,
    milliseconds_text,
    timestamp,
)


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
    assert dt.datetime.fromisoformat(entry["time"]).utcoffset() == dt.timedelta(0)
    # Neither the query string nor the headers are logged: they can carry secrets.
    assert all("s3cret" not in line and "Bearer" not in line for line in log_lines)


async def test_access_log_is_off_above_info(client: AsyncClient, log_lines: list[str]) -> None:
    logging.getLogger("app").setLevel(logging.WARNING)
    await client.get("/health")
    assert not [line for line in log_lines if '"app.access"' in line]


def test_timestamps_are_utc_with_milliseconds() -> None:
    assert timestamp(250) == "1970-01-01T00:00:00.250Z"
    assert timestamp(86_400_999) == "1970-01-02T00:00:00.999Z"


def test_durations_are_milliseconds_to_the_microsecond() -> None:
    assert milliseconds_text(0.0123456) == "12.345"
    assert milliseconds_text(0.000_007) == "0.007"
    assert milliseconds_text(2.5) == "2500.000"
    assert json.loads(milliseconds_text(0.0)) == 0


class _CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.flushes = 0

    def flush(self) -> None:
        self.flushes += 1
        super().flush()


async def test_info_lines_are_flushed_in_batches_and_warnings_at_once() -> None:
    stream = _CountingStream()
    handler = BatchingStreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("app.tests.batching")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info("one")
        logger.info("two")
        # Held back: one write serves the whole batch.
        assert stream.flushes == 0
        assert stream.getvalue() == ""
        await asyncio.sleep(FLUSH_SECONDS * 2)
        assert stream.flushes == 1
        assert len(stream.getvalue().splitlines()) == 2
        logger.warning("three")
        assert stream.flushes == 2
        assert len(stream.getvalue().splitlines()) == 3
    finally:
        logger.removeHandler(handler)


def test_lines_logged_off_the_event_loop_are_flushed_at_once() -> None:
    stream = _CountingStream()
    handler = BatchingStreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.handle(logging.makeLogRecord({"msg": "outside", "levelno": logging.INFO}))
    assert stream.flushes == 1


async def test_batches_are_whole_lines_of_at_most_one_pipe_write() -> None:
    stream = _CountingStream()
    writes: list[str] = []
    stream.write = writes.append  # type: ignore[method-assign,assignment]
    handler = BatchingStreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for number in range(200):
        line = f"line {number:04d} " + "x" * 90
        handler.emit(logging.makeLogRecord({"msg": line, "levelno": logging.INFO}))
    handler.flush()
    assert 1 < len(writes) < 200
    assert all(len(chunk) <= BatchingStreamHandler.BATCH_BYTES for chunk in writes)
    assert all(chunk.endswith("\n") for chunk in writes)
    assert len("".join(writes).splitlines()) == 200


def test_access_lines_reach_the_default_handler_and_any_added_one() -> None:
    app_logger = logging.getLogger("app")
    previous = (app_logger.handlers[:], app_logger.level)
    configure_logging("INFO")
    default = app_logger.handlers[0]
    assert isinstance(default, BatchingStreamHandler)
    stream = io.StringIO()
    default.setStream(stream)
    added = _Lines()
    scope = {"method": "GET", "path": "/things/1"}
    try:
        # Alone, the default handler gets the line without a LogRecord.
        log_request(scope, "/things/{id}", 200, 0.001, "direct-1")
        default.flush()
        assert json.loads(stream.getvalue())["requestId"] == "direct-1"
        # Another handler (here on app.access) gets every line through logging again.
        logging.getLogger("app.access").addHandler(added)
        log_request(scope, "/things/{id}", 200, 0.001, "logged-2")
        assert [json.loads(line)["requestId"] for line in added.lines] == ["logged-2"]
    finally:
        logging.getLogger("app.access").removeHandler(added)
        app_logger.handlers[:], level = previous
        app_logger.setLevel(level)
