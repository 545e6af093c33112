"""Structured JSON logs: one line per event, one line per request."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any

from starlette.types import Scope

from app.core.request_id import current_request_id

_access = logging.getLogger("app.access")


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        line = getattr(record, "json_line", None)
        if isinstance(line, str):
            return line
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
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


def configure_logging(level: str) -> None:
    """Send the service's logs to stdout as JSON lines."""
    # The JSON lines never show the caller, thread or process: skip computing them for every
    # record (the logging HOWTO's "Optimization"); on the access log this is per request.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("app")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def log_request(scope: Scope, route: str, status: int, seconds: float, request_id: str) -> None:
    """The access log line; skipped cheaply when INFO is off.

    The path but never the query string or headers: those can carry tokens.
    """
    if not _access.isEnabledFor(logging.INFO):
        return
    line = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        "level": "info",
        "logger": _access.name,
        "message": "request",
        "requestId": request_id,
        "method": scope["method"],
        "route": route,
        "path": scope["path"],
        "status": status,
        "durationMs": round(seconds * 1000, 2),
    }
    # Rendered here, in one json.dumps, rather than field by field by the formatter.
    _access.info("request", extra={"json_line": json.dumps(line)})
