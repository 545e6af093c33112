"""The baseline: every file exactly as backendkit last rendered it, kept inside the project.

``update`` needs the content it wrote last time as the base of a three-way merge. The project
keeps it itself (a deterministic zip, a few tens of KB) rather than relying on the template's
history (a wheel has none), old template versions in the package, or git history (a shallow
clone or a merged file loses it). Each entry is verified against the state file's sha256.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from backendkit.engine.template import RenderedFile
from backendkit.safe_paths import check_relative, inside
from backendkit.state import ProjectState, sha256

BASELINE_PATH = ".backendkit/baseline.zip"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def dump_baseline(files: Iterable[RenderedFile]) -> bytes:
    """A zip of FILES (local files excluded) with fixed timestamps: same input, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(files, key=lambda f: f.path):
            if file.ownership == "local":
                continue
            info = zipfile.ZipInfo(file.path, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if file.executable else 0o644) << 16
            archive.writestr(info, file.content)
    return buffer.getvalue()


def baseline_file(files: Iterable[RenderedFile]) -> RenderedFile:
    """The baseline as a file to write with the others."""
    return RenderedFile(BASELINE_PATH, dump_baseline(files), "managed")


def load_baseline(project: Path, state: ProjectState) -> dict[str, bytes]:
    """Base contents whose hash matches the state file's record (others are left out).

    An entry whose name leads outside the project is refused: the archive arrives through git.
    """
    path = inside(project, BASELINE_PATH, source=BASELINE_PATH)
    if not path.is_file():
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            _check_names(archive)
            contents = {name: archive.read(name) for name in archive.namelist()}
    except (zipfile.BadZipFile, zlib.error, EOFError):
        return {}
    return {
        name: content
        for name, content in contents.items()
        if name in state.files and state.files[name].sha256 == sha256(content)
    }


def check_baseline(project: Path) -> None:
    """Refuse a baseline with an entry that leads outside the project (names only: cheap)."""
    path = inside(project, BASELINE_PATH, source=BASELINE_PATH)
    if not path.is_file():
        return
    try:
        with zipfile.ZipFile(path) as archive:
            _check_names(archive)
    except zipfile.BadZipFile:
        return  # a damaged archive only costs update its merge bases


def _check_names(archive: zipfile.ZipFile) -> None:
    for name in archive.namelist():
        check_relative(name, source=f"{BASELINE_PATH} is damaged")
