"""Jobs: long-running work that code enqueues and the worker runs, with the consumers' rules.

A job is a module in ``app/jobs/`` (``backendkit add job NAME`` writes one) with ``JOB`` (its
name), a pydantic ``Payload``, ``async def run(payload, connection)`` and a typed
``enqueue(connection, payload)``. Enqueueing writes a ``job.<name>`` event to the outbox on
the caller's connection: the job exists once that transaction commits, and never when it
rolls back. The relay publishes it; the worker (``python -m app worker``, or the web process
unless EVENTS_CONSUME_IN_PROCESS=false) runs it once (inbox), with retries and backoff, and
keeps it as a dead letter after the last attempt (``python -m app events replay``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.consumers import HandlerSpec, package_modules
from app.events.envelope import CloudEvent
from app.events.outbox import add_to_outbox, new_event

JOBS_PACKAGE = "app.jobs"
JOB_TYPE_PREFIX = "job."

Run = Callable[[Any, AsyncConnection], Awaitable[None]]


def job_type(name: str) -> str:
    """The event type that carries jobs of NAME."""
    return f"{JOB_TYPE_PREFIX}{name}"


async def enqueue_job(connection: AsyncConnection, name: str, payload: BaseModel) -> str:
    """Queue one job of NAME with PAYLOAD on CONNECTION's transaction; its id."""
    event = new_event(job_type(name), payload.model_dump(mode="json"))
    # Each job is its own aggregate: jobs do not wait for one another.
    await add_to_outbox(connection, event, f"job:{event.id}")
    return event.id


def job_handler(name: str, payload: type[BaseModel], run: Run, source: str | None) -> HandlerSpec:
    """The consumer of jobs of NAME enqueued by SOURCE (this service): PAYLOAD is read from
    the event's data and given to RUN."""

    async def handle(event: CloudEvent, connection: AsyncConnection) -> None:
        await run(payload.model_validate(event.data), connection)

    return HandlerSpec(job_type(name), source, handle)


def discover_jobs(source: str | None, package: str = JOBS_PACKAGE) -> list[HandlerSpec]:
    """The job modules of PACKAGE (none when it does not exist), as consumers of the jobs
    SOURCE (this service's name) enqueues."""
    specs: list[HandlerSpec] = []
    for module in package_modules(package):
        name = getattr(module, "JOB", None)
        if isinstance(name, str):
            specs.append(job_handler(name, module.Payload, module.run, source))
    return specs
