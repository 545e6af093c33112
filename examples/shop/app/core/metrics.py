"""Prometheus metrics: requests by method, route template and status; pool; process; cache.

Labels use the route template (``/api/v1/items/{id}``), never the raw path, so a scan of
random URLs cannot grow the series without bound. Under several worker processes, set
PROMETHEUS_MULTIPROC_DIR to an empty directory and /metrics sums every worker.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.database import Database
from app.core.errors import error_response

# Seconds; the service's targets sit at 50, 200 and 500 ms.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


class PoolCollector(Collector):
    """The database pool's size and use, read when scraped (nothing to update per request)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.pool = engine.sync_engine.pool

    def collect(self) -> Iterator[Metric]:
        labels = ["pid"] if _multiprocess() else []
        values = [str(os.getpid())] if labels else []
        for name, documentation, reader in (
            ("db_pool_size", "Connections the pool keeps", "size"),
            ("db_pool_checked_out", "Connections in use", "checkedout"),
            ("db_pool_checked_in", "Idle connections in the pool", "checkedin"),
        ):
            read = getattr(self.pool, reader, None)
            if read is None:  # pools without the counter (e.g. SQLite's static pool)
                continue
            gauge = GaugeMetricFamily(name, documentation, labels=labels)
            gauge.add_metric(values, float(read()))
            yield gauge


class Metrics:
    """The service's metrics in a registry of its own (one per application)."""

    def __init__(self, database: Database) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "http_requests_total",
            "Requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time to answer a request",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.cache = Counter(
            "cache_requests_total",
            "Cache lookups by result: hit, miss, or bypass (the cache was unavailable)",
            ["result"],
            registry=self.registry,
        )
        self._pool = PoolCollector(database.engine)
        if not _multiprocess():
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
            self.registry.register(self._pool)
        # Label children are looked up once per (method, route, status), not per request.
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration."""
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            labels = (method if method in _METHODS else "OTHER", route, str(status))
            children = (self.requests.labels(*labels), self.latency.labels(*labels))
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def count_cache(self, result: str) -> None:
        """Count one cache lookup: ``hit``, ``miss`` or ``bypass``."""
        self.cache.labels(result).inc()

    def exposition(self) -> bytes:
        """The text format, summed over every worker when running multiprocess."""
        if not _multiprocess():
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(self._pool)
        return generate_latest(registry)


router = APIRouter(tags=["observability"])


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus' scrape endpoint; with METRICS_TOKEN, only for ``Bearer <METRICS_TOKEN>``."""
    token: str = request.app.state.settings.metrics_token.get_secret_value()
    if token:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, b"Bearer " + token.encode()):
            return error_response(
                401,
                "UNAUTHORIZED",
                "Send Authorization: Bearer <METRICS_TOKEN>",
                headers={"WWW-Authenticate": "Bearer"},
            )
    collected: Metrics = request.app.state.metrics
    return Response(collected.exposition(), media_type=CONTENT_TYPE_LATEST)
