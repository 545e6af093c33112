"""``backendkit check``: the CI drift gate."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer()

EPILOG = """\
Examples:

  backendkit check                 # exit 1 when a template-owned file drifted

  backendkit check --strict        # also fail on any edit and on a newer template

  backendkit check --no-migrations # skip comparing models and migrations

  backendkit check --json > drift.json
"""


@app.command(epilog=EPILOG)
def check(
    path: Path = typer.Argument(Path("."), help="The project, or any directory inside it."),
    strict: bool = typer.Option(
        False, "--strict", help="Fail on any edited generated file and on a newer template."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    diff: bool = typer.Option(True, "--diff/--no-diff", help="Show a diff per failing file."),
    migrations: bool = typer.Option(
        True,
        "--migrations/--no-migrations",
        help="Also compare models and migrations (needs the project's Python; else skipped).",
    ),
) -> None:
    """Check that the project has not drifted from its template (exit 1 when it has)."""
    from backendkit.cli.check_report import print_json, print_report
    from backendkit.drift import check_project
    from backendkit.project import Project

    report = check_project(Project.find(path), strict=strict, migrations=migrations)
    if as_json:
        print_json(report)
    else:
        print_report(report, show_diffs=diff)
    raise typer.Exit(1 if report.failed else 0)
