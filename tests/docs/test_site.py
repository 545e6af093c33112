"""The documentation site: `mkdocs build --strict` passes (a broken link, anchor or missing page
fails it), and its CLI reference, generated from Typer's definitions, holds every command and
option the CLI has."""

from __future__ import annotations

import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_docs_page_is_built(site: Path) -> None:
    for page in (ROOT / "docs").glob("*.md"):
        built = site / ("index.html" if page.stem == "index" else f"{page.stem}/index.html")
        assert built.is_file(), page.name


def test_cli_reference_lists_every_command_and_option(site: Path) -> None:
    import typer

    sys.argv, argv = ["backendkit"], sys.argv
    try:
        from backendkit.cli.main import app
    finally:
        sys.argv = argv
    page = html.unescape((site / "reference/cli/index.html").read_text())

    def walk(command: object, path: str) -> None:
        assert f"{path}" in page, path
        for param in getattr(command, "params", []):
            if param.param_type_name == "option" and not param.hidden:
                assert param.opts[0] in page, (path, param.opts)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "backendkit")
    assert "backendkit add resource" in page and "--dry-run" in page
