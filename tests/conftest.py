"""Shared fixtures: where the real PostgreSQL and Redis are, and how to skip without them.

PostgreSQL: BACKENDKIT_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
Redis: BACKENDKIT_TEST_REDIS_URL (default redis://127.0.0.1:6379/0).
Without the service a test skips with the reason; under CI=true it fails instead.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest

from tests.dist import Dist, build_dist

POSTGRES_URL = os.environ.get(
    "BACKENDKIT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("BACKENDKIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def require_service(name: str, url: str, default_port: int) -> str:
    """URL when the service answers; otherwise skip (or fail under CI=true)."""
    if _reachable(url, default_port):
        return url
    reason = f"{name} is not reachable at {url} (set BACKENDKIT_TEST_{name.upper()}_URL)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; under CI=true a missing service is a failure")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL server's URL (libpq form, no driver)."""
    return require_service("postgres", POSTGRES_URL, 5432)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis server's URL."""
    return require_service("redis", REDIS_URL, 6379)


@pytest.fixture(scope="session")
def backendkit_dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    """This checkout's sdist and wheel, built once per test session."""
    return build_dist(tmp_path_factory.mktemp("dist"))
