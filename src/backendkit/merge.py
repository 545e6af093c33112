"""Three-way merge of one file's text, with git-style conflict markers."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from backendkit.errors import BackendkitError


@dataclass(frozen=True)
class MergeResult:
    """The merged bytes and how many conflicts they hold."""

    content: bytes
    conflicts: int


def merge_three_way(ours: bytes, base: bytes, theirs: bytes, *, path: str) -> MergeResult:
    """Merge the user's version (OURS) with the new render (THEIRS) over BASE.

    ``git merge-file`` is the engine: the same algorithm and markers developers already know.
    """
    git = shutil.which("git")
    if git is None:
        raise BackendkitError("backendkit update needs git on PATH for three-way merges")
    with tempfile.TemporaryDirectory(prefix="backendkit-merge-") as tmp:
        names = {"ours": ours, "base": base, "theirs": theirs}
        for name, content in names.items():
            Path(tmp, name).write_bytes(content)
        result = subprocess.run(
            [git, "merge-file", "-p",
             "-L", f"{path} (yours)", "-L", f"{path} (last generated)",
             "-L", f"{path} (template)",
             "ours", "base", "theirs"],
            cwd=tmp, capture_output=True, check=False,
        )  # fmt: skip
    if result.returncode < 0 or result.returncode > 127:
        raise BackendkitError(f"git merge-file failed on {path}: {result.stderr.decode().strip()}")
    return MergeResult(content=result.stdout, conflicts=result.returncode)
