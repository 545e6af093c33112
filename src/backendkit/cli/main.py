"""The ``backendkit`` entry point: composes the command modules and maps errors to exits."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from typing import Any, NoReturn

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
    # The tool's version, then each shipped template's: check and update compare a project's
    # recorded template version with these (docs/release.md).
    if value:
        from backendkit.templates import shipped_templates

        typer.echo(f"backendkit {__version__}")
        for template in shipped_templates():
            typer.echo(f"template {template.name} {template.version}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="Print backendkit's version and each template's, and exit.",
    ),
) -> None:
    """Generate production-grade backend services and keep them in step with their templates.

    Exit codes: 0 success, 1 a check failed, 2 bad usage.
    """


def _command_modules(argv: list[str]) -> list[str]:
    """The command modules to load: only the one ARGV runs, when it names one (a command builds
    its options at start-up, so loading the rest would slow every run); all of them for
    ``--help``, shell completion, or anything else."""
    # A new command is a new module in backendkit.cli.commands exposing a Typer `app`.
    names = sorted(m.name for m in pkgutil.iter_modules(commands.__path__))
    completing = any(key.endswith("_COMPLETE") for key in os.environ)
    if len(argv) > 1 and argv[1] in names and not completing:
        return [argv[1]]
    return names


def _register_commands(names: list[str]) -> None:
    for name in names:
        module = importlib.import_module(f"{commands.__name__}.{name}")
        sub_app = getattr(module, "app", None)
        if isinstance(sub_app, typer.Typer):
            app.add_typer(sub_app)


_register_commands(_command_modules(sys.argv))


def run() -> None:
    """Run the CLI: every failure is one line on stderr and an exit code (README: 1 a check
    failed, 2 bad usage); click's usage errors too, which it would otherwise print in a box."""
    from backendkit.errors import BackendkitError

    clicks = _click_exceptions()
    try:
        result = app(standalone_mode=False)
    except clicks.NoArgsIsHelpError as exc:
        sys.exit(exc.exit_code)  # the help is already printed
    except clicks.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        hint = f" (see {ctx.command_path} --help)" if ctx is not None else ""
        _fail(f"{exc.format_message().rstrip('.')}{hint}", exc.exit_code)
    except clicks.Abort:
        _fail("aborted", 1)
    except BackendkitError as exc:
        _fail(str(exc), exc.exit_code)
    except UnicodeDecodeError as exc:
        _fail(f"a file is not UTF-8 text ({exc.reason} at byte {exc.start})", 2)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or exc}", 2)
    except KeyboardInterrupt:
        error_console().print("interrupted")
        sys.exit(130)
    sys.exit(result if isinstance(result, int) else 0)


def _click_exceptions() -> Any:
    """Click's exception classes: typer 0.26 vendors click, earlier versions use it."""
    try:
        from typer import _click

        return _click.exceptions
    except ImportError:
        import click

        return click.exceptions


def _fail(message: str, code: int) -> NoReturn:
    from rich.markup import escape

    # escape: a message may hold brackets (".[dev]", "[SQL: ...]"); one line, never wrapped.
    line = " ".join(escape(message).splitlines())
    error_console().print(f"[bold red]error:[/] {line}", highlight=False, soft_wrap=True)
    sys.exit(code)
