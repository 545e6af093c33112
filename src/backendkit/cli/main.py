"""The ``backendkit`` entry point: composes the command modules and maps errors to exits."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

# pydantic scans every installed distribution for plugins at import; the CLI uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")

import typer

from backendkit import __version__
from backendkit.cli import commands
from backendkit.cli.output import error_console

app = typer.Typer(
    name="backendkit",
    help="Generate production-grade backend services and keep them in step with their templates.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"backendkit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Generate production-grade backend services and keep them in step with their templates.

    Exit codes: 0 success, 1 a check failed, 2 bad usage.
    """


def _register_commands() -> None:
    # A new command is a new module in backendkit.cli.commands exposing a Typer `app`.
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        sub_app = getattr(module, "app", None)
        if isinstance(sub_app, typer.Typer):
            app.add_typer(sub_app)


_register_commands()


def run() -> None:
    """Run the CLI; a BackendkitError becomes one line on stderr and its exit code."""
    from backendkit.errors import BackendkitError

    try:
        app()
    except BackendkitError as exc:
        from rich.markup import escape

        message = escape(str(exc))  # a message may hold brackets: ".[dev]", "[SQL: ...]"
        error_console().print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        error_console().print("interrupted")
        sys.exit(130)
