"""Optional OpenTelemetry tracing: one span per request when on, nothing when off."""

from __future__ import annotations

from httpx import ASGITransport, AsyncClient
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app.core.config import Settings
from app.main import create_app

# A caller's W3C trace context: the request's span must continue this trace.
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


async def _spans_of(settings: Settings, *paths: str) -> list[ReadableSpan]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(settings, tracer_provider=provider)
    try:
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            for path in paths:
                response = await client.get(path, headers={"traceparent": TRACEPARENT})
                assert response.status_code == 200
    finally:
        await app.state.database.dispose()
    return list(exporter.get_finished_spans())


async def test_requests_are_traced_when_enabled(settings: Settings) -> None:
    enabled = settings.model_copy(update={"otel_enabled": True, "docs_enabled": True})
    spans = await _spans_of(enabled, "/openapi.json", "/health", "/ready")
    # Probes are not traced; the API request is, within the caller's trace.
    assert len(spans) == 1
    span = spans[0]
    assert span.attributes is not None
    assert span.attributes["http.route"] == "/openapi.json"
    assert span.attributes["http.response.status_code"] == 200
    assert span.context is not None
    assert format(span.context.trace_id, "032x") == TRACE_ID


async def test_nothing_is_traced_when_disabled(settings: Settings) -> None:
    disabled = settings.model_copy(update={"otel_enabled": False, "docs_enabled": True})
    assert await _spans_of(disabled, "/openapi.json") == []
