"""A health-endpoint server on 127.0.0.1 (the load tests' server), stopped after the session."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVER = Path(__file__).parents[1] / "loadtest" / "http_test_server.py"


@pytest.fixture(scope="session")
def health_server() -> Iterator[str]:
    """Base URL of a server with /health (pass), /ready (503 fail), /warn and /hang."""
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--lifetime", "120"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    line = process.stdout.readline()
    assert line.startswith("PORT "), line
    yield f"http://127.0.0.1:{int(line.split()[1])}"
    process.stdin.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
