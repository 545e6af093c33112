"""``backendkit add``: grow a project one resource at a time."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    name="add", help="Add a resource or an action to the project.", no_args_is_help=True
)

EPILOG = """\
Examples:

  backendkit add resource order total:decimal(10,2) status:enum(new,paid,shipped)=new

  backendkit add resource category --fields "name:str:unique description:text:optional"

  backendkit add resource status_update body:text --soft-delete --dry-run

  backendkit add resource review "product:ref(product)" rating:int --soft-delete
"""


@app.command("resource", epilog=EPILOG)
def resource(
    name: str = typer.Argument(..., help="Resource name: a singular snake_case identifier."),
    field_tokens: list[str] = typer.Argument(None, metavar="[FIELD]...", help="Its fields."),
    fields: str | None = typer.Option(None, "--fields", help="Fields in one string."),
    owned: bool = typer.Option(False, "--owned", help="Rows belong to the user who made them."),
    soft_delete: bool = typer.Option(False, "--soft-delete", help="DELETE sets deleted_at."),
    path: Path = typer.Option(Path("."), "--path", help="The project, or a directory inside it."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the files; write nothing."),
) -> None:
    """Add a resource: model, schemas, repository, service, router, tests and migration."""
    from backendkit.add_resource import add_resource
    from backendkit.cli.output import console
    from backendkit.config_file import build_resource
    from backendkit.fields import split_fields
    from backendkit.project import Project

    project = Project.find(path)
    tokens = list(field_tokens or []) + (split_fields(fields) if fields else [])
    spec = build_resource(
        {"name": name, "fields": tokens or "name:str", "owned": owned, "soft_delete": soft_delete}
    )
    addition = add_resource(project, spec, dry_run=dry_run)
    out = console()
    for file in sorted(addition.files, key=lambda f: f.path):
        out.print(f"  {'would add' if dry_run else 'added'} {file.path}", markup=False)
    verb = "would add" if dry_run else "added"
    out.print(f"{verb} resource {spec.name} ({len(addition.files)} files)"
              + ("; nothing written (dry run)" if dry_run else ""))  # fmt: skip


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
    from backendkit.fields import split_fields
    from backendkit.project import Project
    from backendkit.update import apply_update, ensure_clean_tree

    project = Project.find(path)
    tokens = [t for value in body or [] for t in split_fields(value)] + list(field_tokens or [])
    planned = plan_action(project, resource, verb, tokens)
    if not dry_run and not allow_dirty:
        ensure_clean_tree(project.root)
    backup = None if dry_run else apply_update(planned.plan)
    print_action(planned, dry_run=dry_run, backup=backup)
    raise typer.Exit(1 if planned.plan.conflicts else 0)
