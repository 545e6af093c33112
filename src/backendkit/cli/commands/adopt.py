"""``backendkit adopt``: record state for a project Copier generated."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer()

EPILOG = """\
Examples:

  backendkit adopt                      # in a project with .copier-answers.yml

  backendkit adopt services/billing --dry-run
"""


@app.command(epilog=EPILOG)
def adopt(
    path: Path = typer.Argument(Path("."), help="The Copier project's directory."),
    answers_file: str = typer.Option(
        ".copier-answers.yml", "--answers-file", help="Copier's answers file, inside the project."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report only; write nothing."),
) -> None:
    """Take over a Copier project: record its template, commit and answers so that check and
    update work on it (the template is rendered at the answers file's _commit)."""
    from backendkit.cli.output import report_output
    from backendkit.external.adopt import adopt_project

    adoption = adopt_project(path.resolve(), answers_file=answers_file, dry_run=dry_run)
    out = report_output()
    source = adoption.state.source
    at = f" at {source.ref}" if source and source.ref else ""
    verb = "would record" if dry_run else "recorded"
    out.line(
        f"{verb} {len(adoption.state.files)} template files from "
        f"{source.url if source else '?'}{at}",
        "green",
    )
    for label, paths in (("edited since generated", adoption.differing),
                         ("deleted since generated", adoption.missing)):  # fmt: skip
        if paths:
            out.line(f"{len(paths)} file(s) {label}: {', '.join(paths)}")
    if adoption.differing and not dry_run:
        out.line("backendkit check reports them; record intended edits with backendkit accept")
