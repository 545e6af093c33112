"""Rate limits: per client for the whole API, stricter per client and account for sign-ins.

Every limiter here reads a fake clock that the tests move: none of them waits on, or depends
on, the wall clock.
"""

from __future__ import annotations

import math
import os
from collections.abc import AsyncIterator

import pytest
from fastapi import APIRouter, Request
from httpx import Response

from app.core.config import Settings
from app.core.rate_limit import (
    SLOTS,
    WINDOW_SECONDS,
    Limiter,
    MemoryLimiter,
    limit_auth_attempt,
)
from app.core.shared_store import shared_store
from tests.core.apps import FakeClock, app_with, client_for

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
# One second before a minute starts on the wall clock: where fixed windows used to reset.
JUST_BEFORE_A_MINUTE = 1_800_000_059.99
# A request counts until its whole sub-window has left the minute: up to one sub-window more.
LONGEST_WAIT = WINDOW_SECONDS + WINDOW_SECONDS // SLOTS


def assert_rate_limited(response: Response, limit: int) -> None:
    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"error", "meta"}
    assert body["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(response.headers["retry-after"]) <= LONGEST_WAIT
    assert response.headers["ratelimit-limit"] == str(limit)
    assert response.headers["ratelimit-remaining"] == "0"


@pytest.fixture(params=["in process", "redis"])
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[Limiter]:
    """A limiter on a fake clock, counting in this process or in Redis."""
    url = ""
    if request.param == "redis":
        url = os.environ.get("REDIS_URL", "")
        if not url:
            pytest.skip("set REDIS_URL to test rate limits counted in Redis")
    store = shared_store(url, f"test-{os.urandom(6).hex()}")
    yield Limiter(store, clock=FakeClock(JUST_BEFORE_A_MINUTE - 30))
    await store.close()


def busiest_minute(times: list[float]) -> int:
    """The most requests in any 60-second span (the span starting at one of them is busiest)."""
    return max(sum(start <= t < start + WINDOW_SECONDS for t in times) for start in times)


async def test_no_minute_ever_holds_more_than_the_limit(limiter: Limiter) -> None:
    clock = limiter.clock
    assert isinstance(clock, FakeClock)
    passed: list[float] = []
    for _ in range(400):  # three minutes and twenty seconds of a request every half second
        if (await limiter.hit("greedy", 20)).allowed:
            passed.append(clock.now)
        clock.advance(0.5)
    assert busiest_minute(passed) == 20
    # ... and the window slides: the client is held back at most one sub-window longer.
    assert len(passed) >= math.floor(200 / 66) * 20


async def test_the_limit_cannot_be_sent_twice_across_a_minute_boundary(limiter: Limiter) -> None:
    clock = limiter.clock
    assert isinstance(clock, FakeClock)
    clock.now = JUST_BEFORE_A_MINUTE
    before = [(await limiter.hit("burst", 5)).allowed for _ in range(5)]
    clock.advance(0.02)  # the next minute on the wall clock
    after = [(await limiter.hit("burst", 5)).allowed for _ in range(5)]
    assert before == [True] * 5
    assert after == [False] * 5


async def test_retry_after_is_when_the_next_request_passes(limiter: Limiter) -> None:
    clock = limiter.clock
    assert isinstance(clock, FakeClock)
    for _ in range(3):
        await limiter.hit("patient", 3)
        clock.advance(7)
    refused = await limiter.hit("patient", 3)
    assert not refused.allowed
    clock.advance(refused.retry_after - 1)
    assert not (await limiter.hit("patient", 3)).allowed
    clock.advance(1)
    assert (await limiter.hit("patient", 3)).allowed


async def test_the_last_allowed_request_says_when_the_next_one_passes(limiter: Limiter) -> None:
    first = await limiter.hit("counted", 2)
    last = await limiter.hit("counted", 2)
    assert (first.remaining, first.retry_after) == (1, 0)
    assert last.allowed
    assert last.remaining == 0
    assert 1 <= last.retry_after <= LONGEST_WAIT


async def test_the_request_past_the_limit_is_429(settings: Settings) -> None:
    async with client_for(app_with(settings, rate_limit_per_minute=3)) as client:
        passed = [await client.get("/no-such-page") for _ in range(3)]
        refused = await client.get("/no-such-page")
    assert [r.status_code for r in passed] == [404, 404, 404]
    assert_rate_limited(refused, 3)
    assert "x-request-id" in refused.headers


async def test_a_429_says_when_to_come_back(settings: Settings) -> None:
    clock = FakeClock(JUST_BEFORE_A_MINUTE)
    async with client_for(app_with(settings, clock, rate_limit_per_minute=2)) as client:
        await client.get("/x")
        await client.get("/x")
        refused = await client.get("/x")
        clock.advance(int(refused.headers["retry-after"]))
        again = await client.get("/x")
    assert_rate_limited(refused, 2)
    assert again.status_code == 404


async def test_health_and_metrics_are_never_limited(settings: Settings) -> None:
    async with client_for(app_with(settings, rate_limit_per_minute=1)) as client:
        statuses = [(await client.get("/health")).status_code for _ in range(5)]
    assert statuses == [200] * 5


async def test_forwarded_for_is_ignored_without_trusted_proxies(settings: Settings) -> None:
    async with client_for(app_with(settings, rate_limit_per_minute=1)) as client:
        await client.get("/x", headers={"X-Forwarded-For": "203.0.113.1"})
        response = await client.get("/x", headers={"X-Forwarded-For": "203.0.113.2"})
    assert response.status_code == 429


async def test_clients_behind_a_trusted_proxy_are_counted_apart(settings: Settings) -> None:
    app = app_with(settings, rate_limit_per_minute=1, trusted_proxies=["127.0.0.0/8"])
    async with client_for(app) as client:
        first = await client.get("/x", headers={"X-Forwarded-For": "203.0.113.1"})
        other = await client.get("/x", headers={"X-Forwarded-For": "203.0.113.2"})
        again = await client.get("/x", headers={"X-Forwarded-For": "203.0.113.1"})
    assert (first.status_code, other.status_code) == (404, 404)
    assert again.status_code == 429


async def test_a_redis_outage_falls_back_to_counting_in_process(settings: Settings) -> None:
    app = app_with(settings, rate_limit_per_minute=2, redis_url=UNREACHABLE_REDIS)
    async with client_for(app) as client:
        statuses = [(await client.get("/x")).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


async def test_sign_in_attempts_have_a_stricter_limit_per_account(settings: Settings) -> None:
    app = app_with(settings, auth_rate_limit_per_minute=2)
    router = APIRouter()

    @router.post("/attempt/{identity}")
    async def attempt(identity: str, request: Request) -> dict[str, str]:
        await limit_auth_attempt(request, identity)
        return {"identity": identity}

    app.include_router(router)
    async with client_for(app) as client:
        passed = [(await client.post("/attempt/ada")).status_code for _ in range(2)]
        refused = await client.post("/attempt/ADA")  # the same account, spelled differently
        other = await client.post("/attempt/grace")
    assert passed == [200, 200]
    assert_rate_limited(refused, 2)
    assert other.status_code == 200


async def test_login_is_limited_per_account_across_a_minute_boundary(settings: Settings) -> None:
    clock = FakeClock(JUST_BEFORE_A_MINUTE)
    app = app_with(settings, clock, auth_rate_limit_per_minute=3)
    wrong = {"email": "ada@example.com", "password": "not the password at all"}
    async with client_for(app) as client:
        statuses = []
        for _ in range(3):
            statuses.append((await client.post("/api/v1/auth/login", json=wrong)).status_code)
            clock.advance(0.01)  # the attempts straddle the start of a minute
        refused = await client.post("/api/v1/auth/login", json=wrong)
        other = await client.post("/api/v1/auth/login", json={**wrong, "email": "bob@example.com"})
    assert statuses == [401, 401, 401]
    assert_rate_limited(refused, 3)
    assert other.status_code == 401


async def test_refresh_is_limited(settings: Settings) -> None:
    app = app_with(settings, auth_rate_limit_per_minute=2)
    stale = {"refreshToken": "not-a-token-this-service-issued"}
    async with client_for(app) as client:
        statuses = [
            (await client.post("/api/v1/auth/refresh", json=stale)).status_code for _ in range(3)
        ]
    assert statuses[-1] == 429


def test_the_in_process_limiter_bounds_its_memory() -> None:
    limiter = MemoryLimiter(max_keys=3)
    for client in range(10):
        limiter.hit(f"client-{client}", 5, WINDOW_SECONDS, JUST_BEFORE_A_MINUTE)
    assert len(limiter) <= 3
    assert limiter.hit("client-9", 5, WINDOW_SECONDS, JUST_BEFORE_A_MINUTE).remaining == 3


def test_the_in_process_limiter_forgets_clients_gone_quiet_first() -> None:
    limiter = MemoryLimiter(max_keys=2)
    start = JUST_BEFORE_A_MINUTE
    for key, seconds in [("busy", 0), ("quiet", 1), ("busy", 65), ("new", 70), ("busy", 70)]:
        last = limiter.hit(key, 5, WINDOW_SECONDS, start + seconds)
    # The first request of "busy" has left its window; the second and this one remain.
    assert last.remaining == 3


async def test_replicas_share_their_counts_through_redis(settings: Settings) -> None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("set REDIS_URL to test rate limits shared through Redis")
    name = f"test-{os.urandom(6).hex()}"
    clock = FakeClock(JUST_BEFORE_A_MINUTE)
    statuses = []
    for _ in range(2):
        app = app_with(settings, clock, rate_limit_per_minute=3, redis_url=redis_url, app_name=name)
        async with client_for(app) as client:
            statuses += [(await client.get("/x")).status_code for _ in range(2)]
        clock.advance(0.02)
    assert statuses == [404, 404, 404, 429]
