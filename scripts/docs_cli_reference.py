"""MkDocs hook: docs/reference/cli.md, written at build time from the CLI's own definitions.

Every command, argument and option comes from Typer's click objects, so the page cannot
drift from the CLI: a new command or option appears in it with no edit here.
"""

from __future__ import annotations

import pkgutil
import sys
from typing import Any

PAGE = "reference/cli.md"


def _app() -> Any:
    argv, sys.argv = sys.argv, ["backendkit"]  # the entry point loads every command then
    try:
        import typer

        from backendkit.cli import commands
        from backendkit.cli.main import app
    finally:
        sys.argv = argv
    command = typer.main.get_command(app)
    modules = {m.name for m in pkgutil.iter_modules(commands.__path__)}
    assert getattr(command, "commands", None), "no commands found"
    assert len(command.commands) >= len(modules) - 1, (sorted(command.commands), modules)
    return command


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _parameters(command: Any) -> list[str]:
    rows = []
    for param in command.params:
        if param.param_type_name == "argument":
            name = f"`{param.human_readable_name}`"
            kind = "argument" + ("" if param.required else ", optional")
            help_text = ""
        elif param.param_type_name == "option":
            if param.hidden:
                continue
            name = " / ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
            kind = "flag" if param.is_flag else f"`{param.type.name.upper()}`"
            if param.multiple:
                kind += ", repeatable"
            help_text = param.help or ""
            default = param.default
            if default not in (None, False, (), []) and not callable(default):
                help_text += f" (default: `{default}`)"
        else:
            continue
        rows.append(f"| {name} | {kind} | {_cell(help_text)} |")
    return rows


def _section(command: Any, path: str, depth: int) -> list[str]:
    lines = [f"{'#' * depth} `{path}`", ""]
    help_text = (command.help or "").split("\f")[0].strip()
    if help_text:
        lines += ["```text", help_text, "```", ""]
    rows = _parameters(command)
    if rows:
        lines += ["| parameter | kind | meaning |", "| --- | --- | --- |", *rows, ""]
    if hasattr(command, "commands"):
        for name in sorted(command.commands):
            sub = command.commands[name]
            if not sub.hidden:
                lines += _section(sub, f"{path} {name}", min(depth + 1, 4))
    return lines


def render() -> str:
    lines = [
        "# CLI reference",
        "",
        "Generated from the CLI's own definitions when the site is built"
        " (`scripts/docs_cli_reference.py`); `backendkit COMMAND --help` prints the same.",
        "",
    ]
    return "\n".join(lines + _section(_app(), "backendkit", 2))


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    files.append(File.generated(config, PAGE, content=render()))
    return files
