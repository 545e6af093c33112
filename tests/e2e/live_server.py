"""A generated service running under uvicorn on a free local port, and plain HTTP to it."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

from tests.e2e.projects import check_tool, project_env
from tests.e2e.venv import Venv

START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: Any


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def request(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> Reply:
    """One HTTP request; the reply's JSON body (None when empty), whatever the status."""
    data = None if body is None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json"} if data is not None else {}
    outgoing = urllib.request.Request(
        url, data=data, method=method, headers={**sent, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(outgoing, timeout=10) as response:
            return Reply(response.status, response.headers, _json(response.read()))
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, _json(error.read()))


def _json(raw: bytes) -> Any:
    return json.loads(raw) if raw else None


@contextmanager
def running_service(venv: Venv, project: Path, database_url: str, **settings: str) -> Iterator[str]:
    """Migrate, start ``python -m app`` on a free port, yield its base URL, stop it.

    SETTINGS are more environment variables for the service (e.g. ``REDIS_URL``).
    """
    port = free_port()
    env = {"DATABASE_URL": database_url, "APP_ENV": "test", "LOG_LEVEL": "WARNING", **settings}
    check_tool(venv, project, "-m", "alembic", "upgrade", "head", **env)
    process = subprocess.Popen(
        [str(venv.python), "-m", "app"],
        cwd=project,
        env=project_env(project, PORT=str(port), HOST="127.0.0.1", **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"the service exited with {process.returncode}:\n{output}")
        try:
            if request("GET", f"{base}/health").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the service did not answer /health within {START_TIMEOUT} s")
