"""The plan of ``backendkit update``: per file, what a three-way update does."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from backendkit.baseline import load_baseline
from backendkit.config import ServiceConfig
from backendkit.engine import RenderedFile, Template
from backendkit.merge import merge_three_way
from backendkit.project import Project
from backendkit.state import FileRecord, SourceRecord, sha256
from backendkit.templates import get_template
from backendkit.versions import refuse_downgrade


class Action(StrEnum):
    """What update does to one file."""

    UNCHANGED = "unchanged"  # already what the template writes
    CREATE = "create"  # new in the template
    REPLACE = "replace"  # unedited by the user: replaced with the new render
    KEEP = "keep"  # edited by the user, unchanged in the template: kept as is
    MERGE = "merge"  # edited on both sides: merged cleanly
    CONFLICT = "conflict"  # edited on both sides: merged with conflict markers
    DELETE = "delete"  # dropped by the template and unedited: removed
    ORPHAN = "orphan"  # dropped by the template but edited: kept, no longer tracked
    STAYS_DELETED = "stays-deleted"  # the user deleted it: it stays deleted
    SKIP = "skip"  # new in the template, but a file of the user's is there: not touched

    @property
    def writes(self) -> bool:
        return self in {Action.CREATE, Action.REPLACE, Action.MERGE, Action.CONFLICT}


@dataclass(frozen=True)
class PlannedFile:
    """One file of the plan."""

    path: str
    action: Action
    current: bytes | None  # on disk now
    result: bytes | None  # on disk afterwards (None: absent)
    render: RenderedFile | None  # the new render, recorded as the next merge base
    conflicts: int = 0
    note: str = ""


@dataclass(frozen=True)
class ExternalUpdate:
    """What the state file records after updating an external template's project."""

    answers: dict[str, Any]
    source: SourceRecord
    version: str


@dataclass(frozen=True)
class UpdatePlan:
    """Everything update would do."""

    project: Project
    config: ServiceConfig | None  # None: an external template's project (answers below)
    template: Template
    files: list[PlannedFile]
    external: ExternalUpdate | None = None

    @property
    def answers(self) -> dict[str, Any]:
        """The answers the new render used."""
        if self.external is not None:
            return self.external.answers
        assert self.config is not None
        return self.config.answers()

    @property
    def conflicts(self) -> list[PlannedFile]:
        return [f for f in self.files if f.action is Action.CONFLICT]

    @property
    def changes(self) -> list[PlannedFile]:
        return [f for f in self.files if f.action not in {Action.UNCHANGED, Action.KEEP}]


def plan_update(
    project: Project,
    overrides: dict[str, Any],
    template: Template | None = None,
    *,
    allow_downgrade: bool = False,
) -> UpdatePlan:
    """Work out every file's action without writing anything."""
    template = template or get_template(project.state.template.name)
    recorded = project.state.template
    refuse_downgrade(template.name, recorded.version, template.version, allowed=allow_downgrade)
    config = project.config(overrides)
    rendered = project.render(config, template)
    baseline = load_baseline(project.root, project.state)
    files = [
        plan_file(path, project.state.files.get(path), rendered.get(path),
                   project.read(path), baseline.get(path))
        for path in sorted(set(project.state.files) | set(rendered))
    ]  # fmt: skip
    return UpdatePlan(project, config, template, files)


def plan_file(
    path: str,
    record: FileRecord | None,
    new: RenderedFile | None,
    disk: bytes | None,
    base: bytes | None,
) -> PlannedFile:
    if new is None:
        return _plan_dropped(path, record, disk)
    if record is None:
        if disk is None:
            return PlannedFile(path, Action.CREATE, disk, new.content, new)
        if disk == new.content:
            return PlannedFile(path, Action.UNCHANGED, disk, disk, new)
        return PlannedFile(path, Action.SKIP, disk, disk, None,
                           note="a file backendkit did not write is there")  # fmt: skip
    if disk is None:
        return PlannedFile(path, Action.STAYS_DELETED, None, None, new)
    if disk == new.content:
        return PlannedFile(path, Action.UNCHANGED, disk, disk, new)
    if sha256(disk) == record.sha256:
        return PlannedFile(path, Action.REPLACE, disk, new.content, new)
    if sha256(new.content) == record.sha256:
        return PlannedFile(path, Action.KEEP, disk, disk, new)
    note = "" if base is not None else "no merge base recorded: whole-file conflict"
    merged = merge_three_way(disk, base if base is not None else b"", new.content, path=path)
    action = Action.CONFLICT if merged.conflicts else Action.MERGE
    return PlannedFile(path, action, disk, merged.content, new, merged.conflicts, note)


def _plan_dropped(path: str, record: FileRecord | None, disk: bytes | None) -> PlannedFile:
    if disk is None:
        return PlannedFile(path, Action.DELETE, None, None, None, note="already gone")
    if record is not None and sha256(disk) == record.sha256:
        return PlannedFile(path, Action.DELETE, disk, None, None)
    return PlannedFile(path, Action.ORPHAN, disk, disk, None,
                       note="edited, so kept; backendkit no longer tracks it")  # fmt: skip
