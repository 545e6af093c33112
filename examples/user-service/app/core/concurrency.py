"""A bound on each client's requests in flight, applied when this process is saturated.

The per-minute limit bounds how many requests a client sends, not how many run at once: two
hundred list requests sent together would take every database connection of the pool, and
every other client would wait behind them until the pool timeout answered 503. So once this
process has as many requests in flight as its pool has connections, a client that already
holds its share (half the pool by default) is answered 429 at once, before it costs a
connection, while other clients still get in. Below saturation nobody is turned away: one
client may use an idle service as hard as it likes. Counted per process, like the pool.
"""

from __future__ import annotations

from app.core.config import Settings


class InFlight:
    """Requests in flight in this process, per client."""

    def __init__(self, *, capacity: int, per_client: int) -> None:
        self.capacity = capacity
        self.per_client = per_client
        self.total = 0
        self.by_client: dict[str, int] = {}

    def enter(self, client: str) -> bool:
        """Count a request of CLIENT in; False (not counted) when it must be shed."""
        held = self.by_client.get(client, 0)
        if self.total >= self.capacity and held >= self.per_client:
            return False
        self.by_client[client] = held + 1
        self.total += 1
        return True

    def leave(self, client: str) -> None:
        """Count a request of CLIENT out (after enter answered True)."""
        self.total -= 1
        held = self.by_client[client] - 1
        if held:
            self.by_client[client] = held
        else:
            del self.by_client[client]


def in_flight_bound(settings: Settings) -> InFlight | None:
    """The bound SETTINGS ask for; None when REQUESTS_IN_FLIGHT_PER_CLIENT is 0."""
    per_client = settings.requests_in_flight_per_client
    if per_client is None:
        per_client = max(1, settings.db_pool_size // 2)
    if per_client == 0:
        return None
    return InFlight(capacity=settings.db_pool_size, per_client=per_client)
