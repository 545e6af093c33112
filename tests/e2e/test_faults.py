"""Real network failures between a live service and the real PostgreSQL and Redis.

The shared servers keep running: a TCP proxy between the service and each of them is cut
(live connections dropped, new ones refused) and restored.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.live_server import Reply, request, running_service
from tests.e2e.tcp_proxy import TcpProxy, proxied

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

DB_TIMEOUT = 2.0
# How long any one request may take while a dependency is down: its timeout and some slack.
BOUND = DB_TIMEOUT + 1.5
PRODUCT = "/api/v1/products"


def timed(method: str, url: str, body: Any = None) -> tuple[Reply, float]:
    start = time.monotonic()
    reply = request(method, url, body)
    return reply, time.monotonic() - start


def eventually(check: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not true within {within} s")


def assert_unavailable(reply: Reply) -> None:
    assert reply.status == 503, reply.body
    assert set(reply.body) == {"error", "meta"}
    assert reply.body["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert "Traceback" not in str(reply.body)
    assert reply.body["meta"]["requestId"] == reply.headers["X-Request-ID"]


def product(n: int) -> dict[str, str]:
    return {"name": f"Lamp {n}", "sku": f"F-{uuid.uuid4().hex[:10]}", "price": "9.50"}


@contextmanager
def proxied_service(
    generated: GeneratedProject,
    project_venv: ProjectVenv,
    database_url: str,
    redis_url: str,
) -> Iterator[tuple[str, TcpProxy, TcpProxy]]:
    """The product service with its PostgreSQL and its Redis each behind a proxy."""
    project = generated("product")
    db, cache = urlsplit(database_url), urlsplit(redis_url)
    with (
        proxied(db.hostname or "127.0.0.1", db.port or 5432) as db_proxy,
        proxied(cache.hostname or "127.0.0.1", cache.port or 6379) as redis_proxy,
    ):
        netloc = db.netloc.replace(f"{db.hostname}:{db.port or 5432}", f"127.0.0.1:{db_proxy.port}")
        via_proxy = db._replace(netloc=netloc).geturl()
        with running_service(
            project_venv(project),
            project,
            via_proxy,
            REDIS_URL=f"redis://127.0.0.1:{redis_proxy.port}{cache.path or '/0'}",
            DB_CONNECT_TIMEOUT_SECONDS=str(DB_TIMEOUT),
            CACHE_TIMEOUT_SECONDS="0.2",
            READY_CACHE_SECONDS="0",  # each /ready here must see the cut it follows
        ) as base:
            yield base, db_proxy, redis_proxy


def test_postgres_down_then_back(
    generated: GeneratedProject,
    project_venv: ProjectVenv,
    fresh_postgres_database: str,
    redis_url: str,
) -> None:
    with proxied_service(generated, project_venv, fresh_postgres_database, redis_url) as (
        base,
        db_proxy,
        _,
    ):
        created = request("POST", base + PRODUCT, product(1))
        assert created.status == 201, created.body
        item_url = f"{base}{PRODUCT}/{created.body['data']['id']}"
        assert request("GET", item_url).status == 200  # now cached
        assert request("GET", f"{base}/ready").status == 200

        db_proxy.stop()
        health, seconds = timed("GET", f"{base}/health")
        assert health.status == 200
        assert seconds < 1.0
        ready, seconds = timed("GET", f"{base}/ready")
        assert ready.status == 503
        assert seconds < BOUND
        check = ready.body["checks"]["database:connectivity"][0]
        assert check["status"] == "fail"
        assert check["observedUnit"] == "ms"
        for method, url, body in (
            ("GET", base + PRODUCT, None),
            ("POST", base + PRODUCT, product(2)),
            ("GET", f"{base}{PRODUCT}/{uuid.uuid4()}", None),
        ):
            reply, seconds = timed(method, url, body)
            assert_unavailable(reply)
            assert seconds < BOUND, f"{method} {url} took {seconds:.2f} s"
        # A read the cache holds is still answered while the database is away.
        cached, seconds = timed("GET", item_url)
        assert cached.status == 200
        assert seconds < BOUND

        db_proxy.start()
        eventually(lambda: request("GET", f"{base}/ready").status == 200, within=10)
        assert request("GET", base + PRODUCT).status == 200
        assert request("POST", base + PRODUCT, product(3)).status == 201


def _metric(base: str, series: str) -> float:
    import urllib.request

    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
        text = response.read().decode()
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return 0.0


def test_redis_down_then_back(
    generated: GeneratedProject,
    project_venv: ProjectVenv,
    fresh_postgres_database: str,
    redis_url: str,
) -> None:
    with proxied_service(generated, project_venv, fresh_postgres_database, redis_url) as (
        base,
        _,
        redis_proxy,
    ):
        created = request("POST", base + PRODUCT, product(1))
        assert created.status == 201, created.body
        item_url = f"{base}{PRODUCT}/{created.body['data']['id']}"
        ready = request("GET", f"{base}/ready")
        assert ready.status == 200
        assert ready.body["checks"]["cache:connectivity"][0]["status"] == "pass"
        assert ready.body["checks"]["redis:connectivity"][0]["status"] == "pass"

        redis_proxy.stop()
        for _ in range(5):
            reply, seconds = timed("GET", item_url)
            assert reply.status == 200
            assert seconds < 1.0
        assert _metric(base, 'cache_requests_total{result="bypass"}') >= 1
        changed = request("PATCH", item_url, {"name": "Changed while Redis was down"})
        assert changed.status == 200, changed.body
        ready, seconds = timed("GET", f"{base}/ready")
        # Degraded but serving: still in rotation, and the report says why.
        assert ready.status == 200
        assert ready.body["status"] == "warn"
        assert ready.body["checks"]["cache:connectivity"][0]["status"] == "warn"
        # The client behind rate limits and idempotency keys reports it too.
        assert ready.body["checks"]["redis:connectivity"][0]["status"] == "warn"
        assert seconds < BOUND

        redis_proxy.start()
        eventually(
            lambda: (
                request("GET", f"{base}/ready").body["checks"]["cache:connectivity"][0]["status"]
                == "pass"
            ),
            within=10,
        )
        # The write made while Redis was away is what clients read now, not the older copy.
        assert request("GET", item_url).body["data"]["name"] == "Changed while Redis was down"
        hits = _metric(base, 'cache_requests_total{result="hit"}')
        eventually(
            lambda: (
                request("GET", item_url).status == 200
                and _metric(base, 'cache_requests_total{result="hit"}') > hits
            ),
            within=10,
        )
