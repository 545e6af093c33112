"""A render's directories (empty ones included) and kept symbolic links, written as Copier
writes them. They are not files: the state file does not track them."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from backendkit.errors import UsageError
from backendkit.safe_paths import check_relative, inside


def write_layout(root: Path, directories: Iterable[str], symlinks: Mapping[str, str]) -> None:
    """Create DIRECTORIES and SYMLINKS (path: target) below ROOT where nothing is yet."""
    try:
        for directory in directories:
            inside(root, directory, source=str(root)).mkdir(parents=True, exist_ok=True)
        for link, target in symlinks.items():
            check_relative(link, source=str(root))
            parent, _, name = link.rpartition("/")
            path = (inside(root, parent, source=str(root)) if parent else root) / name
            if not os.path.lexists(path):
                path.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(target, path)
    except OSError as exc:
        raise UsageError(f"cannot create {exc.filename}: {exc.strerror or exc}") from None
