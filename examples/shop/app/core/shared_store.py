"""The Redis that every replica shares for rate limits and idempotency keys.

Its users fall back to per-process state when it is unset, down or slow: every call is
bounded by a short timeout, and after a failure Redis is skipped for RETRY_AFTER seconds so
that an outage costs one timeout per worker, not one per request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

logger = logging.getLogger("app.shared_store")

TIMEOUT_SECONDS = 0.25
RETRY_AFTER_SECONDS = 5.0


class SharedStore:
    """A Redis client (or none) and whether it is worth asking right now."""

    def __init__(self, client: Any | None, namespace: str) -> None:
        self.client = client
        self.namespace = namespace
        self._skip_until = 0.0

    @property
    def usable(self) -> bool:
        return self.client is not None and time.monotonic() >= self._skip_until

    def key(self, *parts: str) -> str:
        return ":".join((self.namespace, *parts))

    def failed(self, error: Exception) -> None:
        """Note an outage: the callers use their in-process fallback for a while."""
        if time.monotonic() >= self._skip_until:
            logger.warning("shared store unavailable, using in-process state: %r", error)
        self._skip_until = time.monotonic() + RETRY_AFTER_SECONDS

    async def ping(self) -> None:
        """Raise unless Redis answers (for readiness; asked even while skipped)."""
        if self.client is None:
            return
        await self.client.ping()
        self._skip_until = 0.0

    async def close(self) -> None:
        if self.client is not None:
            await self.client.aclose()


def shared_store(url: str, namespace: str) -> SharedStore:
    """The store for URL (a redis:// URL), or one that is never usable when URL is empty."""
    if not url:
        return SharedStore(None, namespace)
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    client = Redis.from_url(
        url,
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
        retry_on_timeout=False,
        max_connections=64,
    )
    return SharedStore(client, namespace)
