"""The AsyncAPI document of this service's events: what it publishes (resources with events,
jobs) and what it consumes (app/consumers/, app/jobs/), each message a CloudEvents envelope
with its data's schema.

It is served at /asyncapi.json where /docs is (DOCS_ENABLED) and kept in ``asyncapi.json``:
``python -m app asyncapi`` prints it, ``--write`` writes the file, ``--check`` fails when the
file and the code disagree (as tests/core/test_asyncapi.py does), so a change to an event's
contract shows in review.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import json
import sys
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from faststream.specification import AsyncAPI
from pydantic import BaseModel, Field, create_model

from app import __version__
from app.core.config import Settings, get_settings
from app.core.discovery import resource_packages
from app.events.broker import (
    DEFAULT_BROKER_URL,
    Broker,
    declare_publisher,
    declare_subscriber,
)
from app.events.consumers import discover_handlers
from app.events.envelope import CloudEvent
from app.events.jobs import JOBS_PACKAGE, discover_jobs, job_type
from app.events.outbox import published_events

DOCUMENT = Path(__file__).resolve().parents[2] / "asyncapi.json"
ACTIONS = ("created", "updated", "deleted")


def _title(event_type: str, suffix: str) -> str:
    words = event_type.replace(".", "_").split("_")
    return "".join(word.title() for word in words) + suffix


def _envelope(event_type: str, data: type[BaseModel] | None) -> type[BaseModel]:
    """The envelope of EVENT_TYPE, with DATA's schema as its data when it is known."""
    kind = Field(event_type, json_schema_extra={"const": event_type})
    fields: dict[str, Any] = {"type": (str, kind)}
    if data is not None:
        fields["data"] = (data, ...)
    return create_model(
        _title(event_type, "Event"),
        __base__=CloudEvent,
        __doc__=f"An event of type {event_type} (CloudEvents 1.0).",
        **fields,
    )


def _describe(event_type: str, data: type[BaseModel] | None) -> Any:
    """A handler that only describes the message it takes (it never runs)."""

    async def handle(event: Any) -> None:
        del event

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameter = inspect.Parameter("event", kind, annotation=_envelope(event_type, data))
    handle.__signature__ = inspect.Signature([parameter], return_annotation=None)  # type: ignore[attr-defined]
    handle.__name__ = handle.__qualname__ = _title(event_type, "")
    return handle


def _jobs() -> dict[str, type[BaseModel]]:
    """Each job's event type, with its payload under a name of its own."""
    payloads: dict[str, type[BaseModel]] = {}
    for spec in discover_jobs(None):
        name = spec.event_type.removeprefix(job_type(""))
        module = importlib.import_module(f"{JOBS_PACKAGE}.{name}")
        payloads[spec.event_type] = create_model(_title(name, "Payload"), __base__=module.Payload)
    return payloads


def asyncapi_document(settings: Settings | None = None) -> dict[str, Any]:
    """The document as JSON data (the same whatever BROKER_URL says)."""
    settings = settings or get_settings()
    for package in resource_packages():
        # A resource's repository declares the events its writes publish.
        if importlib.util.find_spec(f"app.{package}.repository") is not None:
            importlib.import_module(f"app.{package}.repository")
    broker = Broker(DEFAULT_BROKER_URL)
    jobs = _jobs()
    published: dict[str, type[BaseModel]] = {
        f"{resource}.{action}": model
        for resource, model in published_events().items()
        for action in ACTIONS
    }
    for event_type, data in sorted({**published, **jobs}.items()):
        declare_publisher(broker, event_type, _envelope(event_type, data))
    # Another service's events have an open data, unless this service publishes that type too.
    consumed = {s.event_type: published.get(s.event_type) for s in discover_handlers()}
    for event_type, maybe in sorted({**consumed, **jobs}.items()):
        declare_subscriber(broker, settings.app_name, event_type, _describe(event_type, maybe))
    specification = AsyncAPI(broker, title=settings.app_name, version=__version__)
    document: dict[str, Any] = json.loads(specification.to_specification().to_json())
    return document


def render(document: dict[str, Any]) -> str:
    """The text of asyncapi.json: stable, so that its diff is the contract's change."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def asyncapi_router(settings: Settings) -> APIRouter:
    """GET /asyncapi.json (built at the first request)."""
    router = APIRouter(include_in_schema=False)
    built: list[dict[str, Any]] = []

    @router.get("/asyncapi.json")
    async def asyncapi_json() -> dict[str, Any]:
        if not built:
            built.append(asyncapi_document(settings))
        return built[0]

    return router


def main(argv: list[str]) -> int:
    """Print the AsyncAPI document of this service's events, or write or check asyncapi.json."""
    parser = argparse.ArgumentParser(prog="python -m app asyncapi", description=main.__doc__)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write asyncapi.json")
    action.add_argument("--check", action="store_true", help="fail when asyncapi.json differs")
    args = parser.parse_args(argv)
    text = render(asyncapi_document())
    if args.write:
        DOCUMENT.write_text(text)
    elif args.check and (not DOCUMENT.is_file() or DOCUMENT.read_text() != text):
        sys.stderr.write("asyncapi.json differs from the code: python -m app asyncapi --write\n")
        return 1
    elif not args.check:
        sys.stdout.write(text)
    return 0
