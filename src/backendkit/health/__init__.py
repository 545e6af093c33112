"""Liveness and readiness checks of many services at once: the library behind `backendkit health`.

from backendkit.health import check_services, load_services
"""

from __future__ import annotations

from backendkit.health.checker import (
    ProbeResult,
    ServiceResult,
    check_all,
    check_services,
    healthy,
    report_document,
)
from backendkit.health.services import Probe, Service, load_services, services_from_urls

__all__ = [
    "Probe",
    "ProbeResult",
    "Service",
    "ServiceResult",
    "check_all",
    "check_services",
    "healthy",
    "load_services",
    "report_document",
    "services_from_urls",
]
