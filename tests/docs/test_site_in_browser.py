"""The built documentation site, opened in headless Chromium (Debian's chromium package): each
page renders its content with its scripts run, and logs nothing to the console (an error from
a missing asset or a broken script fails the test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import chromium, open_page

PAGES = ["index.html", "reference/cli/index.html", "dependencies/index.html", "update/index.html"]


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
