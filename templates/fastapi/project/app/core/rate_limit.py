"""Rate limits: fixed windows counted per client (and per identity for sign-in attempts).

The in-process counter bounds its memory; a shared store (Redis) can take its place so
that every replica of the service counts together.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request
from starlette.exceptions import HTTPException

from app.core.client import client_address

WINDOW_SECONDS = 60
DEFAULT_AUTH_LIMIT = 10


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
        # Drop finished windows first; if every key is live, drop the oldest ones.
        stale = [k for k, (w, _) in self._counts.items() if w != current]
        for key in stale:
            del self._counts[key]
        while len(self._counts) >= self.max_keys:
            del self._counts[next(iter(self._counts))]


Hit = Callable[[str, int, int], Awaitable[Decision]]

_local = MemoryLimiter()


async def _local_hit(key: str, limit: int, window: int) -> Decision:
    return _local.hit(key, limit, window)


def limiter_of(request: Request) -> Hit:
    """The app's counter (shared when configured), else this process's."""
    hit: Hit | None = getattr(request.app.state, "rate_limit_hit", None)
    return hit or _local_hit


def too_many_requests(decision: Decision) -> HTTPException:
    """The 429, with Retry-After; the error handlers give it the error envelope."""
    return HTTPException(
        429,
        "Too many requests; try again later",
        headers={
            "Retry-After": str(decision.reset_seconds),
            "RateLimit-Limit": str(decision.limit),
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(decision.reset_seconds),
        },
    )


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
