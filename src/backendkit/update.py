"""Apply an update plan: back up, write the files, write the state file last."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from backendkit.baseline import BASELINE_PATH, baseline_file
from backendkit.engine import RenderedFile, write_tree
from backendkit.errors import UsageError
from backendkit.generate import build_state
from backendkit.safe_paths import inside
from backendkit.state import STATE_PATH
from backendkit.update_plan import Action, UpdatePlan

BACKUP_DIR = ".backendkit/backups"


def ensure_clean_tree(root: Path) -> None:
    """Refuse a git work tree with uncommitted changes (update must be undoable)."""
    git = shutil.which("git")
    if git is None:
        return
    status = subprocess.run(
        [git, "status", "--porcelain", "--untracked-files=no", "--", "."],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if status.returncode == 0 and status.stdout.strip():
        raise UsageError(
            "the git work tree has uncommitted changes: commit or stash them first "
            "(or pass --allow-dirty)"
        )


def apply_update(plan: UpdatePlan) -> Path | None:
    """Carry out PLAN. Returns the backup directory when one is kept (conflicts), else None."""
    root = plan.project.root
    touched = [f for f in plan.files if f.action.writes or f.action is Action.DELETE]
    for f in touched:  # before anything is written: no path may lead outside the project
        inside(root, f.path, source=str(root))
    backup = _backup(root, [f.path for f in touched if f.current is not None])
    write_tree(
        root,
        [
            RenderedFile(f.path, f.result, f.render.ownership if f.render else "managed",
                         f.render.executable if f.render else False)
            for f in touched
            if f.result is not None
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
    state = build_state(plan.config, plan.project.migrations(), plan.template, renders)
    write_tree(
        plan.project.root,
        [baseline_file(renders), RenderedFile(STATE_PATH, state.dump(), "managed")],
    )


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
