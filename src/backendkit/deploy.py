"""The values that the Dockerfile, compose file, Kubernetes manifests and CI workflow share.

Every value that two generated files must agree on (the port, the health paths, the image
name, the names of the environment variables, the base images) is defined once here and
reaches the templates through ``service_context()``; no template spells one of them itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backendkit.config import ServiceConfig

HEALTH_PATH = "/health"
READY_PATH = "/ready"
METRICS_PATH = "/metrics"
# The Python of the image and of CI; the image pins the patch release.
PYTHON_VERSION = "3.12"
PYTHON_IMAGE = "python:3.12.11-slim-bookworm"
# The uv that sets projects up from their uv.lock (image and CI); the lock's format is its.
UV_VERSION = "0.13.9"
POSTGRES_IMAGE = "postgres:17.5-alpine"
REDIS_IMAGE = "redis:7.4.5-alpine"
POSTGRES_PORT = 5432
# The role and database of the PostgreSQL that compose and CI start for the service.
POSTGRES_USER = "app"
POSTGRES_DB = "app"
REDIS_PORT = 6379
# The unprivileged user the image runs as (above the range a distribution allocates).
APP_UID = 10001
DEFAULT_WORKERS = 2
# Connections per worker in Kubernetes: 4 x 2 workers x 10 replicas (the prod overlay's HPA
# maximum) is 80, under PostgreSQL's default max_connections of 100 with room for migrations
# and operators. `backendkit db analyze` checks the sum against the server's limit.
K8S_DB_POOL_SIZE = 4


@dataclass(frozen=True)
class EnvNames:
    """The names of the environment variables the service reads."""

    app_env: str = "APP_ENV"
    secret_key: str = "SECRET_KEY"
    database_url: str = "DATABASE_URL"
    redis_url: str = "REDIS_URL"
    log_level: str = "LOG_LEVEL"
    cors_origins: str = "CORS_ORIGINS"
    metrics_token: str = "METRICS_TOKEN"
    db_pool_size: str = "DB_POOL_SIZE"
    # Read by the server command, not by the application's settings.
    workers: str = "WEB_CONCURRENCY"


ENV = EnvNames()


@dataclass(frozen=True)
class EventEnvNames:
    """The variables of a service with a message broker that its deploy files set: the relay
    and the consumers in processes of their own, whose probe server listens on all interfaces."""

    relay_in_process: str = "EVENTS_RELAY_IN_PROCESS"
    consume_in_process: str = "EVENTS_CONSUME_IN_PROCESS"
    probe_port: str = "EVENTS_PROBE_PORT"
    host: str = "HOST"


EVENTS_ENV = EventEnvNames()


def dns_name(service: str) -> str:
    """SERVICE as a DNS label: Kubernetes object names and the image name."""
    return service.replace("_", "-")


# The message brokers' client ports, and BROKER_URL's placeholder in the Secret template.
BROKER_PORTS = {"rabbitmq": 5672, "nats": 4222}
# Where `python -m app relay` and `worker` answer /health, /ready and /metrics.
EVENTS_PROBE_PORT = 8001
BROKER_SECRET_URLS = {
    "rabbitmq": "amqp://USER:PASSWORD@HOST:5672/",
    "nats": "nats://USER:PASSWORD@HOST:4222",
    "redis": f"redis://HOST:{REDIS_PORT}/0",
}


def deploy_context(config: ServiceConfig) -> dict[str, Any]:
    """The shared deploy values, as template variables."""
    name = dns_name(config.name)
    broker_secret = (
        {"BROKER_URL": BROKER_SECRET_URLS[config.broker]} if config.broker != "none" else {}
    )
    # Kubernetes runs the relay and the worker as Deployments of their own (k8s/base/events.yaml).
    events_settings = (
        {EVENTS_ENV.relay_in_process: "false", EVENTS_ENV.consume_in_process: "false"}
        if config.broker != "none"
        else {}
    )
    return {
        "dns_name": name,
        "image_name": name,
        "health_path": HEALTH_PATH,
        "ready_path": READY_PATH,
        "metrics_path": METRICS_PATH,
        "python_version": PYTHON_VERSION,
        "python_image": PYTHON_IMAGE,
        "uv_version": UV_VERSION,
        "postgres_image": POSTGRES_IMAGE,
        "redis_image": REDIS_IMAGE,
        "postgres_port": POSTGRES_PORT,
        "postgres_user": POSTGRES_USER,
        "postgres_db": POSTGRES_DB,
        "redis_port": REDIS_PORT,
        "broker_port": BROKER_PORTS.get(config.broker),
        "events_probe_port": EVENTS_PROBE_PORT,
        "public_host": f"{name}.example.com",
        "app_uid": APP_UID,
        "default_workers": DEFAULT_WORKERS,
        "env": ENV,
        "events_env": EVENTS_ENV,
        # Non-secret settings of a deployed service (a ConfigMap in Kubernetes).
        "production_settings": {
            ENV.app_env: "production",
            ENV.log_level: "INFO",
            ENV.cors_origins: "",
            ENV.workers: str(DEFAULT_WORKERS),
            ENV.db_pool_size: str(K8S_DB_POOL_SIZE),
            **events_settings,
        },
        # Settings that hold credentials (a Secret in Kubernetes), with the placeholders of the
        # Secret template; the service refuses to start on the placeholder secret key.
        "secret_settings": {
            ENV.secret_key: "change-me",
            ENV.database_url: f"postgresql+asyncpg://USER:PASSWORD@HOST:{POSTGRES_PORT}/DATABASE",
            ENV.redis_url: f"redis://HOST:{REDIS_PORT}/0",
            # Prometheus sends it as a bearer token: production serves /metrics only with it.
            ENV.metrics_token: "change-me",
            **broker_secret,
        },
    }
