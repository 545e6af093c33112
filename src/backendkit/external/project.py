"""What an external template renders for a recorded project."""

from __future__ import annotations

from typing import Any

from backendkit.engine import RenderedFile
from backendkit.external.render import ExternalRender, render_template
from backendkit.external.source import TemplateSource
from backendkit.state import ProjectState, SourceRecord


def recorded_source(state: ProjectState) -> SourceRecord:
    """The state's template source (callers check ``state.source`` first)."""
    assert state.source is not None
    return state.source


def render_recorded(
    state: ProjectState,
    *,
    folder_name: str,
    ref: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> ExternalRender:
    """The template at REF (default: the recorded commit) with the recorded answers and
    OVERRIDES; questions without an answer take their defaults (secrets included)."""
    source = recorded_source(state)
    return render_template(
        TemplateSource(source.url),
        {**state.answers, **(overrides or {})},
        ref=ref or source.commit,
        defaults=True,
        folder_name=folder_name,
    )


def tracked(render: ExternalRender) -> dict[str, RenderedFile]:
    """The render's files by path."""
    return {f.path: f for f in render.files}
