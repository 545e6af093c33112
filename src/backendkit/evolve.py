"""Change a recorded resource (fields added or removed, the resource removed) through the state.

The recorded resources are the source of truth. A change edits them, re-renders the project
with the same three-way merge ``update`` uses (the user's edits are kept; conflicts are marked
and listed), and writes the Alembic revision that takes a database from the old schema to the
new one. That revision is the user's from then on, like any other ``migrate`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import msgspec

from backendkit.config import ResourceSpec
from backendkit.engine import RenderedFile, Template
from backendkit.errors import UsageError
from backendkit.fields import FieldSpec, parse_field, parse_fields
from backendkit.generate import create_revision_path, render_resource
from backendkit.migrate.inferred import TIMEOUTS, render_inferred
from backendkit.migrate.names import Inference, name_kind
from backendkit.migrate.revisions import next_revision_id
from backendkit.migrations import VERSIONS_DIR, head_revision
from backendkit.project import Project
from backendkit.state import ProjectState
from backendkit.update import apply_update
from backendkit.update_plan import Action, PlannedFile, UpdatePlan, plan_update

MAX_REVISION_NAME = 60
_MIGRATIONS_PREFIX = f"{VERSIONS_DIR}/"


@dataclass(frozen=True)
class Change:
    """What a resource change does: the re-render plan and the revision it writes."""

    description: str
    plan: UpdatePlan
    revision: RenderedFile | None

    @property
    def conflicts(self) -> list[PlannedFile]:
        return self.plan.conflicts


def find_resource(project: Project, name: str) -> ResourceSpec:
    """The recorded resource NAME (or whose table is NAME)."""
    config = project.config()
    for resource in config.resources:
        if name in {resource.name, resource.names.plural}:
            return resource
    known = ", ".join(r.name for r in config.resources) or "none"
    raise UsageError(f"no resource {name!r} in this project (resources: {known})")


def resource_for_table(project: Project, table: str) -> ResourceSpec | None:
    """The recorded resource whose table is TABLE, if any."""
    return next((r for r in project.config().resources if r.names.plural == table), None)


def add_fields(
    project: Project,
    resource_name: str,
    fields: list[FieldSpec],
    *,
    backfill: dict[str, str] | None = None,
    revision_name: str | None = None,
) -> Change:
    """Add FIELDS to a resource: its files re-rendered, and an add-column revision."""
    template = project.current_template()
    resource = find_resource(project, resource_name)
    if not fields:
        raise UsageError("name at least one field to add, e.g. sku:str:unique")
    existing = {f.column: f for f in resource.fields}
    for field in fields:
        if field.column in existing or field.name in {f.name for f in resource.fields}:
            raise UsageError(f"{resource.name} already has a field {field.name!r}")
    backfill = backfill or {}
    _check_backfill(resource, fields, backfill)
    changed = _with_fields(resource, (*resource.fields, *fields))
    table = resource.names.plural
    name = revision_name or _revision_name("add", [f.name for f in fields], "to", table)
    inference = Inference(
        "add_column", table, fields=tuple(fields), soft_delete=resource.soft_delete
    )
    return _change(
        project,
        template,
        changed,
        f"add {', '.join(f.to_token() for f in fields)} to {resource.name}",
        name,
        lambda revision, down: render_inferred(
            inference, revision=revision, down_revision=down, backfill=backfill
        ),
    )


def remove_fields(
    project: Project, resource_name: str, names: list[str], *, revision_name: str | None = None
) -> Change:
    """Remove the fields NAMES (or their columns) from a resource, and drop their columns."""
    template = project.current_template()
    resource = find_resource(project, resource_name)
    if not names:
        raise UsageError("name at least one field to remove")
    removed = _named_fields(resource, names)
    kept = tuple(f for f in resource.fields if f not in removed)
    if not kept:
        raise UsageError(
            f"{resource.name} would have no field left: remove the resource instead "
            f"(backendkit remove resource {resource.name})"
        )
    changed = _with_fields(resource, kept)
    table = resource.names.plural
    name = revision_name or _revision_name("remove", [f.name for f in removed], "from", table)
    inference = Inference(
        "remove_column",
        table,
        fields=tuple(removed),
        columns=tuple(f.column for f in removed),
        soft_delete=resource.soft_delete,
    )
    return _change(
        project,
        template,
        changed,
        f"remove {', '.join(f.name for f in removed)} from {resource.name}",
        name,
        lambda revision, down: render_inferred(inference, revision=revision, down_revision=down),
    )


def index_fields(
    project: Project, resource_name: str, names: list[str], *, revision_name: str | None = None
) -> Change:
    """Index the fields NAMES of a resource (concurrently, on PostgreSQL)."""
    template = project.current_template()
    resource = find_resource(project, resource_name)
    if not names:
        raise UsageError("name at least one field to index")
    indexed = _named_fields(resource, names)
    for field in indexed:
        if field.index or field.unique or field.type == "ref":
            raise UsageError(f"{resource.name}.{field.name} is already indexed")
    fields = tuple(
        msgspec.structs.replace(f, index=True) if f in indexed else f for f in resource.fields
    )
    changed = _with_fields(resource, fields)
    table = resource.names.plural
    inference = Inference(
        "add_index",
        table,
        columns=tuple(f.column for f in indexed),
        soft_delete=resource.soft_delete,
    )
    return _change(
        project,
        template,
        changed,
        f"index {', '.join(f.name for f in indexed)} of {resource.name}",
        revision_name or f"add_index_to_{table}",
        lambda revision, down: render_inferred(inference, revision=revision, down_revision=down),
    )


def change_for_revision(
    project: Project, name: str, tokens: list[str], backfill: list[str] | None = None
) -> Change | None:
    """The resource change a revision NAME such as ``add_role_to_users`` asks for, when its
    table belongs to a recorded resource (None: a table of the user's own, or another name)."""
    implied = name_kind(name)
    if implied is None or project.state.source is not None:  # external templates: no resources
        return None
    kind, table = implied
    resource = resource_for_table(project, table)
    if resource is None or not tokens:
        return None
    if kind == "add_column":
        fields = parse_fields(tokens)
        values = parse_backfill(fields, backfill or [])
        return add_fields(project, resource.name, fields, backfill=values, revision_name=name)
    names = [t.split(":", 1)[0] for t in tokens]
    if kind == "remove_column":
        return remove_fields(project, resource.name, names, revision_name=name)
    return index_fields(project, resource.name, names, revision_name=name)


def remove_resource(project: Project, name: str, *, force: bool = False) -> Change:
    """Remove a resource: its files go (edited ones stay unless FORCE), its table is dropped."""
    template = project.current_template()
    resource = find_resource(project, name)
    config = project.config()
    if resource.name == "user" and config.auth == "jwt":
        raise UsageError("the user resource is the sign-in account with --auth jwt: it stays")
    children = sorted(r.name for r in config.resources if resource.name in {f.ref for f in r.refs})
    if children:
        raise UsageError(
            f"{', '.join(children)} refer{'s' if len(children) == 1 else ''} to "
            f"{resource.name}: remove that ref field first"
            f" (backendkit remove field {children[0]} {resource.name})"
        )
    resources = [r for r in config.resources if r.name != resource.name]
    staged = _staged(project, {})
    plan = plan_update(staged, {"resources": resources}, template)
    plan = _keep_history(plan, force=force)
    versions = project.root / VERSIONS_DIR
    revision_name = _short(f"drop_{resource.names.plural}")
    revision = next_revision_id(versions, revision_name)
    down = head_revision(versions)
    text = _drop_table_revision(project, template, resource, revision, down)
    return Change(
        f"remove resource {resource.name}",
        plan,
        RenderedFile(f"{VERSIONS_DIR}/{revision}.py", text.encode(), "seeded"),
    )


def apply_change(change: Change) -> Path | None:
    """Write CHANGE: the files, the revision, then the state. Returns a kept backup, if any."""
    extra = [change.revision] if change.revision else []
    clashes = [f.path for f in extra if (change.plan.project.root / f.path).exists()]
    if clashes:
        raise UsageError(f"refusing to overwrite existing files: {', '.join(clashes)}")
    return apply_update(change.plan, extra=extra)


def _change(
    project: Project,
    template: Template,
    changed: ResourceSpec,
    description: str,
    revision_name: str,
    render_revision: object,
) -> Change:
    config = project.config()
    resources = [changed if r.name == changed.name else r for r in config.resources]
    original = project.created_with().get(changed.name)
    if original is None:
        original = next(r for r in config.resources if r.name == changed.name)
    staged = _staged(project, {changed.name: original})
    plan = plan_update(staged, {"resources": resources}, template)
    versions = project.root / VERSIONS_DIR
    if not versions.is_dir():
        raise UsageError(f"no {VERSIONS_DIR}/ in {project.root}")
    revision = next_revision_id(versions, revision_name)
    down = head_revision(versions)
    assert callable(render_revision)
    text = render_revision(revision, down)
    return Change(
        description, plan, RenderedFile(f"{VERSIONS_DIR}/{revision}.py", text.encode(), "seeded")
    )


def _named_fields(resource: ResourceSpec, names: list[str]) -> list[FieldSpec]:
    """The fields of RESOURCE that NAMES name (by field name or by column)."""
    found: list[FieldSpec] = []
    for name in names:
        field = next((f for f in resource.fields if name in {f.name, f.column}), None)
        if field is None:
            known = ", ".join(f.name for f in resource.fields)
            raise UsageError(f"{resource.name} has no field {name!r} (fields: {known})")
        found.append(field)
    return found


def _with_fields(resource: ResourceSpec, fields: tuple[FieldSpec, ...]) -> ResourceSpec:
    try:
        return msgspec.structs.replace(resource, fields=fields)
    except UsageError:
        raise
    except ValueError as exc:
        raise UsageError(f"{resource.name}: {exc}") from None


def _staged(project: Project, created_with: dict[str, ResourceSpec]) -> Project:
    """PROJECT with the resources' create-table fields pinned (in memory only)."""
    state = ProjectState.model_validate(project.state.model_dump(mode="json"))
    for record in state.resources:
        original = created_with.get(record.name)
        if original is not None and record.migration.fields is None:
            record.migration.fields = [f.to_token() for f in original.fields]
    return Project(root=project.root, state=state)


def _keep_history(plan: UpdatePlan, *, force: bool) -> UpdatePlan:
    """Revisions stay (a database has applied them), untracked; FORCE deletes edited files."""
    files: list[PlannedFile] = []
    for planned in plan.files:
        if planned.render is None and planned.path.startswith(_MIGRATIONS_PREFIX):
            planned = replace(
                planned,
                action=Action.ORPHAN,
                result=planned.current,
                note="migration history: kept, no longer tracked",
            )
        elif force and planned.action is Action.ORPHAN:
            planned = replace(planned, action=Action.DELETE, result=None, note="edited (--force)")
        files.append(planned)
    return replace(plan, files=files)


def parse_backfill(fields: list[FieldSpec], items: list[str]) -> dict[str, str]:
    """``NAME=VALUE`` pairs for fields being added, each value checked against its field's type
    exactly as a default would be."""
    by_name = {f.name: f for f in fields}
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--backfill {item!r}: expected NAME=VALUE, e.g. --backfill sku=none")
        field = by_name.get(name)
        if field is None:
            raise UsageError(f"--backfill {name}: not a field being added")
        if field.default is None:
            parse_field(f"{field.to_token()}={value}")  # the type's own check of the value
        values[name] = value
    return values


def _check_backfill(
    resource: ResourceSpec, fields: list[FieldSpec], backfill: dict[str, str]
) -> None:
    names = {f.name for f in fields}
    unknown = sorted(set(backfill) - names)
    if unknown:
        raise UsageError(f"--backfill {unknown[0]}: not a field being added")
    for field in fields:
        needs_value = not field.optional and field.default is None
        if not needs_value:
            continue
        if field.name not in backfill:
            raise UsageError(
                f"field {field.to_token()!r} is required and has no default, and "
                f"{resource.names.plural} may hold rows: give a default "
                f"({field.to_token()}=...), make it :optional, or pass "
                f"--backfill {field.name}=VALUE"
            )
        if field.unique:
            raise UsageError(
                f"field {field.to_token()!r} is unique: one backfill value cannot fill every "
                "row; add it :optional, fill it, then make it required"
            )


def _revision_name(verb: str, names: list[str], joiner: str, table: str) -> str:
    name = f"{verb}_{'_and_'.join(names)}_{joiner}_{table}"
    if len(name) > MAX_REVISION_NAME:
        name = f"{verb}_fields_{joiner}_{table}"
    return _short(name)


def _short(name: str) -> str:
    return name[:MAX_REVISION_NAME].rstrip("_")


def _drop_table_revision(
    project: Project, template: Template, resource: ResourceSpec, revision: str, down: str | None
) -> str:
    """The create-table revision of RESOURCE as it is now, turned around: drop, and recreate
    on downgrade."""
    config = project.config()
    migrations = {**project.migrations(), resource.name: (revision, down)}
    files = render_resource(config, migrations, template, resource.name)
    (created,) = [f for f in files if f.path == create_revision_path(revision)]
    text = created.content.decode()
    head, _, rest = text.partition("\n\n\ndef upgrade() -> None:\n")
    create_body, _, drop_body = rest.partition("\n\n\ndef downgrade() -> None:\n")
    create_body = create_body.removeprefix(TIMEOUTS)
    table = resource.names.plural
    drop_body = drop_body.replace(
        f'    op.drop_table("{table}")',
        f'    op.drop_table("{table}")  # backendkit-lint: ignore[ban-drop-table]',
    )
    head = head.replace(f'"""Create the {table} table.', f'"""Drop the {table} table.', 1)
    return (
        f"{head}\n\n\ndef upgrade() -> None:\n{TIMEOUTS}"
        f"    # Deploy code that no longer uses {table} before this runs.\n"
        f"{drop_body}\n\ndef downgrade() -> None:\n{create_body}\n"
    )
