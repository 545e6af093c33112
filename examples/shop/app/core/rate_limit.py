"""Rate limits: fixed one-minute windows counted per client, and per account for sign-ins.

With REDIS_URL every replica counts in Redis (one atomic script per request); without it,
or while Redis is down, each process counts for itself in a bounded dictionary. Health and
metrics endpoints are never limited: probes and scrapers poll them.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.client import client_address
from app.core.errors import error_response
from app.core.shared_store import SharedStore

WINDOW_SECONDS = 60
DEFAULT_AUTH_LIMIT = 10
UNLIMITED_PATHS = ("/health", "/ready", "/metrics")
# INCR and EXPIRE in one step: a crash between them can never leave a counter without expiry.
_INCREMENT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of counting one request against a limit."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int


class MemoryLimiter:
    """Fixed-window counters in this process, at most MAX_KEYS of them."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        # key -> (window number, count); insertion order is oldest first.
        self._counts: dict[str, tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self._counts)

    def hit(self, key: str, limit: int, window: int = WINDOW_SECONDS) -> Decision:
        now = time.time()
        current = int(now // window)
        seen_window, count = self._counts.get(key, (current, 0))
        count = count + 1 if seen_window == current else 1
        if key not in self._counts and len(self._counts) >= self.max_keys:
            self._evict(current)
        self._counts[key] = (current, count)
        reset = max(1, math.ceil((current + 1) * window - now))
        return Decision(count <= limit, limit, max(0, limit - count), reset)

    def _evict(self, current: int) -> None:
        # Drop finished windows first; if every key is live, drop the oldest tenth at once,
        # so that a flood of new clients costs one sweep per many keys, not one per key.
        stale = [k for k, (w, _) in self._counts.items() if w != current]
        for key in stale:
            del self._counts[key]
        if len(self._counts) >= self.max_keys:
            for key in list(self._counts)[: max(1, self.max_keys // 10)]:
                del self._counts[key]


class Limiter:
    """Counts in the shared store when it is usable, in this process otherwise."""

    def __init__(self, store: SharedStore, local: MemoryLimiter | None = None) -> None:
        self.store = store
        self.local = local or MemoryLimiter()
        self._script = store.client.register_script(_INCREMENT) if store.client else None

    async def hit(self, key: str, limit: int, window: int = WINDOW_SECONDS) -> Decision:
        if self._script is not None and self.store.usable:
            try:
                return await self._shared_hit(key, limit, window)
            except Exception as error:  # an outage must never fail the request
                self.store.failed(error)
        return self.local.hit(key, limit, window)

    async def _shared_hit(self, key: str, limit: int, window: int) -> Decision:
        assert self._script is not None
        now = time.time()
        current = int(now // window)
        redis_key = self.store.key("rate", key, str(current))
        count = int(await self._script(keys=[redis_key], args=[window]))
        reset = max(1, math.ceil((current + 1) * window - now))
        return Decision(count <= limit, limit, max(0, limit - count), reset)


Hit = Callable[[str, int, int], Awaitable[Decision]]

_local = MemoryLimiter()


async def _local_hit(key: str, limit: int, window: int) -> Decision:
    return _local.hit(key, limit, window)


def limiter_of(request: Request) -> Hit:
    """The app's counter (shared when configured), else this process's."""
    limiter: Limiter | None = getattr(request.app.state, "rate_limiter", None)
    return limiter.hit if limiter is not None else _local_hit


TOO_MANY = "Too many requests; try again later"


def _limit_headers(decision: Decision) -> dict[str, str]:
    return {
        "Retry-After": str(decision.reset_seconds),
        "RateLimit-Limit": str(decision.limit),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": str(decision.reset_seconds),
    }


def too_many_requests(decision: Decision) -> HTTPException:
    """The 429, with Retry-After; the error handlers give it the error envelope."""
    return HTTPException(429, TOO_MANY, headers=_limit_headers(decision))


def _identity_key(identity: str) -> str:
    # Hashed: the counter keys never hold e-mail addresses or user names.
    return hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]


async def limit_auth_attempt(request: Request, identity: str) -> None:
    """Count a sign-in or refresh attempt for this client and IDENTITY; raise 429 past the limit."""
    settings = request.app.state.settings
    limit = getattr(settings, "auth_rate_limit_per_minute", DEFAULT_AUTH_LIMIT)
    if limit <= 0:
        return
    client = client_address(request.scope, getattr(settings, "trusted_proxies", ()))
    key = f"auth:{client}:{_identity_key(identity)}"
    decision = await limiter_of(request)(key, limit, WINDOW_SECONDS)
    if not decision.allowed:
        raise too_many_requests(decision)


class RateLimitMiddleware:
    """Answer 429 once a client passed PER_MINUTE requests in the current minute.

    The RateLimit-* headers go on the 429 only: adding them to every response would cost
    a send wrapper on the hot path.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: Limiter,
        per_minute: int,
        trusted_proxies: Sequence[str] = (),
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.per_minute = per_minute
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.per_minute <= 0
            or scope["path"].startswith(UNLIMITED_PATHS)
        ):
            await self.app(scope, receive, send)
            return
        client = client_address(scope, self.trusted_proxies)
        decision = await self.limiter.hit(f"api:{client}", self.per_minute, WINDOW_SECONDS)
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        response = error_response(429, "RATE_LIMITED", TOO_MANY, headers=_limit_headers(decision))
        await response(scope, receive, send)
