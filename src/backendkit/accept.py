"""Accepted edits: a generated file the user changed on purpose, recorded in the state file."""

from __future__ import annotations

from pathlib import Path

from backendkit.conflict_markers import has_conflict_markers
from backendkit.engine import RenderedFile, write_tree
from backendkit.errors import UsageError
from backendkit.project import Project
from backendkit.state import STATE_PATH, sha256


def accept_edits(project: Project, paths: list[Path], *, undo: bool = False) -> list[str]:
    """Record (or, with UNDO, forget) the current content of PATHS as accepted edits."""
    state = project.state
    lines: list[str] = []
    for given in paths:
        relative = _relative(project.root, given)
        record = state.files.get(relative)
        if record is None:
            raise UsageError(f"{relative}: not a file backendkit generated (nothing to accept)")
        if undo:
            record.accepted = None
            lines.append(f"forgot the accepted edit of {relative}")
            continue
        content = project.read(relative)
        if content is None:
            raise UsageError(f"{relative}: not on disk (a deleted file needs no accepting)")
        if has_conflict_markers(content):
            raise UsageError(f"{relative}: resolve its conflict markers before accepting it")
        if sha256(content) == record.sha256:
            record.accepted = None
            lines.append(f"{relative} is as generated: nothing to accept")
            continue
        record.accepted = sha256(content)
        lines.append(f"accepted {relative}")
    write_tree(project.root, [RenderedFile(STATE_PATH, state.dump(), "managed")])
    return lines


def _relative(root: Path, given: Path) -> str:
    absolute = given if given.is_absolute() else Path.cwd() / given
    try:
        return absolute.resolve().relative_to(root).as_posix()
    except ValueError:
        raise UsageError(f"{given}: not inside the project at {root}") from None
