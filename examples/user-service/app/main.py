"""The application factory; ``app`` is what the ASGI server runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from opentelemetry.trace import TracerProvider
from starlette.middleware.cors import CORSMiddleware

from app import __version__
from app.core import cursor, health, metrics
from app.core.concurrency import in_flight_bound
from app.core.config import Settings, get_settings
from app.core.database import Database
from app.core.discovery import resource_routers
from app.core.errors import register_error_handlers, route_methods
from app.core.idempotency import IdempotencyMiddleware, IdempotencyStore
from app.core.logging import configure_logging
from app.core.metrics import Metrics
from app.core.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from app.core.openapi import install_openapi
from app.core.rate_limit import Limiter, RateLimitMiddleware
from app.core.routing import add_routes, relative_slash_redirects
from app.core.shared_store import shared_store
from app.core.tokens import TokenKeys, bearer_subject
from app.core.tracing import telemetry_config

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None, *, tracer_provider: TracerProvider | None = None
) -> FastAPI:
    """Build the service for SETTINGS (the environment's by default).

    TRACER_PROVIDER receives the request spans when ``otel_enabled`` is on, instead of the
    OTLP exporter configured from the environment.
    """
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    cursor.use_secret(settings.secret_key.get_secret_value())
    database = Database.from_settings(settings)
    collected = Metrics(database) if settings.metrics_enabled else None
    # Rate limits and idempotency keys: in Redis when REDIS_URL is set, in-process otherwise.
    store = shared_store(settings.redis_url, settings.app_name)
    limiter = Limiter(store)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await store.close()
        await database.dispose()

    docs = settings.docs_served
    app = FastAPI(
        title="User Service",
        version=__version__,
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
        telemetry=telemetry_config(settings, tracer_provider),
    )
    app.state.settings = settings
    app.state.token_keys = token_keys = TokenKeys.from_settings(settings)
    app.state.database = database
    app.state.metrics = collected
    app.state.rate_limiter = limiter
    app.state.shared_store = store
    register_error_handlers(app)
    # The API first: FastAPI tries routes in order, and each one it passes over costs the
    # hot routes time on every request.
    for router in resource_routers():
        add_routes(app, router, API_PREFIX)
    add_routes(app, health.router)
    if collected is not None and settings.metrics_served:
        add_routes(app, metrics.router)
    app.state.route_methods = route_methods(app.routes)
    app.state.in_flight = in_flight = in_flight_bound(settings)
    relative_slash_redirects(app)
    # Added innermost first: the request context wraps everything, CORS answers preflights,
    # the rate limit turns floods away before any body is read, idempotency hashes bodies
    # that the size limit already bounds.
    # Sign-in answers hold tokens: never stored. Keys belong to the token's account.
    unkeyed = [f"{API_PREFIX}/auth/"]
    app.add_middleware(
        IdempotencyMiddleware,
        store=IdempotencyStore(store, ttl=settings.idempotency_ttl_seconds),
        trusted_proxies=settings.trusted_proxies,
        excluded=unkeyed,
        authenticate=partial(bearer_subject, token_keys),
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        RateLimitMiddleware,
        limiter=limiter,
        per_minute=settings.rate_limit_per_minute,
        in_flight=in_flight,
        trusted_proxies=settings.trusted_proxies,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Location", "Retry-After", "Idempotent-Replayed"],
        )
    app.add_middleware(
        RequestContextMiddleware,
        trusted_proxies=settings.trusted_proxies,
        observe=collected.observe if collected else None,
    )
    install_openapi(app, unkeyed=unkeyed)
    return app


app = create_app()
