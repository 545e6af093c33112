"""Test servers on 127.0.0.1, started per test or per session, and always stopped."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator

import pytest

from tests.loadtest.server_process import start_server, stop_server

ServerFactory = Callable[..., str]


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """One shared test server for tests that do not change its state."""
    process, url = start_server()
    yield url
    stop_server(process)


@pytest.fixture
def fresh_server() -> Iterator[ServerFactory]:
    """Start a server of one's own (e.g. one whose single stall is still to come)."""
    processes: list[subprocess.Popen[str]] = []

    def factory(*args: str) -> str:
        process, url = start_server(*args)
        processes.append(process)
        return url

    yield factory
    for process in processes:
        stop_server(process)
