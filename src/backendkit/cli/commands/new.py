"""``backendkit new``: generate a service."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

app = typer.Typer()

EPILOG = """\
Examples:

  backendkit new user --crud                      # /api/v1/users on SQLite

  backendkit new product --crud --fields "name:str sku:str:unique price:decimal(10,2)"

  backendkit new shop --config shop.yml --dry-run # print the tree, write nothing

  backendkit new shop --api rest,graphql          # GraphQL at /graphql beside REST

  backendkit new order --crud --broker rabbitmq   # events through RabbitMQ (outbox, relay)

  backendkit new billing --template git@github.com:acme/service-template.git@v2.1.0 \\
      --data project_name=billing             # any Copier template (docs/templates.md)
"""

_PROMPTED = ("db", "auth", "cache", "deploy", "ci")


@app.command(epilog=EPILOG)
def new(
    name: str = typer.Argument(
        ..., help="Service name (lowercase, hyphens allowed); with --template, the directory."
    ),
    field_tokens: list[str] = typer.Argument(
        None, metavar="[FIELD]...", help="Fields of the first resource (with --crud)."
    ),
    crud: bool = typer.Option(False, "--crud", help="Make NAME the service's first resource."),
    plural: str | None = typer.Option(
        None, "--plural", help="The --crud resource's plural (table, path), e.g. criteria."
    ),
    events: bool = typer.Option(
        False, "--events", help="The --crud resource publishes its changes (needs --broker)."
    ),
    fields: str | None = typer.Option(
        None, "--fields", help='Fields in one string: "title:str(80) done:bool=false".'
    ),
    db: str | None = typer.Option(None, help="Database: sqlite (embedded) or postgres."),
    auth: str | None = typer.Option(None, help="Authentication: jwt or none."),
    cache: str | None = typer.Option(None, help="Cache: redis or none."),
    broker: str | None = typer.Option(
        None, help="Message broker for events: none, rabbitmq, nats or redis."
    ),
    deploy: str | None = typer.Option(None, help="Deploy files: docker,k8s | docker | none."),
    ci: str | None = typer.Option(None, help="CI workflow: github or none."),
    api: str | None = typer.Option(
        None, help="APIs served: rest, or rest,graphql (GraphQL at /graphql beside REST)."
    ),
    config_file: Path | None = typer.Option(
        None, "--config", help="YAML or TOML file with the settings and resources."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Directory (default ./NAME)."),
    defaults: bool = typer.Option(False, "--defaults", help="Never prompt; use the defaults."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the tree; write nothing."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty directory."),
    git: bool = typer.Option(True, "--git/--no-git", help="Initialise a git repository."),
    template: str | None = typer.Option(
        None, "--template", metavar="PATH|GIT_URL[@REF]", help="Render this Copier template."
    ),
    data: list[str] = typer.Option(
        None, "--data", metavar="KEY=VALUE", help="An answer to a --template question."
    ),
    data_file: Path | None = typer.Option(
        None, "--data-file", help="YAML file of answers to --template questions."
    ),
    trust: bool = typer.Option(
        False, "--trust", help="Let a --template run its tasks and Jinja extensions."
    ),
) -> None:
    """Generate a new service in ./NAME (or render a Copier template with --template)."""
    interactive = not defaults and sys.stdin.isatty() and sys.stdout.isatty()
    if template is not None:
        from backendkit.cli.template_flow import parse_data, run_template_new

        run_template_new(
            template=template,
            target=output or Path(name),
            data=parse_data(list(data or []), data_file),
            interactive=interactive,
            trust=trust,
            dry_run=dry_run,
            force=force,
            git=git,
        )
        return
    if data or data_file or trust:
        from backendkit.errors import UsageError

        raise UsageError("--data, --data-file and --trust go with --template")
    from backendkit.cli.new_flow import run_new

    values: dict[str, Any] = {"db": db, "auth": auth, "cache": cache, "deploy": deploy, "ci": ci}
    values["api"] = api
    values["broker"] = broker
    run_new(
        name=name,
        crud=crud,
        plural=plural,
        events=events,
        field_tokens=list(field_tokens or []),
        fields=fields,
        flags={k: v for k, v in values.items() if v is not None},
        config_file=config_file,
        output=output,
        prompt_for=[k for k in _PROMPTED if values[k] is None] if interactive else [],
        dry_run=dry_run,
        force=force,
        git=git,
    )
