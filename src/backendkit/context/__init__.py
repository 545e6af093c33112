"""The jinja context of a render: the config, with every derived spelling and type mapping.

The FastAPI template reads Python, SQLAlchemy and pydantic spellings from here so that the
templates stay declarative and the mapping is tested as code.
"""

from __future__ import annotations

from typing import Any

from backendkit import __version__
from backendkit.config import ServiceConfig
from backendkit.context.codegen import py_str, python_imports, render_call, render_collection
from backendkit.context.field_view import FieldView
from backendkit.context.graphql_sdl import graphql_sdl
from backendkit.context.resource_view import ResourceView
from backendkit.deploy import deploy_context

SERVICE_PORT = 8000
INITIAL_REVISION = "0000_initial"
# BROKER_URL's development default per broker answer (the local broker's usual address).
BROKER_DEFAULT_URLS = {
    "rabbitmq": "amqp://guest:guest@localhost:5672/",
    "nats": "nats://localhost:4222",
    "redis": "redis://localhost:6379/0",
}

__all__ = ["INITIAL_REVISION", "SERVICE_PORT", "FieldView", "ResourceView", "service_context"]


def service_context(
    config: ServiceConfig,
    migrations: dict[str, tuple[str, str | None]],
    *,
    template_version: str,
    secret_key: str,
) -> dict[str, Any]:
    """The context every file of the project is rendered with."""
    plurals = tuple((r.name, r.plural) for r in config.resources if r.plural)
    resources = [
        ResourceView(spec, *migrations[spec.name], declared_plurals=plurals)
        for spec in config.resources
    ]
    slug = config.name.replace("-", "_")
    return {
        **config.answers(),
        "api": list(config.api),
        "broker": config.broker,
        "broker_default_url": BROKER_DEFAULT_URLS.get(config.broker, ""),
        "project_name": config.name,
        "project_slug": slug,
        "project_title": config.name.replace("-", " ").replace("_", " ").title(),
        "resources": resources,
        "port": SERVICE_PORT,
        "secret_key": secret_key,
        "backendkit_version": __version__,
        "template_version": template_version,
        "initial_revision": INITIAL_REVISION,
        # With jwt, a `user` resource is the sign-in account; without one, auth builds its own.
        "auth_user_resource": config.auth == "jwt" and any(r.name == "user" for r in resources),
        # Helpers that lay generated Python out the way ruff would.
        "python_imports": python_imports,
        "render_call": render_call,
        "render_collection": render_collection,
        "py_str": py_str,
        # schema.graphql, rendered without importing the project (--api rest,graphql).
        "graphql_sdl": graphql_sdl,
        # Values the Dockerfile, compose, Kubernetes and CI files share (see deploy.py).
        **deploy_context(config),
    }
