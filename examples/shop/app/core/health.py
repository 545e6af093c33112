"""Liveness (/health) and readiness (/ready) in the application/health+json format."""

from __future__ import annotations

import asyncio
import time
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.core.database import DatabaseDep
from app.core.types import utcnow

READY_TIMEOUT_SECONDS = 2.0
_started = time.monotonic()

Status = Literal["pass", "fail"]


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
    status: Status = "pass" if all(c.status == "pass" for c in checks.values()) else "fail"
    report = HealthReport(status=status, checks={name: [c] for name, c in checks.items()})
    return HealthResponse(
        report.model_dump(mode="json", exclude_none=True, by_alias=True),
        status_code=200 if status == "pass" else 503,
        headers={"Cache-Control": "no-store"},
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


@router.get(
    "/ready",
    response_model=HealthReport,
    summary="Readiness",
    responses={503: {"model": HealthReport, "description": "A dependency is down"}},
)
async def ready(database: DatabaseDep) -> HealthResponse:
    """The service can serve traffic: its database answers."""
    start = time.perf_counter()
    try:
        await asyncio.wait_for(database.ping(), READY_TIMEOUT_SECONDS)
        status: Status = "pass"
        output = None
    except Exception as exc:  # any failure means not ready; the type says enough
        status, output = "fail", type(exc).__name__
    check = Check(
        component_type="datastore",
        status=status,
        observed_value=round((time.perf_counter() - start) * 1000, 2),
        observed_unit="ms",
        time=utcnow().isoformat(),
        output=output,
    )
    return _report({"database:connectivity": check})
