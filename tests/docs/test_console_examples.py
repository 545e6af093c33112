"""Every `backendkit ...` command in a fenced ``console`` block of README.md and docs/ parses
against the CLI as it is (a renamed or removed command or option fails here), and the examples
that need no server, network or project run, offline, in a fresh directory."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.docs.examples import PAGES, all_blocks, inline_commands

SHELL_OPERATORS = {"&&", "||", "|", ">", ">>", "<", ";"}


def console_commands(page: Path) -> list[str]:
    """The `$ ...` commands of PAGE's console blocks and the whole commands of its prose."""
    blocks = [
        command.line for block in all_blocks() if block.page == page for command in block.commands
    ]
    return blocks + inline_commands(page)


def backendkit_invocations(command: str) -> list[list[str]]:
    """The argument lists of each `backendkit` call in a shell COMMAND."""
    words = shlex.split(command, comments=True)
    calls, current = [], None
    for word in words:
        if word in SHELL_OPERATORS:
            if current is not None:
                calls.append(current)
            current = None
        elif current is not None:
            current.append(word)
        elif word == "backendkit" or word.endswith("/bin/backendkit"):
            current = []
    if current is not None:
        calls.append(current)
    return calls


EXAMPLES = [
    pytest.param(args, id=f"{page.name}: backendkit {' '.join(args)}"[:120])
    for page in PAGES
    for command in console_commands(page)
    for args in backendkit_invocations(command)
]


@pytest.fixture(scope="module")
def cli() -> Any:
    import typer

    sys.argv, argv = ["backendkit"], sys.argv
    try:
        from backendkit.cli.main import app
    finally:
        sys.argv = argv
    return typer.main.get_command(app)


def test_the_docs_hold_console_examples() -> None:
    assert len(EXAMPLES) >= 15


def remaining(ctx: Any) -> list[str]:
    """What a group's context left for its subcommand (click moved it to a private field)."""
    protected = getattr(ctx, "_protected_args", None)
    if protected is None:
        protected = getattr(ctx, "protected_args", [])
    return [*protected, *ctx.args]


@pytest.mark.parametrize("args", EXAMPLES)
def test_console_example_parses(cli: Any, args: list[str]) -> None:
    """Commands, options and arguments resolve; nothing runs (callbacks are not invoked)."""
    command, rest = cli, list(args)
    ctx = command.make_context("backendkit", list(rest), resilient_parsing=True)
    while hasattr(command, "commands") and remaining(ctx):
        name, command, rest = command.resolve_command(ctx, remaining(ctx))
        assert command is not None, f"unknown command {name}: {args}"
        ctx = command.make_context(name, list(rest), parent=ctx, resilient_parsing=True)
    if hasattr(command, "commands"):  # a group alone answers only its eager options
        assert rest in (["--version"], ["--help"]), f"incomplete command: {args}"
        return
    # Resilient parsing lets an unknown option through: every option word must be declared.
    declared = {"--help"} | {
        name for param in command.params for name in [*param.opts, *param.secondary_opts]
    }
    for word in rest:
        if word.startswith("-") and word != "-" and not re.fullmatch(r"-\d.*", word):
            name = word.split("=")[0] if word.startswith("--") else word[:2]  # -c16 is -c 16
            assert name in declared, f"unknown option {word}: {args}"


def test_offline_examples_run_in_a_fresh_directory(tmp_path: Path) -> None:
    """The generating examples run as written; what they write then passes backendkit check."""
    backendkit = str(Path(sys.executable).parent / "backendkit")
    new = [
        args
        for block in all_blocks()
        for command in block.commands
        for args in backendkit_invocations(command.line)
        if args[:1] == ["new"]
    ]
    assert new
    for number, args in enumerate(new):
        directory = tmp_path / str(number)
        directory.mkdir()
        run = subprocess.run(
            [backendkit, *args, "--no-git", "--defaults"], cwd=directory,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert run.returncode == 0, (args, run.stderr)
        if "--dry-run" in args:
            assert not any(directory.iterdir()), (args, "a dry run wrote files")
            continue
        (project,) = [p for p in directory.iterdir() if p.is_dir()]
        check = subprocess.run(
            [backendkit, "check"], cwd=project, capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
        assert check.returncode == 0, (args, check.stdout, check.stderr)
