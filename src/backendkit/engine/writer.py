"""Write a rendered tree all or nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from backendkit.engine.template import RenderedFile
from backendkit.errors import UsageError
from backendkit.safe_paths import check_relative, inside

_PENDING_SUFFIX = ".backendkit-new"


def write_tree(target: Path, files: Iterable[RenderedFile]) -> None:
    """Write FILES below TARGET so that a failure leaves TARGET as it was.

    A new TARGET is assembled in a sibling temporary directory and renamed into place. An
    existing one gets every file staged beside its destination first, then each staged file
    replaces its destination; only the files given are touched.
    """
    files = list(files)
    for file in files:
        check_relative(file.path, source=str(target))
    if not target.exists():
        _write_new_directory(target, files)
    else:
        # Checked before anything is written: a symbolic link in the tree may lead outside it.
        for file in files:
            inside(target, file.path, source=str(target))
        _write_into_existing(target, files)


def _write_new_directory(target: Path, files: list[RenderedFile]) -> None:
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"cannot create {target}: {parent} is not a directory")
            break
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise UsageError(f"cannot create {target}: {exc.strerror or exc}") from None
    try:
        for file in files:
            _write_file(staging / file.path, file)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_into_existing(target: Path, files: list[RenderedFile]) -> None:
    staged: list[tuple[Path, Path]] = []
    created_dirs: list[Path] = []
    try:
        for file in files:
            destination = target / file.path
            for parent in reversed(destination.parents):
                if not parent.exists() and target in parent.parents:
                    created_dirs.append(parent)
            pending = destination.with_name(destination.name + _PENDING_SUFFIX)
            _write_file(pending, file)
            staged.append((pending, destination))
    except BaseException:
        for pending, _ in staged:
            pending.unlink(missing_ok=True)
        for directory in reversed(created_dirs):
            shutil.rmtree(directory, ignore_errors=True)
        raise
    for pending, destination in staged:
        os.replace(pending, destination)


def _write_file(path: Path, file: RenderedFile) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(file.content)
    if file.executable:
        path.chmod(0o755)
