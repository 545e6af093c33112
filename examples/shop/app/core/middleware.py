"""Pure ASGI middleware: request ids, security headers, access log, metrics, body size limit.

Starlette's BaseHTTPMiddleware costs several times more per request; these do not.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.client import is_https
from app.core.errors import error_response
from app.core.logging import log_request
from app.core.request_id import HEADER, new_request_id, request_id_var

logger = logging.getLogger("app.errors")

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
# The API serves JSON only: nothing may load, nothing may frame it. Its answers hold tokens
# and account data: no browser or shared cache may keep them.
_API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
_NO_STORE = (b"cache-control", b"no-store")
# Swagger UI: its bundle and styles from the CDN FastAPI points at, one inline bootstrap
# script, the FastAPI favicon; it fetches the OpenAPI document from this origin.
_DOCS_CSP = (
    b"content-security-policy",
    b"default-src 'none'; "
    b"script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    b"img-src 'self' data: https://fastapi.tiangolo.com https://cdn.jsdelivr.net; "
    b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
)
_DOCS_PATHS = ("/docs", "/redoc")
# Sent only on responses to HTTPS requests: browsers ignore it over plain HTTP anyway.
_HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
# Precomputed once: [docs page][over https] -> the headers every such response gets.
_HEADERS_FOR = {
    (False, False): [*_SECURITY_HEADERS, _API_CSP, _NO_STORE],
    (False, True): [*_SECURITY_HEADERS, _API_CSP, _NO_STORE, _HSTS],
    (True, False): [*_SECURITY_HEADERS, _DOCS_CSP],
    (True, True): [*_SECURITY_HEADERS, _DOCS_CSP, _HSTS],
}
_HEADER_KEY = HEADER.lower().encode()
UNMATCHED_ROUTE = "unmatched"

# method, route template, status, seconds
Observer = Callable[[str, str, int, float], None]


def route_template(scope: Scope) -> str:
    """The matched route's template (``/api/v1/items/{id}``); never the raw path."""
    # path_format: the template without its convertors ({id:uuid} is {id}), as OpenAPI has it.
    path = getattr(scope.get("route"), "path_format", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


class RequestContextMiddleware:
    """Give each request an id, secure headers, one log line, a metric, a 500 on crashes.

    One layer does all of it: one clock read and one route lookup serve the log and the
    metrics, and every extra ASGI layer costs throughput.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        trusted_proxies: Sequence[str] = (),
        observe: Observer | None = None,
    ) -> None:
        self.app = app
        self.trusted_proxies = tuple(trusted_proxies)
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next(
            (v.decode("latin-1") for k, v in scope["headers"] if k == _HEADER_KEY), None
        )
        request_id = new_request_id(incoming)
        token = request_id_var.set(request_id)
        secure = _HEADERS_FOR[
            scope["path"].startswith(_DOCS_PATHS), is_https(scope, self.trusted_proxies)
        ]
        extra = [(_HEADER_KEY, request_id.encode()), *secure]
        status = 500
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        start = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            logger.exception("unhandled error")
            if started:
                raise
            # Never a stack trace to the client: the one envelope, with the request id.
            response = error_response(500, "INTERNAL_ERROR", "An unexpected error occurred")
            await response(scope, receive, send_with_headers)
        finally:
            seconds = time.perf_counter() - start
            route = route_template(scope)
            if self.observe is not None:
                self.observe(scope["method"], route, status, seconds)
            log_request(scope, route, status, seconds, request_id)
            request_id_var.reset(token)


class BodyTooLargeError(HTTPException):
    """Raised while reading a body past the limit; FastAPI passes HTTPExceptions through."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body exceeds {limit} bytes")


class BodySizeLimitMiddleware:
    """Refuse bodies over MAX_BYTES with 413, by declared length or while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            if started:
                raise
            await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413, "PAYLOAD_TOO_LARGE", f"The request body exceeds {self.max_bytes} bytes"
        )
        await response(scope, receive, send)
