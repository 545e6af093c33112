"""Rate limits: sliding one-minute windows counted per client, and per account for sign-ins.

A window is SLOTS sub-windows; a request passes while the requests counted in the current
sub-window and the SLOTS before it (which cover every minute that ends now) stay under the
limit. So no 60-second span ever holds more than the limit, wherever it starts, and a client
cannot send the limit twice across a minute boundary. The price is being held back at most
one sub-window (6 s) longer than an exact log of every request would, for SLOTS + 1 counters
per client instead of one timestamp per request.

With REDIS_URL every replica counts in Redis (one atomic script per request); without it,
or while Redis is down, each process counts for itself in a bounded dictionary. Health and
metrics endpoints are never limited: probes and scrapers poll them. The time comes from an
injected clock (wall-clock seconds by default), so tests step it across window edges.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.client import client_address
from app.core.concurrency import InFlight
from app.core.errors import error_response
from app.core.shared_store import SharedStore

WINDOW_SECONDS = 60
SLOTS = 10
DEFAULT_AUTH_LIMIT = 10
UNLIMITED_PATHS = ("/health", "/ready", "/metrics")
Clock = Callable[[], float]
# One hash per client, sub-window number -> count; read, pruned and counted in one step, so
# replicas never both take the last request of a window. Returns [allowed, slot, count, ...].
_SLIDING_HIT = """
local current = tonumber(ARGV[1])
local oldest = current - tonumber(ARGV[2])
local fields = redis.call('HGETALL', KEYS[1])
local total = 0
local counted = {0}
for i = 1, #fields, 2 do
  local slot = tonumber(fields[i])
  if slot < oldest then
    redis.call('HDEL', KEYS[1], fields[i])
  else
    local count = tonumber(fields[i + 1])
    total = total + count
    counted[#counted + 1] = slot
    counted[#counted + 1] = count
  end
end
if total < tonumber(ARGV[3]) then
  counted[1] = 1
  redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return counted
"""


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of counting one request against a limit."""

    allowed: bool
    limit: int
    remaining: int
    # Whole seconds until the next request would pass (0 while some remain).
    retry_after: int


def seconds_until_allowed(
    counts: Iterable[tuple[int, int]], total: int, limit: int, width: float, now: float
) -> int:
    """When one more request fits: COUNTS are (sub-window, requests), oldest first.

    A sub-window stops counting once SLOTS newer ones have begun.
    """
    excess = total - limit + 1
    for slot, count in counts:
        excess -= count
        if excess <= 0:
            return max(1, math.ceil((slot + SLOTS + 1) * width - now))
    return 1


def decide(
    counts: Iterable[tuple[int, int]],
    total: int,
    limit: int,
    allowed: bool,
    width: float,
    now: float,
) -> Decision:
    """The decision once TOTAL requests (this one included when ALLOWED) are counted."""
    remaining = max(0, limit - total)
    if allowed and remaining:
        return Decision(True, limit, remaining, 0)
    return Decision(
        allowed, limit, remaining, seconds_until_allowed(counts, total, limit, width, now)
    )


class _Window:
    """One client's counts: a ring of SLOTS + 1 sub-windows ending at NEWEST."""

    __slots__ = ("counts", "newest")

    def __init__(self, newest: int) -> None:
        self.newest = newest
        self.counts = [0] * (SLOTS + 1)

    def advance(self, slot: int) -> None:
        """Make SLOT the newest sub-window, emptying the ones it reuses."""
        if slot <= self.newest:  # the same sub-window, or a clock that stepped back
            return
        ring = SLOTS + 1
        if slot - self.newest >= ring:
            self.counts = [0] * ring
        else:
            for passed in range(self.newest + 1, slot + 1):
                self.counts[passed % ring] = 0
        self.newest = slot

    def oldest_first(self) -> list[tuple[int, int]]:
        ring = SLOTS + 1
        return [(s, self.counts[s % ring]) for s in range(self.newest - SLOTS, self.newest + 1)]


class MemoryLimiter:
    """Sliding-window counters in this process, at most MAX_KEYS of them."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        # Insertion order is oldest first.
        self._windows: dict[str, _Window] = {}

    def __len__(self) -> int:
        return len(self._windows)

    def hit(self, key: str, limit: int, window: float, now: float) -> Decision:
        width = window / SLOTS
        slot = int(now // width)
        counted = self._windows.get(key)
        if counted is None:
            if len(self._windows) >= self.max_keys:
                self._evict(slot)
            counted = self._windows[key] = _Window(slot)
        else:
            counted.advance(slot)
        total = sum(counted.counts)
        allowed = total < limit
        if allowed:
            counted.counts[counted.newest % (SLOTS + 1)] += 1
            total += 1
            if total < limit:  # the common case: nothing else to work out
                return Decision(True, limit, limit - total, 0)
        return decide(counted.oldest_first(), total, limit, allowed, width, now)

    def _evict(self, slot: int) -> None:
        # Drop windows with nothing left in them first; if every key is live, drop the oldest
        # tenth at once, so that a flood of new clients costs one sweep per many keys.
        stale = [k for k, w in self._windows.items() if w.newest < slot - SLOTS]
        for key in stale:
            del self._windows[key]
        if len(self._windows) >= self.max_keys:
            for key in list(self._windows)[: max(1, self.max_keys // 10)]:
                del self._windows[key]


class Limiter:
    """Counts in the shared store when it is usable, in this process otherwise."""

    def __init__(
        self, store: SharedStore, local: MemoryLimiter | None = None, clock: Clock = time.time
    ) -> None:
        self.store = store
        self.local = local or MemoryLimiter()
        # Wall-clock seconds: replicas sharing Redis must agree on the time (NTP does).
        self.clock = clock
        self._script = store.client.register_script(_SLIDING_HIT) if store.client else None

    async def hit(self, key: str, limit: int, window: float = WINDOW_SECONDS) -> Decision:
        now = self.clock()
        if self._script is not None and self.store.usable:
            try:
                return await self._shared_hit(key, limit, window, now)
            except Exception as error:  # an outage must never fail the request
                self.store.failed(error)
        return self.local.hit(key, limit, window, now)

    async def _shared_hit(self, key: str, limit: int, window: float, now: float) -> Decision:
        assert self._script is not None
        width = window / SLOTS
        slot = int(now // width)
        expiry_ms = math.ceil((window + width) * 1000)
        reply = await self._script(
            keys=[self.store.key("rate", key)], args=[slot, SLOTS, limit, expiry_ms]
        )
        allowed = int(reply[0]) == 1
        counts = {int(reply[i]): int(reply[i + 1]) for i in range(1, len(reply), 2)}
        if allowed:
            counts[slot] = counts.get(slot, 0) + 1
        total = sum(counts.values())
        return decide(sorted(counts.items()), total, limit, allowed, width, now)


Hit = Callable[[str, int, float], Awaitable[Decision]]

_local = MemoryLimiter()


async def _local_hit(key: str, limit: int, window: float) -> Decision:
    return _local.hit(key, limit, window, time.time())


def limiter_of(request: Request) -> Hit:
    """The app's counter (shared when configured), else this process's."""
    limiter: Limiter | None = getattr(request.app.state, "rate_limiter", None)
    return limiter.hit if limiter is not None else _local_hit


TOO_MANY = "Too many requests; try again later"
TOO_MANY_AT_ONCE = "Too many requests at once from this client; retry when some have finished"


def _limit_headers(decision: Decision) -> dict[str, str]:
    return {
        "Retry-After": str(decision.retry_after),
        "RateLimit-Limit": str(decision.limit),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": str(decision.retry_after),
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
    """Answer 429 once a client passed PER_MINUTE requests in the last minute, or holds its
    share of IN_FLIGHT while the process is saturated (app.core.concurrency).

    The RateLimit-* headers go on the 429 only: adding them to every response would cost
    a send wrapper on the hot path.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: Limiter,
        per_minute: int,
        in_flight: InFlight | None = None,
        trusted_proxies: Sequence[str] = (),
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.per_minute = per_minute
        self.in_flight = in_flight
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED_PATHS):
            await self.app(scope, receive, send)
            return
        client = client_address(scope, self.trusted_proxies)
        if self.per_minute > 0:
            decision = await self.limiter.hit(f"api:{client}", self.per_minute, WINDOW_SECONDS)
            if not decision.allowed:
                headers = _limit_headers(decision)
                await error_response(429, "RATE_LIMITED", TOO_MANY, headers=headers)(
                    scope, receive, send
                )
                return
        in_flight = self.in_flight
        if in_flight is None:
            await self.app(scope, receive, send)
            return
        if not in_flight.enter(client):
            response = error_response(
                429, "RATE_LIMITED", TOO_MANY_AT_ONCE, headers={"Retry-After": "1"}
            )
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            in_flight.leave(client)
