"""Liveness (/health) and readiness (/ready) in the application/health+json format."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.core.config import Settings
from app.core.database import Database, DatabaseDep
from app.core.shared_store import SharedStore
from app.core.types import utcnow

READY_TIMEOUT_SECONDS = 2.0
_started = time.monotonic()

Status = Literal["pass", "warn", "fail"]


class HealthResponse(JSONResponse):
    media_type = "application/health+json"


class Check(BaseModel):
    """One component's result (draft-inadarei-api-health-check)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    component_type: str = Field(alias="componentType")
    status: Status
    observed_value: float | None = Field(default=None, alias="observedValue")
    observed_unit: str | None = Field(default=None, alias="observedUnit")
    time: str
    output: str | None = None


class HealthReport(BaseModel):
    """The health document."""

    status: Status
    checks: dict[str, list[Check]]


router = APIRouter(tags=["health"], default_response_class=HealthResponse)


def _report(checks: dict[str, Check]) -> HealthResponse:
    statuses = {c.status for c in checks.values()}
    status: Status = "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"
    report = HealthReport(status=status, checks={name: [c] for name, c in checks.items()})
    return HealthResponse(
        report.model_dump(mode="json", exclude_none=True, by_alias=True),
        status_code=503 if status == "fail" else 200,
    )


@router.get("/health", response_model=HealthReport, summary="Liveness")
async def health() -> HealthResponse:
    """The process is up; no dependency is consulted."""
    uptime = Check(
        component_type="system",
        status="pass",
        observed_value=round(time.monotonic() - _started, 3),
        observed_unit="s",
        time=utcnow().isoformat(),
    )
    return _report({"uptime": uptime})


async def _timed(component_type: str, probe: Awaitable[None], *, failure: Status = "fail") -> Check:
    """Run PROBE within the readiness timeout; its status and how long it took."""
    start = time.perf_counter()
    status: Status = "pass"
    output = None
    try:
        await asyncio.wait_for(probe, READY_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means not ready; the type says enough
        status, output = failure, type(exc).__name__ or "error"
    return Check(
        component_type=component_type,
        status=status,
        observed_value=round((time.perf_counter() - start) * 1000, 2),
        observed_unit="ms",
        time=utcnow().isoformat(),
        output=output,
    )


@router.get(
    "/ready",
    response_model=HealthReport,
    summary="Readiness",
    responses={503: {"model": HealthReport, "description": "A dependency is down"}},
)
async def ready(request: Request, database: DatabaseDep) -> HealthResponse:
    """The service can serve traffic: its database answers (each check timed, run at once).

    Redis (REDIS_URL: the cache, rate limits, idempotency keys) is checked too, and by default
    a Redis that is down is a warning, not a failure: requests bypass the cache and count in
    the process, and still answer, so taking the service out of rotation would turn a
    slowdown into an outage. READY_REQUIRES_REDIS=true makes it a failure. The result is
    kept for READY_CACHE_SECONDS (1 s).
    """
    settings = request.app.state.settings
    # One probe per READY_CACHE_SECONDS at most: a flood of /ready never reaches the
    # database or Redis more often than that.
    cached: tuple[float, dict[str, Check]] | None = getattr(request.app.state, "readiness", None)
    if cached is not None and time.monotonic() - cached[0] < settings.ready_cache_seconds:
        return _report(cached[1])
    checks = await _probe(request, database, settings)
    request.app.state.readiness = (time.monotonic(), checks)
    return _report(checks)


async def _probe(request: Request, database: Database, settings: Settings) -> dict[str, Check]:
    redis_down: Status = "fail" if settings.ready_requires_redis else "warn"
    probes = {"database:connectivity": _timed("datastore", database.ping())}
    store: SharedStore = request.app.state.shared_store
    if store.client is not None:
        probes["redis:connectivity"] = _timed("datastore", store.ping(), failure=redis_down)
    cache = getattr(request.app.state, "cache", None)
    if cache is not None and cache.enabled:
        probes["cache:connectivity"] = _timed("datastore", cache.ping(), failure=redis_down)
    results = await asyncio.gather(*probes.values())
    return dict(zip(probes, results, strict=True))
