"""Check many services at once; each costs at most its own timeout, whatever the others do."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import ssl
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from backendkit.health.services import Probe, Service
from backendkit.loadtest.http import (
    Connection,
    ProtocolError,
    Response,
    client_tls_context,
    encode_request,
    split_url,
)

SCHEMA = "backendkit.health/1"
PASS, WARN, FAIL = "pass", "warn", "fail"
_RANK = {PASS: 0, WARN: 1, FAIL: 2}
# application/health+json statuses (draft-inadarei-api-health-check) and common synonyms
_HEALTH_STATUSES = {"pass": PASS, "ok": PASS, "up": PASS, "warn": WARN}
_ACCEPT = "application/health+json, application/json;q=0.9, */*;q=0.1"


@dataclass(frozen=True)
class ProbeResult:
    """What one probe found."""

    kind: str
    url: str
    status: str  # pass, warn or fail
    expected: list[int]
    http_status: int | None = None
    response_ms: float | None = None
    health_status: str | None = None  # the body's own status, when it has one
    failing_checks: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class ServiceResult:
    """A service's verdict: the worst of its probes."""

    name: str
    status: str
    probes: list[ProbeResult]


def _worst(statuses: list[str]) -> str:
    return max(statuses, key=_RANK.__getitem__, default=FAIL)


def _failing_checks(checks: object) -> list[dict[str, str]]:
    if not isinstance(checks, dict):
        return []
    failing = []
    for name, entries in checks.items():
        for entry in entries if isinstance(entries, list) else [entries]:
            if not isinstance(entry, dict):
                continue
            status = str(entry.get("status", "")).lower()
            if _HEALTH_STATUSES.get(status) != PASS:
                output = entry.get("output")
                failing.append(
                    {"name": str(name), "status": status or "unknown", "output": str(output or "")}
                )
    return failing


def _read_body(response: Response) -> tuple[str | None, list[dict[str, str]]]:
    content_type = response.headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    if content_type not in (b"application/health+json", b"application/json"):
        return None, []
    try:
        document = json.loads(response.body)
    except ValueError:
        return None, []
    if not isinstance(document, dict) or not isinstance(document.get("status"), str):
        return None, []
    return document["status"].lower(), _failing_checks(document.get("checks"))


def _error_text(exc: Exception, timeout: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"no reply within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ProtocolError):
        return f"not HTTP: {exc}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS: {exc.reason or exc}"
    if isinstance(exc, asyncio.IncompleteReadError | ConnectionError):
        return "connection closed before a full reply"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc) or type(exc).__name__


async def run_probe(
    probe: Probe, headers: dict[str, str], timeout: float, tls: ssl.SSLContext
) -> ProbeResult:
    """GET the probe's URL within TIMEOUT and judge the reply."""
    origin, target = split_url(probe.url)
    payload = encode_request(
        origin, "GET", target, {"Accept": _ACCEPT, **headers}, None, keepalive=False
    )
    expected = sorted(probe.expect)
    started = time.perf_counter()
    connection: Connection | None = None
    try:
        async with asyncio.timeout(timeout):
            connection = await Connection.open(origin, tls)
            response = await connection.request(payload)
    except Exception as exc:  # a failed probe is a result, not a crash
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        return ProbeResult(
            probe.kind, probe.url, FAIL, expected, None, elapsed, error=_error_text(exc, timeout)
        )
    finally:
        if connection is not None:
            connection.close()
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    health_status, failing = _read_body(response)
    status = PASS
    error = None
    if response.status not in probe.expect:
        status, error = FAIL, f"HTTP {response.status}, expected {' or '.join(map(str, expected))}"
    elif health_status is not None:
        status = _HEALTH_STATUSES.get(health_status, FAIL)
    return ProbeResult(
        probe.kind,
        probe.url,
        status,
        expected,
        response.status,
        elapsed,
        health_status,
        failing,
        error,
    )


async def check_service(service: Service, tls: ssl.SSLContext) -> ServiceResult:
    """All of a service's probes at once, each within the service's timeout."""
    headers = dict(service.headers)
    probes = await asyncio.gather(
        *(run_probe(probe, headers, service.timeout, tls) for probe in service.probes)
    )
    return ServiceResult(service.name, _worst([p.status for p in probes]), list(probes))


async def check_all(services: list[Service], *, verify_tls: bool = True) -> list[ServiceResult]:
    """Every service at once, in the order given."""
    tls = client_tls_context(verify=verify_tls)
    return list(await asyncio.gather(*(check_service(s, tls) for s in services)))


def check_services(services: list[Service], *, verify_tls: bool = True) -> list[ServiceResult]:
    """`check_all` in a fresh event loop."""
    return asyncio.run(check_all(services, verify_tls=verify_tls))


def healthy(results: list[ServiceResult]) -> bool:
    """No service failed (a warning is still healthy)."""
    return all(result.status != FAIL for result in results)


def report_document(results: list[ServiceResult]) -> dict[str, Any]:
    """The `--json` document (schema in docs/health.md)."""
    counts = {status: sum(r.status == status for r in results) for status in (PASS, WARN, FAIL)}
    return {
        "schema": SCHEMA,
        "checked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "healthy": healthy(results),
        "counts": counts,
        "services": [asdict(result) for result in results],
    }
