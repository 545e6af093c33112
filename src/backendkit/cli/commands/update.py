"""``backendkit update``: take a newer template or changed answers without losing an edit."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer()

EPILOG = """\
Examples:

  backendkit update --dry-run               # the plan and its diffs; nothing written

  backendkit update                         # take the installed template version

  backendkit update --set db=postgres --set deploy=docker

  backendkit update --ref v2.0.0            # an external template's project: that tag
"""


@app.command(epilog=EPILOG)
def update(
    settings: list[str] = typer.Option(
        None,
        "--set",
        metavar="KEY=VALUE",
        help="Change an answer (db, cache, broker, deploy, ci, api).",
    ),
    path: Path = typer.Option(Path("."), "--path", help="The project, or a directory inside it."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan and diffs only."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
    allow_dirty: bool = typer.Option(
        False, "--allow-dirty", help="Run even with uncommitted changes in the git tree."
    ),
    allow_downgrade: bool = typer.Option(
        False, "--allow-downgrade", help="Render with a template older than the recorded one."
    ),
    ref: str | None = typer.Option(
        None, "--ref", help="External template: the tag or commit to take (default: latest tag)."
    ),
    trust: bool = typer.Option(
        False, "--trust", help="External template: run its _tasks and _migrations."
    ),
) -> None:
    """Re-render with the installed template and/or changed answers, merging your edits."""
    from backendkit.cli.update_report import parse_settings, print_json, print_plan
    from backendkit.project import Project
    from backendkit.update import apply_update, ensure_clean_tree, touched_paths
    from backendkit.update_plan import plan_update

    project = Project.find(path)
    if project.state.source is not None:
        from backendkit.cli.external_update import run_external_update
        from backendkit.cli.template_flow import parse_data

        run_external_update(
            project,
            ref=ref,
            overrides=parse_data(list(settings or []), None),
            allow_downgrade=allow_downgrade,
            allow_dirty=allow_dirty,
            trust=trust,
            dry_run=dry_run,
            as_json=as_json,
        )
    if ref is not None:
        from backendkit.errors import UsageError

        raise UsageError("--ref takes a tag or commit of an external template (new --template)")
    plan = plan_update(project, parse_settings(settings or []), allow_downgrade=allow_downgrade)
    if not dry_run and not allow_dirty:
        ensure_clean_tree(project.root, touched_paths(plan))
    backup = None if dry_run else apply_update(plan)
    if as_json:
        print_json(plan, dry_run=dry_run)
    else:
        print_plan(plan, dry_run=dry_run, backup=backup)
    raise typer.Exit(1 if plan.conflicts else 0)
