"""Find resource packages at start-up: adding a resource adds files and edits none."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import APIRouter

import app as app_package

_APP_DIR = Path(app_package.__file__).parent


def resource_packages() -> list[str]:
    """Names of the ``app/`` subpackages that hold a resource (a router or models module)."""
    return sorted(
        entry.name
        for entry in _APP_DIR.iterdir()
        if entry.is_dir()
        and (entry / "__init__.py").is_file()
        and ((entry / "router.py").is_file() or (entry / "models.py").is_file())
    )


def import_models() -> None:
    """Import every resource's models so that their tables join the metadata."""
    for name in resource_packages():
        if (_APP_DIR / name / "models.py").is_file():
            importlib.import_module(f"app.{name}.models")


# A resource's routes: its own collection, and (for refs) its lists under each parent.
ROUTER_NAMES = ("router", "nested_router")


def resource_routers() -> list[APIRouter]:
    """Every resource's ``router``, and its ``nested_router`` when it has one.

    Nested routes (``/categories/{id}/products``) live with the child, so adding a child
    never edits its parent's files.
    """
    routers: list[APIRouter] = []
    for name in resource_packages():
        if (_APP_DIR / name / "router.py").is_file():
            module = importlib.import_module(f"app.{name}.router")
            for attribute in ROUTER_NAMES:
                router = getattr(module, attribute, None)
                if isinstance(router, APIRouter):
                    routers.append(router)
    return routers
