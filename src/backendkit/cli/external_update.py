"""``backendkit update`` in an external template's project: render the new ref, run its
``_migrations`` around the merge (only with --trust), merge, report."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any, NoReturn

import typer

from backendkit.errors import UsageError
from backendkit.project import Project


def run_external_update(
    project: Project,
    *,
    ref: str | None,
    overrides: dict[str, Any],
    allow_downgrade: bool,
    allow_dirty: bool,
    trust: bool,
    dry_run: bool,
    as_json: bool,
) -> NoReturn:
    from backendkit.cli.update_report import print_json, print_plan
    from backendkit.external.layout import write_layout
    from backendkit.external.update import plan_external_update, render_update
    from backendkit.update import apply_update, ensure_clean_tree, touched_paths

    new = render_update(project, ref=ref, overrides=overrides, allow_downgrade=allow_downgrade)
    with ExitStack() as stack:
        migrations = None
        source = project.state.source
        if new.has_migrations and source is not None and source.commit and new.commit:
            from backendkit.external.migrations import open_migrations

            opened = stack.enter_context(
                open_migrations(
                    source.url,
                    project.root,
                    new.answers,
                    source.commit,
                    ref or new.describe or new.commit,
                )
            )
            if opened.pending:
                migrations = opened
        if new.has_tasks and not trust and not dry_run:
            raise UsageError(
                f"template {source.url if source else ''} runs tasks (_tasks) after rendering: "
                "pass --trust to run them (nothing written)"
            )
        if migrations is not None and not dry_run:
            if not trust:
                raise UsageError(
                    f"template {source.url if source else ''} runs migrations (_migrations) "
                    f"from {project.state.template.version} to {new.version}: "
                    "pass --trust to run them (nothing written)"
                )
            if not allow_dirty:  # a migration may touch any file: git must be able to undo it
                ensure_clean_tree(project.root, ["."])
            migrations.run("before")
        plan = plan_external_update(project, new)
        if not dry_run and not allow_dirty:
            ensure_clean_tree(project.root, touched_paths(plan))
        backup: Path | None = None if dry_run else apply_update(plan)
        if not dry_run:
            write_layout(project.root, new.directories, new.symlinks)
        if new.has_tasks and not dry_run and source is not None:
            from backendkit.external.render import run_tasks
            from backendkit.external.source import TemplateSource

            run_tasks(TemplateSource(source.url), project.root,
                      {**new.recorded_answers, **new.secrets}, new.commit, "update")  # fmt: skip
        if migrations is not None and not dry_run:
            migrations.run("after")
    if as_json:
        print_json(plan, dry_run=dry_run)
    else:
        print_plan(plan, dry_run=dry_run, backup=backup)
        verb = "would run" if dry_run else "ran"
        if new.has_tasks:
            typer.echo(f"{verb} the template's tasks (--trust)")
        if migrations is not None:
            typer.echo(f"{verb} the template's migrations (--trust)")
    raise typer.Exit(1 if plan.conflicts else 0)
