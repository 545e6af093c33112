"""Where Copier writes each file of a template: its path rendered as Copier's _render_path
does, and the pattern style its exclude and skip lists are read in."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from backendkit.external.template_files import TemplateFiles, Unsupported


def pathspec_style() -> str:
    """Copier's pattern style: "gitignore" from pathspec 1.0 on, "gitwildmatch" before."""
    from importlib.metadata import version

    from packaging.version import Version

    return "gitignore" if Version(version("pathspec")) >= Version("1.0.0") else "gitwildmatch"


def target_path(
    relative: PurePosixPath,
    prefix: str,
    files: TemplateFiles,
    suffix: str,
    answers_relpath: Path,
    env: Any,
    context: Mapping[str, Any],
) -> PurePosixPath | None:
    """Where Copier writes the file at RELATIVE (None: nowhere), as its _render_path does."""
    is_template = relative.name.endswith(suffix)
    if f"{prefix}{relative}{suffix}" in files:
        return None  # the templated sibling wins
    if is_template:
        relative = relative.with_suffix("")
    parts: list[str] = []
    for part in relative.parts:
        if "{%" in part and "yield" in part:
            raise Unsupported("a yield tag")
        # A part without Jinja syntax renders to itself (the delimiters are the default ones).
        rendered = env.from_string(part).render(context) if "{" in part else part
        if not rendered:
            return None
        if rendered == str(answers_relpath):
            return PurePosixPath(answers_relpath.as_posix())
        parts.append(rendered)
    path = PurePosixPath(*parts)
    if not is_template and f"{path}{suffix}" in files:
        return None
    if any(p in {"..", "", "."} for p in path.parts) or path.is_absolute() or "/" in "".join(parts):
        raise Unsupported("a path outside the project")
    return path
