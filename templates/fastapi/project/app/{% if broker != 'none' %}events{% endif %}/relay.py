"""The outbox relay: publishes committed outbox events, in order per aggregate.

Several relays can share one PostgreSQL outbox: each claims its batch ``FOR UPDATE SKIP
LOCKED`` and takes only the oldest pending event of each aggregate, so no two relays publish
events of one aggregate at once and each aggregate's events go out in commit order. On
PostgreSQL a relay wakes as soon as an outbox write commits (LISTEN/NOTIFY); on SQLite it
polls. Delivery is at least once: a relay that dies after publishing and before marking the
batch publishes it again, and consumers drop the repeat through their inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa

from app.core.database import Database
from app.core.types import utcnow
from app.events.broker import PUBLISH_CONCURRENCY
from app.events.models import OutboxEvent
from app.events.outbox import NOTIFY_CHANNEL

logger = logging.getLogger("app.events.relay")

Publish = Callable[[dict[str, Any]], Awaitable[None]]
_outbox = OutboxEvent.__table__
_earlier = _outbox.alias("earlier")
_PURGE_BATCH = 1000


def _claim_statement(batch_size: int) -> sa.Select[Any]:
    """The next batch: the oldest pending event of each aggregate whose earlier events are
    all published, locked (rows another relay holds are skipped)."""
    waiting_behind = sa.exists().where(
        _earlier.c.aggregate == _outbox.c.aggregate,
        _earlier.c.published_at.is_(None),
        _earlier.c.position < _outbox.c.position,
    )
    return (
        sa.select(_outbox.c.position, _outbox.c.envelope)
        .where(_outbox.c.published_at.is_(None), ~waiting_behind)
        .order_by(_outbox.c.position)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )


class Relay:
    """Moves events from the outbox to the broker."""

    def __init__(
        self,
        database: Database,
        publish: Publish,
        *,
        batch_size: int = 200,
        poll_seconds: float = 0.5,
        retention: dt.timedelta = dt.timedelta(days=7),
        publish_concurrency: int = PUBLISH_CONCURRENCY,
        gather_seconds: float = 0.01,
    ) -> None:
        self.database = database
        self.publish = publish
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.retention = retention
        self.publish_concurrency = publish_concurrency
        self.gather_seconds = gather_seconds
        self.published = 0
        self.last_backlog = 0
        self._claim = _claim_statement(batch_size)
        self._wake = asyncio.Event()

    async def publish_pending(self) -> int:
        """Publish one batch and mark it published; how many events it held."""
        async with self.database.engine.begin() as connection:
            rows = (await connection.execute(self._claim)).all()
            # A batch holds one event per aggregate, so its events may go out together (up to
            # the broker client's limit): the broker's confirmations then overlap instead of
            # adding up (a broker confirms a persistent message once it is on disk).
            for start in range(0, len(rows), self.publish_concurrency):
                chunk = rows[start : start + self.publish_concurrency]
                await asyncio.gather(*(self.publish(row.envelope) for row in chunk))
            if rows:
                positions = [row.position for row in rows]
                await connection.execute(
                    sa.update(OutboxEvent)
                    .where(_outbox.c.position.in_(positions))
                    .values(published_at=utcnow())
                )
        self.published += len(rows)
        return len(rows)

    async def drain(self) -> int:
        """Publish until nothing is pending; how many events went out."""
        total = 0
        while count := await self.publish_pending():
            total += count
        return total

    async def backlog(self) -> int:
        """How many events wait to be published."""
        async with self.database.read_engine.connect() as connection:
            query = sa.select(sa.func.count()).where(_outbox.c.published_at.is_(None))
            self.last_backlog = int(await connection.scalar(query) or 0)
        return self.last_backlog

    async def purge_published(self) -> int:
        """Delete events published longer ago than the retention; how many."""
        cutoff = utcnow() - self.retention
        # Rows are published roughly in position order, so the old ones are at the head of the
        # primary key: each statement reads only the oldest rows (no index on published_at).
        head = (
            sa.select(_outbox.c.position, _outbox.c.published_at)
            .order_by(_outbox.c.position)
            .limit(_PURGE_BATCH)
            .subquery()
        )
        statement = sa.delete(OutboxEvent).where(
            _outbox.c.position.in_(sa.select(head.c.position).where(head.c.published_at < cutoff))
        )
        total = 0
        while True:
            async with self.database.engine.begin() as connection:
                deleted = int((await connection.execute(statement)).rowcount or 0)
            total += deleted
            if not deleted:
                return total

    async def run(self) -> None:
        """Publish for ever: a batch is followed at once by the next, until one finds nothing;
        then the relay waits for a notification (PostgreSQL) or the poll interval."""
        listening = await self._listen()
        last_purge = last_count = 0.0
        published = self.batch_size
        loop = asyncio.get_running_loop()
        try:
            while True:
                if published < self.batch_size:
                    # Not a backlog: the commits of the next few milliseconds join this batch
                    # (under load, one claim, publish and mark for many events, not for each).
                    await asyncio.sleep(self.gather_seconds)
                # Cleared before the batch is claimed: a commit during the batch wakes the
                # relay again at once.
                self._wake.clear()
                try:
                    published = await self.publish_pending()
                    if loop.time() - last_count > 5:
                        last_count = loop.time()
                        self.last_backlog = await self.backlog()
                    if loop.time() - last_purge > 60:
                        last_purge = loop.time()
                        await self.purge_published()
                    if published:
                        # More may be claimable now: the next event of each aggregate just
                        # published, and what committed meanwhile.
                        continue
                except Exception:
                    # The broker or the database is away: the events wait in the outbox.
                    logger.warning("outbox relay: publishing failed; retrying", exc_info=True)
                    published = 0
                    await asyncio.sleep(self.poll_seconds)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
        finally:
            if listening is not None:
                await listening.close()

    async def _listen(self) -> Any:
        """On PostgreSQL, a connection that wakes the relay on each outbox commit."""
        url = self.database.engine.url
        if url.get_backend_name() != "postgresql":
            return None
        import asyncpg

        try:
            connection = await asyncpg.connect(
                url.set(drivername="postgresql").render_as_string(hide_password=False)
            )
            await connection.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())
        except Exception:
            logger.warning("outbox relay: LISTEN failed; polling instead", exc_info=True)
            return None
        return connection
