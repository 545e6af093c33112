"""A health-endpoint server on 127.0.0.1 (the load tests' server), stopped after the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.loadtest.server_process import start_server, stop_server


@pytest.fixture(scope="session")
def health_server() -> Iterator[str]:
    """Base URL of a server with /health (pass), /ready (503 fail), /warn and /hang."""
    process, url = start_server()
    yield url
    stop_server(process)
