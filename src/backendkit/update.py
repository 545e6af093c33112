"""Apply an update plan: back up, write the files, write the state file last."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import msgspec

from backendkit import __version__
from backendkit.baseline import BASELINE_PATH, baseline_file
from backendkit.engine import RenderedFile, write_tree
from backendkit.errors import UsageError
from backendkit.generate import build_state
from backendkit.safe_paths import inside
from backendkit.state import STATE_PATH, TemplateRecord, file_records, sha256
from backendkit.update_plan import Action, PlannedFile, UpdatePlan

BACKUP_DIR = ".backendkit/backups"


def ensure_clean_tree(root: Path, paths: list[str]) -> None:
    """Refuse to write over PATHS while git holds uncommitted or untracked work in them.

    The write must be undoable with git, and a file git does not know is someone's unsaved work.
    """
    git = shutil.which("git")
    if git is None or not paths:
        return
    status = subprocess.run(
        [git, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if status.returncode != 0:
        return  # not a git work tree: the backup directory is the way back
    dirty = sorted({entry[3:] for entry in status.stdout.split("\0") if len(entry) > 3})
    if dirty:
        shown = ", ".join(dirty[:10]) + (f" and {len(dirty) - 10} more" if len(dirty) > 10 else "")
        raise UsageError(
            f"uncommitted or untracked changes in files this would write: {shown}; "
            "commit or stash them first (or pass --allow-dirty)"
        )


def touched_paths(plan: UpdatePlan, extra: list[RenderedFile] | None = None) -> list[str]:
    """The paths carrying out PLAN writes or deletes."""
    written = [f.path for f in plan.files if f.action.writes or f.action is Action.DELETE]
    return [*written, *(f.path for f in extra or [])]


def apply_update(plan: UpdatePlan, *, extra: list[RenderedFile] | None = None) -> Path | None:
    """Carry out PLAN, and write the untracked EXTRA files (a revision) with its files.

    Returns the backup directory when one is kept (conflicts), else None.
    """
    root = plan.project.root
    touched = [f for f in plan.files if f.action.writes or f.action is Action.DELETE]
    for f in touched:  # before anything is written: no path may lead outside the project
        inside(root, f.path, source=str(root))
    backup = _backup(root, [f.path for f in touched if f.current is not None])
    write_tree(
        root,
        [
            *[RenderedFile(f.path, f.result, f.render.ownership if f.render else "managed",
                           f.render.executable if f.render else False)
              for f in touched
              if f.result is not None],
            *(extra or []),
        ],
    )  # fmt: skip
    for f in touched:
        if f.action is Action.DELETE and f.current is not None:
            inside(root, f.path, source=str(root)).unlink(missing_ok=True)
            _remove_empty_parents(root, root / f.path)
    _write_state(plan)  # last: until here the old state still describes the project
    if plan.conflicts:
        return backup
    shutil.rmtree(backup, ignore_errors=True)
    return None


def _write_state(plan: UpdatePlan) -> None:
    renders = [f.render for f in plan.files if f.render is not None]
    project = plan.project
    if plan.external is not None:
        state = msgspec.structs.replace(
            project.state,
            backendkit=__version__,
            template=TemplateRecord(name=project.state.template.name,
                                    version=plan.external.version),
            answers=plan.external.answers,
            files=file_records(renders),
            source=plan.external.source,
        )  # fmt: skip
    else:
        assert plan.config is not None
        state = build_state(
            plan.config, project.migrations(), plan.template, renders, project.created_with()
        )
    for planned in plan.files:
        record = state.files.get(planned.path)
        old = project.state.files.get(planned.path)
        if record is not None and old is not None and old.accepted is not None:
            record.accepted = _still_accepted(planned)
    write_tree(
        project.root,
        [baseline_file(renders), RenderedFile(STATE_PATH, state.dump(), "managed")],
    )


def _still_accepted(planned: PlannedFile) -> str | None:
    """An accepted edit carries over while the file keeps it: kept as is, or merged cleanly
    with the template's change (the merge is the accepted edit on the new template)."""
    if planned.result is None or planned.action not in {Action.KEEP, Action.MERGE}:
        return None
    return sha256(planned.result)


def _backup(root: Path, paths: list[str]) -> Path:
    """Copy PATHS, the state file and the baseline into a fresh backup directory."""
    backups = root / BACKUP_DIR
    backups.mkdir(parents=True, exist_ok=True)
    (backups / ".gitignore").write_text("*\n")
    backup = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=backups))
    for path in [*paths, STATE_PATH, BASELINE_PATH]:
        source = root / path
        if source.is_file():
            destination = backup / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return backup


def _remove_empty_parents(root: Path, path: Path) -> None:
    for parent in path.parents:
        if parent == root or root not in parent.parents:
            return
        try:
            parent.rmdir()
        except OSError:
            return
