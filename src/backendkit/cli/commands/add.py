"""``backendkit add``: grow a project one resource at a time."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(name="add", help="Add a resource to the project.", no_args_is_help=True)

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
    plural: str | None = typer.Option(
        None, "--plural", help="Its plural (table and path) when English gets it wrong."
    ),
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
        {
            "name": name,
            "fields": tokens or "name:str",
            "owned": owned,
            "soft_delete": soft_delete,
            "plural": plural,
        }
    )
    addition = add_resource(project, spec, dry_run=dry_run)
    out = console()
    for file in sorted(addition.files, key=lambda f: f.path):
        out.print(f"  {'would add' if dry_run else 'added'} {file.path}", markup=False)
    verb = "would add" if dry_run else "added"
    out.print(f"{verb} resource {spec.name} ({len(addition.files)} files)"
              + ("; nothing written (dry run)" if dry_run else ""))  # fmt: skip
