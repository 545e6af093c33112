"""Add a resource to an existing project: new files only, the state file updated last."""

from __future__ import annotations

from dataclasses import dataclass

from backendkit.baseline import baseline_file, load_baseline
from backendkit.config import ResourceSpec
from backendkit.context import INITIAL_REVISION
from backendkit.engine import RenderedFile, write_tree
from backendkit.errors import UsageError
from backendkit.generate import build_state, render_derived, render_resource
from backendkit.migrations import VERSIONS_DIR, head_revision, read_revisions
from backendkit.project import Project
from backendkit.state import STATE_PATH
from backendkit.templates import get_template
from backendkit.versions import refuse_downgrade


@dataclass(frozen=True)
class Addition:
    """What adding a resource wrote (or would write)."""

    resource: ResourceSpec
    files: list[RenderedFile]
    # Files describing every resource, rendered again (schema.graphql).
    updated: tuple[RenderedFile, ...] = ()


def add_resource(project: Project, spec: ResourceSpec, *, dry_run: bool = False) -> Addition:
    """Render SPEC's files into PROJECT; refuse anything that would touch an existing file."""
    project.refuse_external()
    template = get_template(project.state.template.name)
    recorded_version = project.state.template.version
    refuse_downgrade(template.name, recorded_version, template.version, allowed=False)
    if template.version != recorded_version:
        raise UsageError(
            f"the project was generated with template {template.name} "
            f"{project.state.template.version} and {template.version} is installed: "
            "run 'backendkit update' first"
        )
    existing = [r.name for r in project.state.resources]
    if spec.name in existing:
        raise UsageError(f"resource {spec.name!r} already exists in this project")
    recorded = project.config()
    if spec.name == "user" and recorded.auth == "jwt":
        # The project was made without one, so JWT auth built its own users table.
        raise UsageError(
            "this project's users are JWT auth's accounts (app/auth): a 'user' resource can "
            "only be made with the project (backendkit new user --crud)"
        )
    for field in spec.fields:
        if field.ref and field.ref not in {*existing, spec.name}:
            known = ", ".join(existing) or "none yet"
            raise UsageError(
                f"field {field.to_token()!r}: no resource {field.ref!r} in this project "
                f"(resources: {known})"
            )
    resources = [*recorded.resources, spec]
    config = project.config({"resources": resources})
    migrations = {**project.migrations(), spec.name: _next_migration(project, spec.names.plural)}
    files = render_resource(config, migrations, template, spec.name)
    clashes = sorted(f.path for f in files if (project.root / f.path).exists())
    if clashes:
        raise UsageError(f"refusing to overwrite existing files: {', '.join(clashes)}")
    # Files describing every resource (schema.graphql) are rendered again, the only ones
    # replaced: they hold nothing but what the resources say.
    derived = render_derived(config, migrations, template)
    renewed = {f.path for f in derived}
    # The baseline keeps every verified entry and gains the new files.
    baseline = [
        RenderedFile(path, content, project.state.files[path].ownership)
        for path, content in load_baseline(project.root, project.state).items()
        if path not in renewed
    ]
    rendered = [*files, *derived]
    everything = [*baseline, *rendered]
    state = build_state(config, migrations, template, everything, project.created_with())
    state.files = {**project.state.files, **state.files}
    written = [*rendered, baseline_file([*baseline, *rendered])]
    written.append(RenderedFile(STATE_PATH, state.dump(), "managed"))
    if not dry_run:
        write_tree(project.root, written)
    return Addition(resource=spec, files=files, updated=tuple(derived))


def _next_migration(project: Project, table: str) -> tuple[str, str | None]:
    """A new revision id after the project's current head."""
    versions = project.root / VERSIONS_DIR
    head = head_revision(versions) if versions.is_dir() else None
    taken = {r.revision for r in read_revisions(versions)} if versions.is_dir() else set()
    number = len(project.state.resources) + 1
    while (revision := f"{number:04d}_create_{table}") in taken:
        number += 1
    recorded = [r.migration.revision for r in project.state.resources]
    return revision, head or (recorded[-1] if recorded else INITIAL_REVISION)
