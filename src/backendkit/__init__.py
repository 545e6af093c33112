"""backendkit: generate production-grade backend services and keep them in step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from backendkit.config import ResourceSpec, ServiceConfig
    from backendkit.errors import BackendkitError, UsageError
    from backendkit.generate import Generation, new_service

__all__ = [
    "BackendkitError",
    "Generation",
    "ResourceSpec",
    "ServiceConfig",
    "UsageError",
    "__version__",
    "new_service",
]

_LAZY = {
    "ResourceSpec": "backendkit.config",
    "ServiceConfig": "backendkit.config",
    "BackendkitError": "backendkit.errors",
    "UsageError": "backendkit.errors",
    "Generation": "backendkit.generate",
    "new_service": "backendkit.generate",
}


def __getattr__(name: str) -> Any:
    # Imported on first use so that `backendkit --help` and light commands start fast.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'backendkit' has no attribute {name!r}")
