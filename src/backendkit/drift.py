"""Drift: how each generated file on disk compares with its record and with a fresh render."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from backendkit import __version__
from backendkit.conflict_markers import has_conflict_markers
from backendkit.engine.template import Ownership, Template
from backendkit.project import Project
from backendkit.state import sha256
from backendkit.templates import get_template

if TYPE_CHECKING:
    from backendkit.migrate.check_step import MigrationsCheck


class FileState(StrEnum):
    """Where one generated file stands."""

    UNCHANGED = "unchanged"  # as backendkit wrote it, and the template still writes that
    EDITED = "edited"  # changed since backendkit wrote it
    ACCEPTED = "accepted"  # edited, and the edit recorded with ``backendkit accept``
    OUTDATED = "outdated"  # unedited, but the installed template now writes something else
    MISSING = "missing"  # recorded, but not on disk
    NEW = "new"  # the installed template writes it; the project never had it
    REMOVED = "removed"  # recorded, but the installed template no longer writes it


@dataclass(frozen=True)
class FileDrift:
    """One file's state, and whether check fails because of it."""

    path: str
    state: FileState
    ownership: Ownership
    template_changed: bool  # the fresh render differs from what was recorded
    failing: bool
    expected: bytes | None  # the fresh render (what the template would write)
    actual: bytes | None  # the file on disk


@dataclass(frozen=True)
class DriftReport:
    """The outcome of ``backendkit check``."""

    root: str
    strict: bool
    recorded_template: str
    installed_template: str
    files: list[FileDrift] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    migrations: MigrationsCheck | None = None  # None: not asked for

    @property
    def failed(self) -> bool:
        migrations_failed = self.migrations is not None and self.migrations.failed
        return bool(self.problems) or migrations_failed or any(f.failing for f in self.files)


def check_project(
    project: Project,
    *,
    strict: bool = False,
    template: Template | None = None,
    migrations: bool = False,
) -> DriftReport:
    """Compare PROJECT with its state file and with a fresh render by the installed template.

    With MIGRATIONS, also compare the models with the migrations (when the project's Python
    environment is available; reported as skipped otherwise).
    """
    if project.state.source is not None:
        from backendkit.external.project import render_recorded, tracked

        # The recorded commit: check asks whether the files still match what it renders.
        external = render_recorded(project.state, folder_name=project.root.name)
        rendered = tracked(external)
        template_name, installed_version = project.state.template.name, external.version
    else:
        template = template or get_template(project.state.template.name)
        rendered = project.render(template=template)
        template_name, installed_version = template.name, template.version
    recorded = project.state.files
    step = None
    if migrations and project.state.source is None:  # external templates: no models known
        from backendkit.migrate.check_step import check_migrations

        step = check_migrations(project.root)
    # schema.graphql and asyncapi.json against the code, by the same project environment.
    document_problems: list[str] = []
    if migrations and project.state.source is None:
        from backendkit.code_documents import document_problems as code_document_problems

        document_problems = code_document_problems(project.root)
    report = DriftReport(
        root=str(project.root),
        migrations=step,
        strict=strict,
        recorded_template=project.state.template.version,
        installed_template=installed_version,
    )
    report.problems.extend(document_problems)
    if strict and installed_version != project.state.template.version:
        report.problems.append(
            f"template {template_name} {installed_version} is installed; the project was "
            f"generated with {project.state.template.version} (run backendkit update)"
        )
    if strict and project.state.backendkit != __version__:
        report.problems.append(
            f"backendkit {__version__} is installed; the project records {project.state.backendkit}"
        )
    same_template = installed_version == project.state.template.version
    for path in sorted(set(recorded) | set(rendered)):
        record = recorded.get(path)
        fresh = rendered.get(path)
        actual = project.read(path)
        expected = fresh.content if fresh else None
        template_changed = record is None or fresh is None or record.sha256 != sha256(fresh.content)
        if record is None:
            state = FileState.NEW
        elif actual is None:
            state = FileState.MISSING
        elif sha256(actual) != record.sha256 and actual != expected:
            accepted = record.accepted is not None and sha256(actual) == record.accepted
            state = FileState.ACCEPTED if accepted else FileState.EDITED
        elif fresh is None:
            state = FileState.REMOVED
        elif actual != expected:
            state = FileState.OUTDATED
        else:
            state = FileState.UNCHANGED
        ownership = (record or fresh).ownership  # type: ignore[union-attr]
        report.files.append(
            FileDrift(
                path=path,
                state=state,
                ownership=ownership,
                template_changed=template_changed,
                failing=_fails(state, ownership, strict=strict, same_template=same_template),
                expected=expected,
                actual=actual,
            )
        )
    report.problems.extend(_conflicted(report.files, recorded))
    return report


def _conflicted(files: list[FileDrift], recorded: Collection[str]) -> list[str]:
    """A problem per tracked file (seeded included) still holding update's conflict markers."""
    return [
        f"{f.path} holds conflict markers: resolve its <<<<<<< ======= >>>>>>> blocks"
        for f in files
        if f.path in recorded and f.actual is not None and has_conflict_markers(f.actual)
    ]


def _fails(state: FileState, ownership: Ownership, *, strict: bool, same_template: bool) -> bool:
    if state in {FileState.UNCHANGED, FileState.ACCEPTED}:
        return False
    if ownership == "managed" and state in {FileState.EDITED, FileState.MISSING}:
        return True
    if ownership == "managed" and same_template:
        # The recorded template version renders differently: drift, not an upgrade.
        return True
    return strict
