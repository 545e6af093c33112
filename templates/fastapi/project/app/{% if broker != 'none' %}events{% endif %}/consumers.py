"""Consumers: each handler runs once per event (inbox), with retries, then a dead letter.

A handler is a module in ``app/consumers/`` (``backendkit add consumer TYPE`` writes one) with
``EVENT_TYPE``, optionally ``SOURCE``, and ``async def handle(event, connection)``. Its writes
on CONNECTION commit together with the event's inbox row: a redelivered event (the broker
delivers at least once) finds its row and has no second effect.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from app.core.database import Database
from app.core.request_id import request_id_var
from app.events.envelope import CloudEvent
from app.events.models import DeadLetter, InboxEvent

logger = logging.getLogger("app.events.consumers")

Handle = Callable[[CloudEvent, AsyncConnection], Awaitable[None]]
CONSUMERS_PACKAGE = "app.consumers"


@dataclass(frozen=True)
class HandlerSpec:
    """One handler module: the event type it takes, from which source (None: any)."""

    event_type: str
    source: str | None
    handle: Handle


def package_modules(package: str) -> list[ModuleType]:
    """The modules of PACKAGE, in name order (none when it does not exist)."""
    try:
        root = importlib.import_module(package)
    except ModuleNotFoundError:
        return []
    names = sorted(info.name for info in pkgutil.iter_modules(root.__path__))
    return [importlib.import_module(f"{package}.{name}") for name in names]


def discover_handlers(package: str = CONSUMERS_PACKAGE) -> list[HandlerSpec]:
    """The handler modules of PACKAGE (none when it does not exist)."""
    specs: list[HandlerSpec] = []
    for module in package_modules(package):
        event_type = getattr(module, "EVENT_TYPE", None)
        if isinstance(event_type, str):
            specs.append(HandlerSpec(event_type, getattr(module, "SOURCE", None), module.handle))
    return specs


def _insert_ignoring_repeats(connection: AsyncConnection) -> Any:
    table = InboxEvent.__table__
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=["event_id"])


Ack = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Delivery:
    """One message from the broker: its body, and how to acknowledge it or give it back."""

    envelope: dict[str, Any]
    ack: Ack
    nack: Ack


class Consumer:
    """Runs one handler for each event delivered to it, idempotently.

    Deliveries queue up and are handled in batches: each batch in one transaction (one inbox
    insert for all its events, then the handler for each new one, in delivery order), and
    acknowledged once that transaction has committed. When a handler raises, the batch rolls
    back and its events are handled one by one, each with its retries.
    """

    def __init__(
        self,
        database: Database,
        spec: HandlerSpec,
        *,
        max_attempts: int = 5,
        backoff_seconds: float = 0.1,
        batch_size: int = 100,
    ) -> None:
        self.database = database
        self.spec = spec
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.batch_size = batch_size
        self.handled = 0
        self.repeats = 0
        self.retried = 0
        self.dead_lettered = 0
        self._queue: asyncio.Queue[Delivery] | None = None
        self._worker: asyncio.Task[None] | None = None

    async def take(self, delivery: Delivery) -> None:
        """Queue a delivery for the next batch; waits while the queue is full, so the broker
        holds what this process cannot handle yet."""
        if self._queue is None:
            self._queue = asyncio.Queue(maxsize=2 * self.batch_size)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(self._queue))
        await self._queue.put(delivery)

    async def join(self) -> None:
        """Wait until every delivery taken so far is handled and acknowledged."""
        if self._queue is not None:
            await self._queue.join()

    async def close(self) -> None:
        """Stop taking batches (deliveries not acknowledged come again from the broker)."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        self._queue = None

    async def _work(self, queue: asyncio.Queue[Delivery]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < self.batch_size and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                await self.handle_batch([delivery.envelope for delivery in batch])
            except Exception:
                # The database is away: the broker delivers the batch again.
                logger.warning("a batch of %d events failed; returned", len(batch), exc_info=True)
                await asyncio.sleep(self.backoff_seconds)
                settle = [delivery.nack for delivery in batch]
            else:
                settle = [delivery.ack for delivery in batch]
            for done in settle:
                try:
                    await done()
                except Exception:  # the connection is gone: the broker delivers it again
                    logger.warning("acknowledgement failed", exc_info=True)
            for _ in batch:
                queue.task_done()

    async def __call__(self, envelope: dict[str, Any]) -> None:
        """Take one delivery: handle it (retrying), or keep it as a dead letter. Returns
        normally either way, so the broker moves on: a poison message never blocks the queue."""
        await self.handle_batch([envelope])

    async def handle_batch(self, envelopes: list[dict[str, Any]]) -> None:
        """Handle ENVELOPES in order: together in one transaction, or, when a handler raises,
        one by one with retries and dead letters."""
        events: list[tuple[CloudEvent, dict[str, Any]]] = []
        for envelope in envelopes:
            try:
                event = CloudEvent.model_validate(envelope)
            except ValidationError as exc:
                await self._dead_letter(envelope, f"not a CloudEvent: {exc}", attempts=1)
                continue
            if self.spec.source is None or event.source == self.spec.source:
                events.append((event, envelope))
        if len(events) > 1:
            try:
                await self._process_together([event for event, _ in events])
                return
            except Exception:
                logger.info("a handler failed in a batch; handling its events one by one")
        for event, envelope in events:
            token = request_id_var.set(event.correlationid or event.id)
            try:
                await self._with_retries(event, envelope)
            finally:
                request_id_var.reset(token)

    async def _process_together(self, events: list[CloudEvent]) -> None:
        """EVENTS not handled before, in one transaction with their inbox rows."""
        rows = [{"event_id": e.id, "type": e.type, "source": e.source} for e in events]
        async with self.database.engine.begin() as connection:
            insert = _insert_ignoring_repeats(connection).values(rows)
            new = set((await connection.scalars(insert.returning(InboxEvent.event_id))).all())
            handled = 0
            for event in events:
                if event.id not in new:
                    continue
                new.discard(event.id)  # the same event twice in one batch: handled once
                token = request_id_var.set(event.correlationid or event.id)
                try:
                    await self.spec.handle(event, connection)
                finally:
                    request_id_var.reset(token)
                handled += 1
        self.handled += handled
        self.repeats += len(events) - handled

    async def _with_retries(self, event: CloudEvent, envelope: dict[str, Any]) -> None:
        for attempt in range(1, self.max_attempts + 1):
            try:
                await self.process(event)
                return
            except Exception as exc:
                if attempt == self.max_attempts:
                    logger.exception("event %s (%s) failed %d times", event.id, event.type, attempt)
                    await self._dead_letter(envelope, repr(exc), attempts=attempt)
                    return
                self.retried += 1
                await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))

    async def process(self, event: CloudEvent) -> bool:
        """Handle EVENT in one transaction with its inbox row; False when it was handled
        before (nothing done)."""
        async with self.database.engine.begin() as connection:
            inserted = await connection.execute(
                _insert_ignoring_repeats(connection),
                {"event_id": event.id, "type": event.type, "source": event.source},
            )
            if inserted.rowcount == 0:
                self.repeats += 1
                return False
            await self.spec.handle(event, connection)
        self.handled += 1
        return True

    async def _dead_letter(self, envelope: dict[str, Any], error: str, *, attempts: int) -> None:
        self.dead_lettered += 1
        event_id = str(envelope.get("id") or "")[:64] or "unknown"
        table = DeadLetter.__table__
        async with self.database.engine.begin() as connection:
            await connection.execute(sa.delete(DeadLetter).where(table.c.event_id == event_id))
            await connection.execute(
                sa.insert(DeadLetter),
                {
                    "event_id": event_id,
                    "type": str(envelope.get("type") or self.spec.event_type)[:200],
                    "envelope": envelope,
                    "error": error[:2000],
                    "attempts": attempts,
                },
            )


async def dead_letters(database: Database) -> list[dict[str, Any]]:
    """Every dead letter, oldest first."""
    table = DeadLetter.__table__
    async with database.read_engine.connect() as connection:
        rows = await connection.execute(sa.select(table).order_by(table.c.failed_at))
        return [row._asdict() for row in rows]


async def replay(
    database: Database, handlers: list[HandlerSpec], event_ids: list[str] | None = None
) -> tuple[int, int]:
    """Run dead letters (EVENT_IDS, or all) through their handlers again, once each; those
    handled leave the dead letters. How many were handled and how many failed again."""
    by_type = {spec.event_type: spec for spec in handlers}
    table = DeadLetter.__table__
    handled = failed = 0
    for letter in await dead_letters(database):
        if event_ids and letter["event_id"] not in event_ids:
            continue
        spec = by_type.get(letter["type"])
        try:
            if spec is None:
                raise LookupError(f"no handler for {letter['type']}")
            event = CloudEvent.model_validate(letter["envelope"])
            await Consumer(database, spec).process(event)
        except Exception as exc:
            failed += 1
            logger.warning("replay of %s failed: %r", letter["event_id"], exc)
            continue
        async with database.engine.begin() as connection:
            await connection.execute(
                sa.delete(DeadLetter).where(table.c.event_id == letter["event_id"])
            )
        handled += 1
    return handled, failed
