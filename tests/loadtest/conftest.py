"""Test servers on 127.0.0.1, started per test or per session, and always stopped."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SERVER = Path(__file__).with_name("http_test_server.py")
ServerFactory = Callable[..., str]


def start_server(*args: str) -> tuple[subprocess.Popen[str], str]:
    """A test server process and its base URL; closing its stdin stops it."""
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--lifetime", "120", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"test server did not start: {line!r}")
    return process, f"http://127.0.0.1:{int(line.split()[1])}"


def stop_server(process: subprocess.Popen[str]) -> None:
    """Close stdin and wait; kill if it lingers."""
    assert process.stdin is not None
    process.stdin.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
