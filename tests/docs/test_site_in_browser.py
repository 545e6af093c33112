"""The built documentation site, opened in headless Chromium (Debian's chromium package): each
page renders its content with its scripts run, and logs nothing to the console (an error from
a missing asset or a broken script fails the test)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PAGES = ["index.html", "reference/cli/index.html", "dependencies/index.html", "update/index.html"]
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


@pytest.mark.parametrize("relative", PAGES)
def test_page_renders_without_console_messages(site: Path, relative: str, tmp_path: Path) -> None:
    dom, messages = open_page(chromium(), site / relative, tmp_path / "profile")
    assert not messages, messages
    assert "<article" in dom and "md-content" in dom, dom[:500]
    # Material's scripts ran: they mark the search as ready and add the copy buttons' hosts.
    assert 'data-md-component="search"' in dom


def test_the_check_sees_console_errors_and_failed_scripts(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        "<!doctype html><html><body><article>x</article>"
        "<script>console.error('boom')</script><script src='missing.js'></script>"
        "<script>undefinedFunction()</script></body></html>"
    )
    _dom, messages = open_page(chromium(), page, tmp_path / "profile")
    assert any("boom" in m for m in messages), messages
    assert any("undefinedFunction" in m for m in messages), messages
