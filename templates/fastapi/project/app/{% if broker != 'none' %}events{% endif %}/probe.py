"""The HTTP side of ``python -m app relay`` and ``worker``: /health, /ready and /metrics on
EVENTS_PROBE_PORT, for their Kubernetes probes and for Prometheus (the same routes and rules
as the web process: /metrics needs METRICS_TOKEN when it is set)."""

from __future__ import annotations

import asyncio
import logging

import uvicorn
from fastapi import FastAPI
from prometheus_client.registry import Collector

from app.core import health, metrics
from app.core.config import Settings
from app.core.database import Database
from app.core.metrics import Metrics
from app.core.routing import add_routes
from app.core.shared_store import shared_store
from app.events.metrics import EventsCollector
from app.events.runtime import EventRuntime

logger = logging.getLogger("app.events.probe")


def probe_app(
    settings: Settings,
    database: Database,
    runtime: EventRuntime,
    collectors: tuple[Collector, ...] = (),
) -> FastAPI:
    """The probe and metrics endpoints of one relay or worker process."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.database = database
    app.state.events = runtime
    app.state.shared_store = shared_store(settings.redis_url, settings.app_name)
    collected = Metrics(database) if settings.metrics_enabled else None
    app.state.metrics = collected
    add_routes(app, health.router)
    if collected is not None:
        collected.registry.register(EventsCollector(runtime))
        for collector in collectors:
            collected.registry.register(collector)
        if settings.metrics_served:
            add_routes(app, metrics.router)
    return app


async def serve(app: FastAPI, host: str, port: int) -> None:
    """Answer on HOST:PORT until the process is asked to stop (SIGTERM, SIGINT). PORT 0, or a
    port another process holds (several relays on one machine), runs without the endpoints."""
    if port:
        config = uvicorn.Config(app, host=host, port=port, access_log=False, log_level="warning")
        try:
            await uvicorn.Server(config).serve()
            return
        except SystemExit:  # uvicorn's answer to a port it cannot bind
            logger.warning("port %d is taken: no /health, /ready or /metrics here", port)
    await asyncio.Event().wait()
