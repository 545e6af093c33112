"""Application errors and the handlers that give every error the same envelope."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic.alias_generators import to_camel
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    TimeoutError as PoolTimeoutError,
)
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, compile_path

from app.core.schemas import ErrorBody, ErrorDetail, ErrorEnvelope
from app.core.types import PATTERN_MESSAGES

logger = logging.getLogger("app.errors")

_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "UNPROCESSABLE",
    429: "RATE_LIMITED",
    503: "SERVICE_UNAVAILABLE",
}
_REQUEST_PARTS = frozenset({"body", "query", "path", "header", "cookie"})
# Which column a unique violation is about: SQLite names table.column, PostgreSQL the key.
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)")
_POSTGRES_KEY = re.compile(r"Key \(([^)]+)\)=")


class AppError(Exception):
    """An error the API reports to its client as is."""

    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "INTERNAL_ERROR"

    def __init__(self, message: str, details: Sequence[ErrorDetail] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)


class BadRequestError(AppError):
    """Input that passed the schema but still cannot be used (e.g. an unknown sort key)."""

    status_code = 400
    code = "VALIDATION_ERROR"


class NotFoundError(AppError):
    status_code = 404
    code = "NOT_FOUND"


class ConflictError(AppError):
    status_code = 409
    code = "CONFLICT"


class BusinessRuleError(AppError):
    """A well-formed request that the rules of the domain do not allow."""

    status_code = 422
    code = "UNPROCESSABLE"


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: Sequence[ErrorDetail] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The error envelope as a response."""
    body = ErrorEnvelope(error=ErrorBody(code=code, message=message, details=list(details)))
    return JSONResponse(
        body.model_dump(mode="json", by_alias=True), status_code=status_code, headers=headers
    )


def _field_name(loc: Sequence[int | str]) -> str:
    parts = list(loc)
    where = str(parts.pop(0)) if parts and parts[0] in _REQUEST_PARTS else ""
    if not parts:
        return where or "request"
    return ".".join(str(p) for p in parts)


async def _app_error(_: Request, exc: AppError) -> JSONResponse:
    return error_response(exc.status_code, exc.code, exc.message, exc.details)


def _message(error: Mapping[str, Any]) -> str:
    if error.get("type") == "string_pattern_mismatch":
        pattern = str((error.get("ctx") or {}).get("pattern", ""))
        return PATTERN_MESSAGES.get(pattern, "has an invalid format")
    return str(error.get("msg", ""))


async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    details = [
        ErrorDetail(field=_field_name(error.get("loc", ())), message=_message(error))
        for error in exc.errors()
    ]
    return error_response(400, "VALIDATION_ERROR", "The request is not valid", details)


RouteMethods = list[tuple[re.Pattern[str], frozenset[str]]]


def route_methods(routes: Sequence[BaseRoute]) -> RouteMethods:
    """Each route's path pattern and methods, for the Allow header of a 405."""
    index: RouteMethods = []
    for route in routes:
        methods = getattr(route, "methods", None)
        path = getattr(route, "path", None)
        if methods and isinstance(path, str):
            index.append((compile_path(path)[0], frozenset(methods)))
    return index


def _allow_header(request: Request) -> str | None:
    # The framework names the methods of one route; a path can have several (GET and POST).
    index: RouteMethods = getattr(request.app.state, "route_methods", [])
    methods = {m for pattern, ms in index if pattern.match(request.url.path) for m in ms}
    return ", ".join(sorted(methods)) or None


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    code = _HTTP_CODES.get(exc.status_code, "HTTP_ERROR")
    message = exc.detail if isinstance(exc.detail, str) else "The request failed"
    headers = dict(exc.headers or {})
    if exc.status_code == 405 and (allow := _allow_header(request)):
        headers["Allow"] = allow
    return error_response(exc.status_code, code, message, headers=headers)


def _conflicting_fields(exc: IntegrityError) -> list[str]:
    # asyncpg keeps "Key (column)=(value)" in the error's detail, not in its message.
    sources = (exc.orig, getattr(exc.orig, "__cause__", None))
    text = " ".join([str(exc.orig), *(str(getattr(s, "detail", "") or "") for s in sources)])
    if match := _SQLITE_UNIQUE.search(text):
        return [to_camel(column.rsplit(".", 1)[-1]) for column in match.group(1).split(", ")]
    if match := _POSTGRES_KEY.search(text):
        return [to_camel(column.strip()) for column in match.group(1).split(",")]
    return []


def _is_foreign_key_violation(exc: IntegrityError) -> bool:
    # SQLite: "FOREIGN KEY constraint failed"; PostgreSQL: "... violates foreign key constraint".
    return "foreign key" in str(exc.orig).lower()


async def _integrity_error(_: Request, exc: IntegrityError) -> JSONResponse:
    if _is_foreign_key_violation(exc):
        # A parent deleted under a child being written, or a delete the RESTRICT refused.
        logger.info("foreign key violation mapped to 409")
        return error_response(409, "CONFLICT", "The request conflicts with related data")
    fields = _conflicting_fields(exc)
    details = [ErrorDetail(field=field, message="already exists") for field in fields]
    logger.info("integrity error mapped to 409: %s", type(exc.orig).__name__)
    return error_response(409, "CONFLICT", "The request conflicts with existing data", details)


async def _dependency_down(_: Request, exc: Exception) -> JSONResponse:
    # The database refused, dropped the connection or timed out: a 503 the client may retry.
    logger.warning("dependency unavailable: %s", type(exc).__name__)
    return error_response(
        503,
        "SERVICE_UNAVAILABLE",
        "A service this request needs is unavailable; try again shortly",
        headers={"Retry-After": "1"},
    )


# SQLSTATEs of a database that cannot be used at all (class 08: connection exceptions; no
# such database; login refused; starting up or shutting down; too many connections).
_UNAVAILABLE_STATES = frozenset({"3D000", "28000", "28P01", "57P01", "57P02", "57P03", "53300"})


def _database_unavailable(exc: DBAPIError) -> bool:
    state = str(getattr(exc.orig, "sqlstate", None) or "")
    return state.startswith("08") or state in _UNAVAILABLE_STATES


async def _row_gone(_: Request, exc: Exception) -> JSONResponse:
    # The row was deleted between this request's read and its write (a PATCH racing a
    # DELETE): the UPDATE matched nothing. What the client asked to change no longer exists.
    logger.info("row deleted during the request: %s", type(exc).__name__)
    return error_response(404, "NOT_FOUND", "The resource no longer exists")


async def _database_error(request: Request, exc: DBAPIError) -> JSONResponse:
    if (
        exc.connection_invalidated
        or isinstance(exc, OperationalError | InterfaceError)
        or _database_unavailable(exc)
    ):
        return await _dependency_down(request, exc)
    logger.error("database error", exc_info=exc)
    return error_response(500, "INTERNAL_ERROR", "An unexpected error occurred")


def register_error_handlers(app: FastAPI) -> None:
    """Route every error, framework-raised ones included, to the error envelope."""
    # Starlette types handlers as taking any Exception; each one here takes its own class.
    handlers: dict[type[Exception], Any] = {
        AppError: _app_error,
        RequestValidationError: _validation_error,
        HTTPException: _http_error,
        IntegrityError: _integrity_error,
        DBAPIError: _database_error,
        StaleDataError: _row_gone,
        ObjectDeletedError: _row_gone,
        # A pool that waited too long, a refused or timed-out connection.
        PoolTimeoutError: _dependency_down,
        TimeoutError: _dependency_down,
        ConnectionError: _dependency_down,
    }
    for exc_class, handler in handlers.items():
        app.add_exception_handler(exc_class, handler)
