"""The in-flight bound: one client cannot take every connection of a saturated process."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI, Response

from app.core.concurrency import InFlight, in_flight_bound
from app.core.config import Settings
from tests.core.apps import app_with, client_for

PROXY = ["127.0.0.0/8"]


def test_a_client_is_shed_only_when_the_process_is_saturated() -> None:
    bound = InFlight(capacity=4, per_client=2)
    assert all(bound.enter("a") for _ in range(4))  # an idle process: one client may fill it
    assert not bound.enter("a")  # saturated, and "a" holds more than its share
    assert bound.enter("b")  # another client still gets in
    bound.leave("a")
    bound.leave("a")
    assert bound.enter("a")  # below saturation again
    assert bound.by_client == {"a": 3, "b": 1}
    assert bound.total == 4


def test_the_default_share_is_half_the_pool_and_zero_turns_it_off(settings: Settings) -> None:
    defaults = Settings.model_validate(
        {**settings.model_dump(), "requests_in_flight_per_client": None, "db_pool_size": 16}
    )
    bound = in_flight_bound(defaults)
    assert bound is not None
    assert (bound.capacity, bound.per_client) == (16, 8)
    off = Settings.model_validate({**settings.model_dump(), "requests_in_flight_per_client": 0})
    assert in_flight_bound(off) is None


class SlowRoute:
    """A route whose requests wait until released; ``arrived`` is set at each arrival."""

    def __init__(self, app: FastAPI) -> None:
        self.release = asyncio.Event()
        self.arrived = asyncio.Event()
        self.waiting = 0
        app.add_api_route("/api/v1/slow", self.handle)

    async def handle(self) -> Response:
        self.waiting += 1
        self.arrived.set()
        await self.release.wait()
        return Response(status_code=204)

    async def until_waiting(self, count: int) -> None:
        while self.waiting < count:
            self.arrived.clear()
            await self.arrived.wait()


async def test_a_flood_from_one_client_gets_429s_while_others_get_in(settings: Settings) -> None:
    app = app_with(settings, db_pool_size=4, requests_in_flight_per_client=2, trusted_proxies=PROXY)
    route = SlowRoute(app)
    flooder = {"X-Forwarded-For": "203.0.113.1"}
    async with client_for(app) as client:
        held = [asyncio.create_task(client.get("/api/v1/slow", headers=flooder)) for _ in range(4)]
        await route.until_waiting(4)
        shed = await client.get("/api/v1/slow", headers=flooder)
        other = asyncio.create_task(
            client.get("/api/v1/slow", headers={"X-Forwarded-For": "203.0.113.2"})
        )
        await route.until_waiting(5)
        route.release.set()
        finished = await asyncio.gather(*held, other)
    assert shed.status_code == 429
    assert shed.json()["error"]["code"] == "RATE_LIMITED"
    assert shed.headers["retry-after"] == "1"
    assert [response.status_code for response in finished] == [204] * 5
    assert app.state.in_flight.total == 0
    assert app.state.in_flight.by_client == {}
