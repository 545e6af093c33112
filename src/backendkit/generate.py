"""Generate a new service: validate, render in memory, then write all or nothing."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backendkit import __version__
from backendkit.baseline import baseline_file
from backendkit.config import ResourceSpec, ServiceConfig
from backendkit.context import INITIAL_REVISION, ResourceView, service_context
from backendkit.engine import RenderedFile, Template, write_tree
from backendkit.errors import TargetExistsError
from backendkit.migrations import VERSIONS_DIR
from backendkit.naming import ResourceNames
from backendkit.state import (
    STATE_PATH,
    ActionRecord,
    Migration,
    ProjectState,
    ResourceRecord,
    TemplateRecord,
    file_records,
)
from backendkit.templates import get_template

PROJECT_SUBDIRECTORY = "project"
RESOURCE_SUBDIRECTORY = "resource"


@dataclass(frozen=True)
class Generation:
    """What a generation wrote (or would write, on a dry run)."""

    target: Path
    files: list[RenderedFile]
    state: ProjectState
    skipped: list[str]


def new_service(
    config: ServiceConfig,
    target: Path,
    *,
    force: bool = False,
    dry_run: bool = False,
    template: Template | None = None,
) -> Generation:
    """Generate the service described by CONFIG into TARGET."""
    if target.exists() and not target.is_dir():
        raise TargetExistsError(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise TargetExistsError(f"{target} exists and is not empty (use --force to write into it)")
    template = template or get_template()
    migrations = sequential_migrations([r.names for r in config.resources])
    files = render_service(config, migrations, template, secret_key=secrets.token_urlsafe(48))
    state = build_state(config, migrations, template, files)
    # A local file that already exists (the developer's .env) is theirs: never replaced.
    skipped = [f.path for f in files if f.ownership == "local" and (target / f.path).exists()]
    to_write = [f for f in files if f.path not in skipped]
    to_write.append(baseline_file(files))
    to_write.append(RenderedFile(STATE_PATH, state.dump(), "managed"))
    if not dry_run:
        write_tree(target, to_write)
    return Generation(target=target, files=to_write, state=state, skipped=skipped)


def sequential_migrations(names: list[ResourceNames]) -> dict[str, tuple[str, str | None]]:
    """Revision ids for resources created together: a chain after the initial revision."""
    chain: dict[str, tuple[str, str | None]] = {}
    previous = INITIAL_REVISION
    for number, name in enumerate(names, start=1):
        revision = f"{number:04d}_create_{name.plural}"
        chain[name.singular] = (revision, previous)
        previous = revision
    return chain


def render_service(
    config: ServiceConfig,
    migrations: dict[str, tuple[str, str | None]],
    template: Template,
    *,
    secret_key: str,
    created_with: Mapping[str, ResourceSpec] | None = None,
) -> list[RenderedFile]:
    """Every file of the service, rendered in memory.

    CREATED_WITH holds, per resource whose fields changed since its table was created, the
    resource as it was then: its create-table revision renders from that.
    """
    context = service_context(
        config, migrations, template_version=template.version, secret_key=secret_key
    )
    files = template.render(PROJECT_SUBDIRECTORY, context)
    for resource in context["resources"]:
        files.extend(_render_resource(template, context, resource, created_with or {}))
    return files


def render_resource(
    config: ServiceConfig,
    migrations: dict[str, tuple[str, str | None]],
    template: Template,
    name: str,
) -> list[RenderedFile]:
    """The files of one resource only (what ``add resource`` writes)."""
    # Resource files never hold the secret: only .env, in the project subtemplate, does.
    context = service_context(
        config, migrations, template_version=template.version, secret_key="unused"
    )
    (resource,) = [r for r in context["resources"] if r.name == name]
    return _render_resource(template, context, resource, {})


# Project files that describe every resource, rendered again when a resource is added.
DERIVED_PROJECT_FILES = ("schema.graphql",)


def render_derived(
    config: ServiceConfig, migrations: dict[str, tuple[str, str | None]], template: Template
) -> list[RenderedFile]:
    """The project files derived from the whole list of resources (``schema.graphql``)."""
    context = service_context(
        config, migrations, template_version=template.version, secret_key="unused"
    )
    files = template.render(PROJECT_SUBDIRECTORY, context)
    return [f for f in files if f.path in DERIVED_PROJECT_FILES]


def _render_resource(
    template: Template,
    context: dict[str, Any],
    resource: ResourceView,
    created_with: Mapping[str, ResourceSpec],
) -> list[RenderedFile]:
    files = template.render(RESOURCE_SUBDIRECTORY, {**context, "resource": resource})
    original = created_with.get(resource.name)
    if original is None or original == resource.spec:
        return files
    then = ResourceView(original, resource.revision, resource.down_revision)
    history = create_revision_path(resource.revision)
    (pinned,) = [
        f
        for f in template.render(RESOURCE_SUBDIRECTORY, {**context, "resource": then})
        if f.path == history
    ]
    return [pinned if f.path == history else f for f in files]


def create_revision_path(revision: str) -> str:
    """Where a resource's create-table revision lives in the project."""
    return f"{VERSIONS_DIR}/{revision}.py"


def build_state(
    config: ServiceConfig,
    migrations: dict[str, tuple[str, str | None]],
    template: Template,
    files: list[RenderedFile],
    created_with: Mapping[str, ResourceSpec] | None = None,
) -> ProjectState:
    """The state file describing a render."""
    created_with = created_with or {}
    return ProjectState(
        backendkit=__version__,
        template=TemplateRecord(name=template.name, version=template.version),
        answers=config.answers(),
        resources=[
            ResourceRecord(
                name=r.name,
                fields=[f.to_token() for f in r.fields],
                owned=r.owned,
                soft_delete=r.soft_delete,
                plural=r.plural,
                events=r.events,
                migration=Migration(
                    revision=migrations[r.name][0],
                    down_revision=migrations[r.name][1],
                    fields=_pinned_tokens(r, created_with.get(r.name)),
                ),
                actions=[ActionRecord(name=a.name, body=a.body_tokens()) for a in r.actions],
            )
            for r in config.resources
        ],
        files=file_records(files),
    )


def _pinned_tokens(resource: ResourceSpec, original: ResourceSpec | None) -> list[str] | None:
    if original is None or original.fields == resource.fields:
        return None
    return [f.to_token() for f in original.fields]
