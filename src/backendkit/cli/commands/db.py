"""``backendkit db``: ``db lint`` checks migrations, ``db analyze`` a live database."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(name="db", help="Database tools for the project.", no_args_is_help=True)

EPILOG = """\
Examples:

  backendkit db lint                        # every revision in migrations/versions

  backendkit db lint migrations/versions/0002_add_role_to_users.py

  backendkit db lint --fail-on error --json > lint.json

Ignore a deliberate case with a comment on its line:

  op.drop_column("users", "role")  # backendkit-lint: ignore\\[ban-drop-column]
"""


@app.command("lint", epilog=EPILOG)
def lint(
    paths: list[Path] = typer.Argument(
        None, metavar="[PATH]...", help="Revision files (default: all of the project's)."
    ),
    project: Path = typer.Option(Path("."), "--project", help="The project, or a directory in it."),
    python: Path | None = typer.Option(
        None, "--python", help="The project's interpreter (default: .venv/bin/python, or this one)."
    ),
    fail_on: str = typer.Option(
        "warning", "--fail-on", help="Exit 1 on findings at or above: warning or error."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """Lint migrations for operations that lock or break a live PostgreSQL (exit 1 on findings)."""
    from backendkit.cli.lint_report import print_findings, print_json, print_summary
    from backendkit.dblint import lint_migrations
    from backendkit.errors import UsageError
    from backendkit.migrate import find_project_python
    from backendkit.migrations import read_revisions
    from backendkit.state import find_project_root

    if fail_on not in {"warning", "error"}:
        raise UsageError(f"--fail-on {fail_on!r}: use warning or error")
    start = paths[0].parent if paths else project
    if paths:
        for path in paths:
            if not path.is_file():
                raise UsageError(f"{path}: no such migration file")
    root = find_project_root(start.resolve())
    for directory in {p.parent for p in paths or []} or {root / "migrations" / "versions"}:
        read_revisions(directory)  # a file that does not parse is a one-line error
    env = find_project_python(root, python)
    report = lint_migrations(env, list(paths or []))
    failing = len(report.failing("error" if fail_on == "error" else "warning"))
    if as_json:
        print_json(report, failing)
    else:
        print_findings(report)
        print_summary(report, failing)
    raise typer.Exit(1 if failing else 0)


ANALYZE_EPILOG = """\
Examples:

  backendkit db analyze                      # inside a project: its DATABASE_URL

  backendkit db analyze --database-url postgresql://app@db.internal:5432/app

  backendkit db analyze --fail-on error --json > analysis.json

  backendkit db analyze --snapshot before.json      # then a load test of 500 requests

  backendkit db analyze --since before.json --requests 500   # N+1 statements since

Read-only: every query runs in a READ ONLY transaction; HypoPG's hypothetical indexes live only
in this session. Exit 1 on findings at or above --fail-on; 2 on bad usage or no connection.
"""


@app.command("analyze", epilog=ANALYZE_EPILOG)
def analyze(
    database_url: str | None = typer.Option(
        None, "--database-url", help="libpq or SQLAlchemy URL (default: the project's settings)."
    ),
    project: Path = typer.Option(Path("."), "--project", help="The project, or a directory in it."),
    fail_on: str = typer.Option(
        "warning", "--fail-on", help="Exit 1 on findings at or above: warning or error."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    explain_analyze: bool = typer.Option(
        False, "--explain-analyze", help="Plan top SELECTs with EXPLAIN ANALYZE (runs them)."
    ),
    snapshot: Path | None = typer.Option(
        None, "--snapshot", help="Write each statement's calls to FILE (before a load test)."
    ),
    since: Path | None = typer.Option(
        None, "--since", help="A --snapshot FILE: report N+1 statements run since it."
    ),
    requests: int | None = typer.Option(
        None, "--requests", help="Requests the load test sent since --since."
    ),
) -> None:
    """Analyze a live PostgreSQL: indexes, top queries, bloat, sessions, connection sizing."""
    from backendkit.cli.analyze_report import print_json, print_report
    from backendkit.dbanalyze import analyze_database
    from backendkit.dbanalyze.connection import resolve_url
    from backendkit.errors import UsageError
    from backendkit.state import find_project_root

    if fail_on not in {"warning", "error"}:
        raise UsageError(f"--fail-on {fail_on!r}: use warning or error")
    try:
        root: Path | None = find_project_root(project.resolve())
    except UsageError:
        root = None  # anywhere with a URL: no project settings, no connection sizing
    url = resolve_url(database_url, root)
    report = analyze_database(
        url,
        root,
        explain_analyze=explain_analyze,
        snapshot=snapshot,
        since=since,
        requests=requests,
    )
    failing = len(report.failing("error" if fail_on == "error" else "warning"))
    if as_json:
        print_json(report, failing)
    else:
        print_report(report, failing)
    raise typer.Exit(1 if failing else 0)
