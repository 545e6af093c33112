"""Headless Chromium (Debian's chromium package) for tests that open HTML: the DOM after the
page's scripts ran, and what it logged to the console. Missing, it skips with a reason, and
fails under CI=true (.ci/run installs it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CONSOLE = re.compile(r":CONSOLE[^\]]*\]\s*(.*)")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    return found


def open_page(browser: str, page: Path, profile: Path) -> tuple[str, list[str]]:
    """The DOM after the page's scripts ran, and its console messages."""
    result = subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
            "--virtual-time-budget=5000", "--dump-dom", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    messages = [m.group(1) for m in map(CONSOLE.search, result.stderr.splitlines()) if m]
    return result.stdout, messages
