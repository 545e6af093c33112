"""Apps built for one test with changed settings, and a client for them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.main import create_app


class FakeClock:
    """Wall-clock seconds that move only when a test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def app_with(settings: Settings, clock: FakeClock | None = None, **changes: Any) -> FastAPI:
    """A new app for SETTINGS with CHANGES (validated like the environment's would be).

    Its rate limits read CLOCK (a fresh fake one by default): no test waits on the wall clock.
    """
    app = create_app(Settings.model_validate({**settings.model_dump(), **changes}))
    app.state.rate_limiter.clock = clock or FakeClock()
    return app


@asynccontextmanager
async def client_for(app: FastAPI, base_url: str = "http://test") -> AsyncIterator[AsyncClient]:
    """A client of APP; the app's connections are closed afterwards."""
    try:
        async with AsyncClient(transport=ASGITransport(app=app), base_url=base_url) as client:
            yield client
    finally:
        await app.state.rate_limiter.store.close()
        await app.state.database.dispose()
