"""``backendkit add``: grow a project one resource at a time."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

app = typer.Typer(
    name="add",
    help="Add a resource, a field, an action, an event consumer or a job to the project.",
    no_args_is_help=True,
)

if TYPE_CHECKING:
    from backendkit.evolve import Change

EPILOG = """\
Examples:

  backendkit add resource order total:decimal(10,2) status:enum(new,paid,shipped)=new

  backendkit add resource category --fields "name:str:unique description:text:optional"

  backendkit add resource status_update body:text --soft-delete --dry-run

  backendkit add resource review "product:ref(product)" rating:int --soft-delete

  backendkit add resource order total:decimal(10,2) --events   # order.created/updated/deleted
"""


@app.command("resource", epilog=EPILOG)
def resource(
    name: str = typer.Argument(..., help="Resource name: a singular snake_case identifier."),
    field_tokens: list[str] = typer.Argument(None, metavar="[FIELD]...", help="Its fields."),
    fields: str | None = typer.Option(None, "--fields", help="Fields in one string."),
    owned: bool = typer.Option(False, "--owned", help="Rows belong to the user who made them."),
    soft_delete: bool = typer.Option(False, "--soft-delete", help="DELETE sets deleted_at."),
    plural: str | None = typer.Option(
        None, "--plural", help="Its plural (table and path) when English gets it wrong."
    ),
    events: bool = typer.Option(
        False, "--events", help="Publish <name>.created/updated/deleted (needs a broker)."
    ),
    path: Path = typer.Option(Path("."), "--path", help="The project, or a directory inside it."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the files; write nothing."),
) -> None:
    """Add a resource: model, schemas, repository, service, router, tests and migration."""
    from backendkit.add_resource import add_resource
    from backendkit.cli.output import console
    from backendkit.config_file import build_resource
    from backendkit.fields import split_field_arguments, split_fields
    from backendkit.project import Project

    project = Project.find(path)
    tokens = split_field_arguments(field_tokens or []) + (split_fields(fields) if fields else [])
    spec = build_resource(
        {
            "name": name,
            "fields": tokens or "name:str",
            "owned": owned,
            "soft_delete": soft_delete,
            "plural": plural,
            "events": events,
        }
    )
    addition = add_resource(project, spec, dry_run=dry_run)
    out = console()
    for file in sorted(addition.files, key=lambda f: f.path):
        out.print(f"  {'would add' if dry_run else 'added'} {file.path}", markup=False)
    for file in addition.updated:
        out.print(f"  {'would update' if dry_run else 'updated'} {file.path}", markup=False)
    verb = "would add" if dry_run else "added"
    out.print(f"{verb} resource {spec.name} ({len(addition.files)} files)"
              + ("; nothing written (dry run)" if dry_run else ""))  # fmt: skip
    if not dry_run:
        out.print("next: alembic upgrade head")


FIELD_EPILOG = """\
Examples:

  backendkit add field product barcode:str(32):unique:optional

  backendkit add field product "weight:decimal(8,3)=0" in_stock:bool=true

  backendkit add field user nickname:str --backfill nickname=anonymous

  backendkit add field product "category:ref(category)" --dry-run
"""


@app.command("field", epilog=FIELD_EPILOG)
def field(
    resource: str = typer.Argument(..., help="The resource (or its table)."),
    field_tokens: list[str] = typer.Argument(None, metavar="FIELD...", help="Fields to add."),
    fields: str | None = typer.Option(None, "--fields", help="Fields in one string."),
    backfill: list[str] = typer.Option(
        None, "--backfill", metavar="NAME=VALUE", help="Value for existing rows of a new field."
    ),
    revision_name: str | None = typer.Option(None, "--name", help="The migration's name."),
    path: Path = typer.Option(Path("."), "--path", help="The project, or a directory inside it."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan and diffs only."),
    allow_dirty: bool = typer.Option(
        False, "--allow-dirty", help="Write even over files with uncommitted changes in git."
    ),
) -> None:
    """Add fields to a resource: its files re-rendered (your edits merged) and a migration."""
    from backendkit.errors import UsageError
    from backendkit.evolve import add_fields, parse_backfill
    from backendkit.fields import parse_fields, split_field_arguments, split_fields
    from backendkit.migrate.names import validate_name
    from backendkit.project import Project

    if revision_name:
        validate_name(revision_name)
    tokens = split_field_arguments(field_tokens or [])
    tokens += split_fields(fields) if fields else []
    if not tokens:
        raise UsageError("name at least one field to add, e.g. sku:str:unique")
    specs = parse_fields(tokens)
    project = Project.find(path)
    change = add_fields(
        project, resource, specs, backfill=parse_backfill(specs, backfill or []),
        revision_name=revision_name,
    )  # fmt: skip
    run_change(change, dry_run=dry_run, allow_dirty=allow_dirty)


def run_change(change: Change, *, dry_run: bool, allow_dirty: bool) -> None:
    """Print CHANGE's plan (dry run) or carry it out; exit 1 when it left conflicts."""
    from backendkit.cli.change_report import print_change
    from backendkit.evolve import apply_change
    from backendkit.update import ensure_clean_tree, touched_paths

    backup = None
    if not dry_run:
        if not allow_dirty:
            extra = [change.revision] if change.revision else []
            ensure_clean_tree(change.plan.project.root, touched_paths(change.plan, extra))
        backup = apply_change(change)
    print_change(change, dry_run=dry_run, backup=backup)
    raise typer.Exit(1 if change.conflicts and not dry_run else 0)


ACTION_EPILOG = """\
Examples:

  backendkit add action user activate

  backendkit add action order refund --body amount:decimal(10,2) reason:text:optional

  backendkit add action order mark_paid --dry-run      # the plan and its diffs

The route is POST /api/v1/<plural>/{id}/<verb> (mark_paid -> /mark-paid), with the auth and
ownership of the resource's other routes. service.py gets <verb>_<resource>() for your rule;
your edits to it are kept (three-way merge, as in backendkit update).
"""


@app.command("action", epilog=ACTION_EPILOG)
def action(
    resource: str = typer.Argument(..., help="The resource it acts on."),
    verb: str = typer.Argument(..., help="The action: a snake_case verb such as mark_paid."),
    field_tokens: list[str] = typer.Argument(None, metavar="[FIELD]...", help="Body fields."),
    body: list[str] = typer.Option(
        None, "--body", metavar="FIELD...", help="The request body's fields (field syntax)."
    ),
    path: Path = typer.Option(Path("."), "--path", help="The project, or a directory inside it."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan and diffs only."),
    allow_dirty: bool = typer.Option(
        False, "--allow-dirty", help="Run even with uncommitted changes in the git tree."
    ),
) -> None:
    """Add a custom action: POST /api/v1/<plural>/{id}/<verb> and a service function."""
    from backendkit.add_action import plan_action
    from backendkit.cli.action_report import print_action
    from backendkit.fields import split_field_arguments, split_fields
    from backendkit.project import Project
    from backendkit.update import apply_update, ensure_clean_tree, touched_paths

    project = Project.find(path)
    tokens = [t for value in body or [] for t in split_fields(value)] + split_field_arguments(
        field_tokens or []
    )
    planned = plan_action(project, resource, verb, tokens)
    if not dry_run and not allow_dirty:
        ensure_clean_tree(project.root, touched_paths(planned.plan))
    backup = None if dry_run else apply_update(planned.plan)
    print_action(planned, dry_run=dry_run, backup=backup)
    raise typer.Exit(1 if planned.plan.conflicts else 0)


CONSUMER_EPILOG = """\
Examples:

  backendkit add consumer order.created --from order-service

  backendkit add consumer order.paid --dry-run
"""


@app.command("consumer", epilog=CONSUMER_EPILOG)
def consumer(
    event_type: str = typer.Argument(..., help="The event type to handle, e.g. order.created."),
    source: str | None = typer.Option(
        None, "--from", help="Only events from this service (CloudEvents source)."
    ),
    path: Path = typer.Option(Path("."), "--path", help="The project, or a directory inside it."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the files; write nothing."),
) -> None:
    """Add an event handler (app/consumers/): yours to fill in, subscribed at start-up."""
    from backendkit.add_consumer import add_consumer
    from backendkit.cli.output import console
    from backendkit.project import Project

    addition = add_consumer(Project.find(path), event_type, source, dry_run=dry_run)
    out = console()
    for file in sorted(addition.files):
        out.print(f"  {'would add' if dry_run else 'added'} {file}", markup=False)
    if not dry_run:
        out.print(f"next: fill in handle() of {sorted(addition.files)[-1]}", markup=False)


JOB_EPILOG = """\
Examples:

  backendkit add job send_invoice

  backendkit add job rebuild_search_index --dry-run

Writes app/jobs/<name>.py (JOB, Payload, enqueue(), run()) and tests/jobs/test_<name>.py, both
yours. Call enqueue(connection, Payload(...)) in the transaction of the change that asks for
the job; python -m app worker runs it with the consumers' retries and dead letters.
"""


@app.command("job", epilog=JOB_EPILOG)
def job(
    name: str = typer.Argument(..., help="The job's snake_case name, e.g. send_invoice."),
    path: Path = typer.Option(Path("."), "--path", help="The project, or a directory inside it."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the files; write nothing."),
) -> None:
    """Add a job (app/jobs/): long-running work the worker runs, yours to fill in."""
    from backendkit.add_job import PACKAGE, add_job
    from backendkit.cli.output import console
    from backendkit.project import Project

    addition = add_job(Project.find(path), name, dry_run=dry_run)
    out = console()
    for file in sorted(addition.files):
        out.print(f"  {'would add' if dry_run else 'added'} {file}", markup=False)
    if not dry_run:
        out.print(f"next: fill in Payload and run() of {PACKAGE}/{name}.py", markup=False)
