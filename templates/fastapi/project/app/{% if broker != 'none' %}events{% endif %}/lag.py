"""Consumer lag: how many events of each subscription wait at the broker, counted by the
worker every CONSUMER_LAG_SECONDS and exported as ``events_consumer_lag{type=...}``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from app.events.broker import Backlog

logger = logging.getLogger("app.events.lag")


class LagMonitor(Collector):
    """Counts the backlog of GROUP's subscriptions to EVENT_TYPES; a scrape reads the last
    counts (a type whose count failed is left out rather than reported stale)."""

    def __init__(self, backlog: Backlog, group: str, event_types: list[str]) -> None:
        self.backlog = backlog
        self.group = group
        self.event_types = event_types
        self.lag: dict[str, int] = {}

    async def count(self) -> None:
        """Count every subscription's backlog once."""
        for event_type in self.event_types:
            try:
                self.lag[event_type] = await self.backlog.pending(self.group, event_type)
            except LookupError as exc:
                # The broker cannot count this one (yet): left out, the connection is fine.
                self.lag.pop(event_type, None)
                logger.info("consumer lag of %s unknown: %s", event_type, exc)
            except Exception as exc:
                # E.g. the queue is not declared yet; a fresh connection tries next time.
                self.lag.pop(event_type, None)
                logger.warning("consumer lag of %s unknown: %r", event_type, exc)
                await self.backlog.close()

    async def run(self, interval: float) -> None:
        """Count every INTERVAL seconds until cancelled."""
        try:
            while True:
                await self.count()
                await asyncio.sleep(interval)
        finally:
            await self.backlog.close()

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "events_consumer_lag",
            "Events waiting at the broker for this service's consumers, by type",
            labels=["type"],
        )
        for event_type, value in sorted(self.lag.items()):
            family.add_metric([event_type], value)
        yield family
