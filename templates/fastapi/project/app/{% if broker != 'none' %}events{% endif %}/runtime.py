"""The events machinery of one process: a broker client, the relay, the consumers (and the
jobs, app/jobs/, which are consumers of the ``job.<name>`` events this service enqueues)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from app.core.config import Settings
from app.core.database import Database
from app.events.broker import create_broker, publish, subscribe
from app.events.consumers import Consumer, discover_handlers
from app.events.jobs import discover_jobs
from app.events.relay import Relay

logger = logging.getLogger("app.events")
BROKER_PING_SECONDS = 1.0


class EventRuntime:
    """Starts and stops the relay and the consumers a process runs."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.settings = settings
        self.broker = create_broker(settings)
        self.relay = Relay(
            database,
            self.publish,
            batch_size=settings.relay_batch_size,
            poll_seconds=settings.relay_poll_seconds,
            retention=dt.timedelta(hours=settings.outbox_retention_hours),
        )
        self.consumers = [
            Consumer(
                database,
                spec,
                max_attempts=settings.consumer_max_attempts,
                backoff_seconds=settings.consumer_backoff_seconds,
                batch_size=settings.consumer_batch_size,
            )
            for spec in [*discover_handlers(), *discover_jobs(settings.app_name)]
        ]
        self._tasks: list[asyncio.Task[None]] = []

    async def publish(self, envelope: dict[str, Any]) -> None:
        await publish(self.broker, envelope)

    def subscribe_consumers(self) -> None:
        """Subscribe every consumer (before the broker starts)."""
        for consumer in self.consumers:
            subscribe(self.broker, self.settings.app_name, consumer.spec.event_type, consumer)

    async def start(self, *, relay: bool, consume: bool) -> None:
        """Connect in the background (a broker that is down delays events, never the
        service), then run the relay and/or the consumers."""
        if not (relay or consume):
            return
        if consume:
            self.subscribe_consumers()
        self._tasks.append(asyncio.create_task(self._run(relay=relay)))

    async def _run(self, *, relay: bool) -> None:
        delay = 0.5
        while True:
            try:
                await self.broker.start()
                break
            except Exception as exc:
                logger.warning("broker unreachable (%r); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        if relay:
            await self.relay.run()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        for consumer in self.consumers:
            # Deliveries taken and not acknowledged come again (the inbox drops a repeat).
            await consumer.close()
        await self.broker.stop()

    async def ping(self) -> None:
        """Raise unless the broker answers."""
        if not await self.broker.ping(BROKER_PING_SECONDS):
            raise ConnectionError("the broker does not answer")
