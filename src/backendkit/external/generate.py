"""``backendkit new --template``: render an external Copier template and record its state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backendkit import __version__
from backendkit.baseline import baseline_file
from backendkit.engine import RenderedFile, write_tree
from backendkit.errors import TargetExistsError, UsageError
from backendkit.external.layout import write_layout
from backendkit.external.render import ExternalRender, render_template, run_tasks
from backendkit.external.source import TemplateSource, template_name
from backendkit.state import (
    STATE_PATH,
    ProjectState,
    SourceRecord,
    TemplateRecord,
    file_records,
)


@dataclass(frozen=True)
class ExternalGeneration:
    """What ``new --template`` wrote (or would write, on a dry run)."""

    target: Path
    files: list[RenderedFile]
    state: ProjectState
    ran_tasks: bool


def new_from_template(
    source: TemplateSource,
    target: Path,
    data: dict[str, Any],
    *,
    defaults: bool = True,
    trust: bool = False,
    force: bool = False,
    dry_run: bool = False,
) -> ExternalGeneration:
    """Render SOURCE into TARGET with DATA, all or nothing, and record the project's state."""
    if target.exists() and not target.is_dir():
        raise TargetExistsError(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise TargetExistsError(f"{target} exists and is not empty (use --force to write into it)")
    render = render_template(
        source, data, defaults=defaults, trust=trust, folder_name=target.resolve().name
    )
    if render.has_tasks and not trust:
        raise UsageError(
            f"template {source.url} runs tasks (_tasks) after rendering: "
            "pass --trust to run them (nothing written)"
        )
    recorded = recorded_files(source, render, target.resolve().name)
    state = external_state(source, render, recorded)
    to_write = [*render.files, baseline_file(recorded)]
    to_write.append(RenderedFile(STATE_PATH, state.dump(), "managed"))
    if not dry_run:
        write_tree(target, to_write)
        write_layout(target, render.directories, render.symlinks)
        if render.has_tasks and trust:
            run_tasks(source, target, {**render.answers, **render.secrets}, render.commit)
    return ExternalGeneration(target, to_write, state, ran_tasks=render.has_tasks and trust)


def recorded_files(
    source: TemplateSource, render: ExternalRender, folder_name: str
) -> list[RenderedFile]:
    """What the state file and the baseline record: the render, except that a file holding a
    secret answer is recorded as the template renders it without that secret (both files are
    committed; a secret is not), and is the user's afterwards (seeded)."""
    if not render.secrets:
        return render.files
    plain = render_template(
        source, render.recorded_answers, ref=render.commit, defaults=True, folder_name=folder_name
    )
    plain_by_path = {f.path: f for f in plain.files}
    recorded: list[RenderedFile] = []
    for file in render.files:
        other = plain_by_path.get(file.path)
        if other is None or other.content == file.content:
            recorded.append(file)
        else:
            recorded.append(RenderedFile(file.path, other.content, "seeded", file.executable))
    return recorded


def external_state(
    source: TemplateSource, render: ExternalRender, recorded: list[RenderedFile]
) -> ProjectState:
    """The state file of a project rendered from SOURCE."""
    try:
        template = TemplateRecord(name=template_name(source.url), version=render.version)
    except ValueError as exc:
        raise UsageError(f"template {source.url}: {exc}") from None
    return ProjectState(
        backendkit=__version__,
        template=template,
        answers=render.recorded_answers,
        resources=[],
        files=file_records(recorded),
        source=SourceRecord(url=source.url, ref=render.describe, commit=render.commit),
    )
