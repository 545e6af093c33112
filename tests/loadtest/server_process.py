"""Start and stop the test HTTP server (http_test_server.py) as a child process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SERVER = Path(__file__).with_name("http_test_server.py")


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
