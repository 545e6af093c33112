"""Structured JSON logs: one line per event, one line per request."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from json.encoder import encode_basestring as _quoted
from typing import Any, TextIO, TypeGuard

from starlette.types import Scope

from app.core.request_id import current_request_id

_app = logging.getLogger("app")
_access = logging.getLogger("app.access")
# The handler configure_logging installed: access lines go to it directly while it is alone.
_default_handler: BatchingStreamHandler | None = None
# Under load, lines are written in batches: one write per FLUSH_SECONDS rather than one per
# request. Warnings and errors are written at once.
FLUSH_SECONDS = 0.2
_second = -1
_second_text = ""
# "000" to "999": a list lookup rather than a format spec, on every access line.
_THREE_DIGITS = [f"{n:03d}" for n in range(1000)]


def timestamp(milliseconds: int) -> str:
    """MILLISECONDS since the epoch as RFC 3339 UTC (``2026-01-01T12:00:00.123Z``)."""
    global _second, _second_text
    whole, fraction = divmod(milliseconds, 1000)
    if whole != _second:
        # Formatting the date costs more than the rest of an access line: once a second.
        _second_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
        _second = whole
    return _second_text + "." + _THREE_DIGITS[fraction] + "Z"


def milliseconds_text(seconds: float) -> str:
    """SECONDS as milliseconds to the microsecond (``12.345``), without float formatting."""
    whole, fraction = divmod(int(seconds * 1_000_000), 1000)
    return f"{whole}.{_THREE_DIGITS[fraction]}"


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        line = getattr(record, "json_line", None)
        if isinstance(line, str):
            return line
        entry: dict[str, Any] = {
            "time": timestamp(int(record.created * 1000)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["requestId"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class BatchingStreamHandler(logging.StreamHandler[TextIO]):
    """A StreamHandler that writes INFO lines in batches, within FLUSH_SECONDS.

    On an event loop, the first pending line schedules a flush FLUSH_SECONDS later, so a busy
    server makes one write per batch and an idle one still shows every line promptly.
    Warnings and above, and lines logged off the event loop, are written at once. Each write
    carries whole lines and at most BATCH_BYTES (PIPE_BUF), so the lines of several worker
    processes sharing one pipe never interleave mid-line, buffered stream or not
    (``PYTHONUNBUFFERED``).
    """

    BATCH_BYTES = 4096

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._pending: list[str] = []
        self._pending_bytes = 0
        self._flush_scheduled = False

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._add(self.format(record), urgent=record.levelno >= logging.WARNING)
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    def write_line(self, line: str) -> None:
        """Add LINE, already rendered, as an INFO line: the access log's way in."""
        with self.lock:  # type: ignore[union-attr]
            self._add(line, urgent=False)

    def _add(self, line: str, *, urgent: bool) -> None:
        line += self.terminator
        size = len(line)  # characters: a bound, not an exact byte count
        if self._pending_bytes + size > self.BATCH_BYTES:
            self._write_pending()
        self._pending.append(line)
        self._pending_bytes += size
        if urgent:
            self._write_pending()
        else:
            self._flush_soon()

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            self._write_pending()

    def _write_pending(self) -> None:
        if self._pending:
            self.stream.write("".join(self._pending))
            self._pending.clear()
            self._pending_bytes = 0
        if self.stream and hasattr(self.stream, "flush"):
            self.stream.flush()

    def _flush_soon(self) -> None:
        if self._flush_scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._write_pending()
            return
        self._flush_scheduled = True
        loop.call_later(FLUSH_SECONDS, self._scheduled_flush)

    def _scheduled_flush(self) -> None:
        self._flush_scheduled = False
        self.flush()


def configure_logging(level: str) -> None:
    """Send the service's logs to stdout as JSON lines."""
    # The JSON lines never show the caller, thread or process: skip computing them for every
    # record (the logging HOWTO's "Optimization"); on the access log this is per request.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    global _default_handler
    for previous in _app.handlers:
        previous.flush()  # its batch, before it is replaced
    handler = BatchingStreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    _app.handlers[:] = [handler]
    _app.setLevel(level)
    _app.propagate = False
    _default_handler = handler


def _straight_to(handler: BatchingStreamHandler | None) -> TypeGuard[BatchingStreamHandler]:
    """Whether access lines may skip the logging machinery and go to HANDLER directly.

    Only while the set-up is configure_logging's own: one handler, no filters. Any handler
    or filter added to ``app`` or ``app.access`` gets every line as a LogRecord again.
    """
    return (
        handler is not None
        and not _access.handlers
        and not _access.filters
        and not _app.filters
        and len(_app.handlers) == 1
        and _app.handlers[0] is handler
    )


def log_request(scope: Scope, route: str, status: int, seconds: float, request_id: str) -> None:
    """The access log line; skipped cheaply when INFO is off.

    The path but never the query string or headers: those can carry tokens.
    """
    if not _access.isEnabledFor(logging.INFO):
        return
    # Written out rather than json.dumps'd: this runs for every request. The request id is
    # already plain (request_id.py) and the route is a template of ours; the rest is quoted.
    line = (
        f'{{"time":"{timestamp(time.time_ns() // 1_000_000)}","level":"info","logger":"app.access",'
        f'"message":"request","requestId":"{request_id}","method":{_quoted(scope["method"])},'
        f'"route":{_quoted(route)},"path":{_quoted(scope["path"])},"status":{status},'
        f'"durationMs":{milliseconds_text(seconds)}}}'
    )
    handler = _default_handler
    if _straight_to(handler):
        # A LogRecord, its dispatch and its formatting cost more than the line itself.
        handler.write_line(line)
    else:
        _access.info("request", extra={"json_line": line})
