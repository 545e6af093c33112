"""``backendkit accept``: record an intentional edit to a generated file."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer()

EPILOG = """\
Examples:

  backendkit accept pyproject.toml Dockerfile

  backendkit accept --undo app/core/config.py     # check compares it with the template again
"""


@app.command(epilog=EPILOG)
def accept(
    paths: list[Path] = typer.Argument(..., metavar="PATH...", help="Edited generated files."),
    undo: bool = typer.Option(False, "--undo", help="Forget the accepted edit of each PATH."),
) -> None:
    """Accept edits to generated files: check passes while each holds exactly what you accepted,
    and update still merges the template's changes into it."""
    from backendkit.accept import accept_edits
    from backendkit.cli.output import console
    from backendkit.project import Project

    project = Project.find(Path.cwd() if not paths else paths[0].parent)
    for line in accept_edits(project, paths, undo=undo):
        console().print(line, markup=False)
