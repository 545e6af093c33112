"""The transactional outbox: an event row written on the connection of the change itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from app.core.repository import RowEvents
from app.core.request_id import current_request_id
from app.events.envelope import CloudEvent
from app.events.models import OutboxEvent

# PostgreSQL wakes the relays through this channel when an outbox write commits.
NOTIFY_CHANNEL = "outbox_events"
_COLUMNS = ("event_id", "aggregate", "type", "envelope")
_INSERT = sa.insert(OutboxEvent)
# On PostgreSQL the insert and the notification are one statement (one round trip).
_INSERT_AND_NOTIFY = sa.select(sa.func.pg_notify(NOTIFY_CHANNEL, "")).select_from(
    sa.insert(OutboxEvent)
    .values({name: sa.bindparam(name) for name in _COLUMNS})
    .returning(OutboxEvent.position)
    .cte("written")
)


class _Source:
    name = "app"


_source = _Source()


def use_source(name: str) -> None:
    """Name this service in the events it publishes (CloudEvents ``source``)."""
    _source.name = name


async def add_to_outbox(connection: AsyncConnection, event: CloudEvent, aggregate: str) -> None:
    """Write EVENT to the outbox on CONNECTION: it is published once that transaction commits,
    and never when it rolls back."""
    values = {
        "event_id": event.id,
        "aggregate": aggregate,
        "type": event.type,
        "envelope": event.to_json(),
    }
    if connection.dialect.name == "postgresql":
        # The notification is delivered at commit, not before; several in one transaction
        # are delivered once.
        await connection.execute(_INSERT_AND_NOTIFY, values)
    else:
        await connection.execute(_INSERT, values)


def new_event(type: str, data: Mapping[str, Any], *, subject: str | None = None) -> CloudEvent:
    """An event of this service, carrying the current request's id as its correlation id."""
    return CloudEvent(
        source=_source.name,
        type=type,
        subject=subject,
        data=dict(data),
        correlationid=current_request_id() or None,
    )


# The resources whose writes publish events, with their data's model (the AsyncAPI document).
_published: dict[str, type[BaseModel]] = {}


def published_events() -> dict[str, type[BaseModel]]:
    """The resources whose repositories were imported and publish events, with the model of
    their events' data."""
    return dict(_published)


def row_events(resource: str, public: type[BaseModel]) -> RowEvents:
    """What a repository calls on each write of a RESOURCE row: ``<resource>.<action>`` with
    the row's public representation (PUBLIC, as clients read it) as data."""
    _published[resource] = public

    async def write(connection: AsyncConnection, action: str, row: Mapping[str, Any]) -> None:
        data = public.model_validate(row).model_dump(mode="json", by_alias=True)
        event = new_event(f"{resource}.{action}", data, subject=str(row["id"]))
        await add_to_outbox(connection, event, f"{resource}:{row['id']}")

    return write
