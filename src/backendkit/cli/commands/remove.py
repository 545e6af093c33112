"""``backendkit remove``: take a field or a whole resource out of a project."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    name="remove", help="Remove a field or a resource from the project.", no_args_is_help=True
)

FIELD_EPILOG = """\
Examples:

  backendkit remove field product barcode

  backendkit remove field review product --dry-run    # a ref field, by its name
"""

RESOURCE_EPILOG = """\
Examples:

  backendkit remove resource coupon --dry-run

  backendkit remove resource coupon --force           # edited files go too
"""

_PATH = typer.Option(Path("."), "--path", help="The project, or a directory inside it.")
_DRY_RUN = typer.Option(False, "--dry-run", help="Print the plan and diffs; write nothing.")
_ALLOW_DIRTY = typer.Option(
    False, "--allow-dirty", help="Write even over files with uncommitted changes in git."
)


@app.command("field", epilog=FIELD_EPILOG)
def field(
    resource: str = typer.Argument(..., help="The resource (or its table)."),
    names: list[str] = typer.Argument(..., metavar="NAME...", help="Fields to remove."),
    revision_name: str | None = typer.Option(None, "--name", help="The migration's name."),
    path: Path = _PATH,
    dry_run: bool = _DRY_RUN,
    allow_dirty: bool = _ALLOW_DIRTY,
) -> None:
    """Remove fields: the resource's files re-rendered (your edits merged), columns dropped."""
    from backendkit.cli.commands.add import run_change
    from backendkit.evolve import remove_fields
    from backendkit.migrate.names import validate_name
    from backendkit.project import Project

    if revision_name:
        validate_name(revision_name)
    project = Project.find(path)
    change = remove_fields(project, resource, names, revision_name=revision_name)
    run_change(change, dry_run=dry_run, allow_dirty=allow_dirty)


@app.command("resource", epilog=RESOURCE_EPILOG)
def resource(
    name: str = typer.Argument(..., help="The resource to remove."),
    force: bool = typer.Option(False, "--force", help="Delete its files even when edited."),
    path: Path = _PATH,
    dry_run: bool = _DRY_RUN,
    allow_dirty: bool = _ALLOW_DIRTY,
) -> None:
    """Remove a resource: its files, and a migration that drops its table."""
    from backendkit.cli.commands.add import run_change
    from backendkit.evolve import remove_resource
    from backendkit.project import Project

    change = remove_resource(Project.find(path), name, force=force)
    run_change(change, dry_run=dry_run, allow_dirty=allow_dirty)
