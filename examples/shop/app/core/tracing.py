"""Optional OpenTelemetry tracing through FastAPI's native telemetry (``OTEL_ENABLED``).

Off by default, and then free: FastAPI skips its telemetry layer entirely. On, each request
gets a server span named after its route template, continuing a caller's W3C
``traceparent``, exported over OTLP/HTTP to ``OTEL_EXPORTER_OTLP_ENDPOINT``. Probes and
the metrics scrape are not traced. Needs the ``otel`` extra (``pip install '.[otel]'``).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import MutableMapping
from typing import Any

from fastapi.telemetry import TelemetryConfig
from opentelemetry.trace import TracerProvider

from app.core.config import Settings

# Polled every few seconds by orchestrators and scrapers: spans of them are noise.
UNTRACED_PATHS = frozenset({"/health", "/ready", "/metrics"})


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in UNTRACED_PATHS


def telemetry_config(
    settings: Settings, tracer_provider: TracerProvider | None = None
) -> TelemetryConfig:
    """FastAPI's telemetry settings: request spans when enabled, nothing otherwise.

    TRACER_PROVIDER replaces the exporter set up from the environment (tests pass one that
    keeps spans in memory). Metrics stay with Prometheus (``/metrics``) and logs with the
    JSON lines, so FastAPI's own metrics and logs signals are left off.
    """
    if not settings.otel_enabled:
        return {"tracing": False, "metrics": False, "logs": False, "auto_configure": False}
    if tracer_provider is None and importlib.util.find_spec("opentelemetry.sdk") is None:
        raise RuntimeError("OTEL_ENABLED=true needs the OpenTelemetry SDK: pip install '.[otel]'")
    # Read by the SDK when FastAPI builds the provider at start-up.
    os.environ.setdefault("OTEL_SERVICE_NAME", settings.app_name)
    return {
        "tracing": True,
        "metrics": False,
        "logs": False,
        # One span per request; spans of each dependency and of serialization cost more
        # than they tell on a CRUD route.
        "operation_spans": False,
        "auto_configure": tracer_provider is None,
        "tracer_provider": tracer_provider,
        "exclude": _untraced,
    }
