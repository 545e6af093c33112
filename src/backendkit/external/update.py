"""``backendkit update`` for an external template's project: a newer tag or commit, merged
three-way per file over the baseline, so no edit of the user's is lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backendkit.baseline import load_baseline
from backendkit.engine import RenderedFile, Template
from backendkit.external.project import recorded_source, render_recorded
from backendkit.external.render import ExternalRender, render_template
from backendkit.external.source import TemplateSource
from backendkit.project import Project
from backendkit.state import SourceRecord
from backendkit.update_plan import ExternalUpdate, UpdatePlan, plan_file
from backendkit.versions import refuse_downgrade


def render_update(
    project: Project,
    *,
    ref: str | None,
    overrides: dict[str, Any],
    allow_downgrade: bool = False,
) -> ExternalRender:
    """The template at REF (default: its latest tag) with the project's answers and OVERRIDES;
    an older version than the recorded one is refused unless ALLOW_DOWNGRADE."""
    state = project.state
    new = render_template(
        TemplateSource(recorded_source(state).url),
        {**state.answers, **overrides},
        ref=ref,
        defaults=True,
        folder_name=project.root.name,
    )
    recorded = state.template
    refuse_downgrade(recorded.name, recorded.version, new.version, allowed=allow_downgrade)
    return new


def plan_external_update(project: Project, new: ExternalRender) -> UpdatePlan:
    """Every file's action when moving PROJECT to the render NEW, read from the disk now."""
    state = project.state
    source = recorded_source(state)
    recorded = state.template
    rendered = {f.path: _keep_seeded(f, project) for f in new.files}
    baseline = load_baseline(project.root, state)
    if any(path not in baseline for path in state.files):
        # No stored base for some file (an old or damaged baseline): the recorded commit
        # renders it again.
        old = render_recorded(state, folder_name=project.root.name).files
        baseline = {**{f.path: f.content for f in old}, **baseline}
    files = [
        plan_file(path, state.files.get(path), rendered.get(path),
                  project.read(path), baseline.get(path))
        for path in sorted(set(state.files) | set(rendered))
    ]  # fmt: skip
    template = Template(
        root=Path(source.url),
        settings={"_backendkit": {"name": recorded.name, "version": new.version}},
    )
    external = ExternalUpdate(
        answers=new.recorded_answers,
        source=SourceRecord(url=source.url, ref=new.describe, commit=new.commit),
        version=new.version,
    )
    return UpdatePlan(project, None, template, files, external)


def _keep_seeded(file: RenderedFile, project: Project) -> RenderedFile:
    """A file recorded as the user's (seeded) stays the user's across updates."""
    record = project.state.files.get(file.path)
    if record is not None and record.ownership == "seeded" and file.ownership != "seeded":
        return RenderedFile(file.path, file.content, "seeded", file.executable)
    return file
