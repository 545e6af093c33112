"""``python -m app relay``, ``worker`` and ``events``: the events processes and tools.

- ``relay``: publishes the outbox (run one or more beside web processes started with
  EVENTS_RELAY_IN_PROCESS=false);
- ``worker``: runs the consumers (app/consumers/) and the jobs (app/jobs/), with
  EVENTS_CONSUME_IN_PROCESS=false on the web processes;
- ``events dead-letters``: lists the events whose handler failed every attempt;
- ``events replay [EVENT_ID ...]``: runs them (or the ones named) through their handler again.

The relay and the worker answer /health, /ready and /metrics on EVENTS_PROBE_PORT (app/events/
probe.py); the worker's /metrics has events_consumer_lag (app/events/lag.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json

from app.core.config import get_settings
from app.core.database import Database
from app.core.logging import configure_logging
from app.events.broker import Backlog
from app.events.consumers import dead_letters, discover_handlers, replay
from app.events.jobs import discover_jobs
from app.events.lag import LagMonitor
from app.events.outbox import use_source
from app.events.probe import probe_app, serve
from app.events.runtime import EventRuntime


async def _serve(*, relay: bool, consume: bool) -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    use_source(settings.app_name)
    database = Database.from_settings(settings)
    runtime = EventRuntime(settings, database)
    await runtime.start(relay=relay, consume=consume)
    collectors: list[LagMonitor] = []
    if consume:
        types = [consumer.spec.event_type for consumer in runtime.consumers]
        collectors.append(LagMonitor(Backlog(settings.broker_url), settings.app_name, types))
    counting = [asyncio.create_task(c.run(settings.consumer_lag_seconds)) for c in collectors]
    app = probe_app(settings, database, runtime, tuple(collectors))
    try:
        # /health, /ready and /metrics until the process is stopped.
        await serve(app, settings.host, settings.events_probe_port)
    finally:
        for task in counting:
            task.cancel()
        await asyncio.gather(*counting, return_exceptions=True)
        await runtime.stop()
        await database.dispose()


def relay_main(argv: list[str]) -> int:
    """Run an outbox relay until stopped."""
    argparse.ArgumentParser(prog="python -m app relay", description=relay_main.__doc__).parse_args(
        argv
    )
    asyncio.run(_serve(relay=True, consume=False))
    return 0


def worker_main(argv: list[str]) -> int:
    """Run the consumers and the jobs until stopped."""
    parser = argparse.ArgumentParser(prog="python -m app worker", description=worker_main.__doc__)
    parser.parse_args(argv)
    asyncio.run(_serve(relay=False, consume=True))
    return 0


async def _events(command: str, event_ids: list[str]) -> int:
    settings = get_settings()
    database = Database.from_settings(settings)
    try:
        if command == "dead-letters":
            for letter in await dead_letters(database):
                print(json.dumps(letter, default=str))
            return 0
        handlers = [*discover_handlers(), *discover_jobs(settings.app_name)]
        handled, failed = await replay(database, handlers, event_ids or None)
        print(f"replayed {handled}, failed again {failed}")
        return 1 if failed else 0
    finally:
        await database.dispose()


def events_main(argv: list[str]) -> int:
    """Inspect and replay dead letters."""
    parser = argparse.ArgumentParser(prog="python -m app events", description=events_main.__doc__)
    parser.add_argument("command", choices=["dead-letters", "replay"])
    parser.add_argument("event_ids", nargs="*", metavar="EVENT_ID")
    args = parser.parse_args(argv)
    return asyncio.run(_events(args.command, args.event_ids))
