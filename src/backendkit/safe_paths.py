"""Paths that stay inside the project: the rule for every path read from state, zip or template.

A state file and a baseline arrive through git (a teammate, a merge, a pull request), so the
paths they hold are untrusted input: a path is used only when it is relative, normalised and
resolves inside the project, symbolic links included.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from backendkit.errors import UsageError


class UnsafePathError(UsageError):
    """A path that would lead outside the project."""


def path_problem(path: str) -> str | None:
    """Why PATH is not a normalised relative posix path, or None when it is one."""
    if not path:
        return "it is empty"
    if any(unicodedata.category(c) == "Cc" for c in path):
        return "it holds a control character"
    if "\\" in path:
        return "it holds a backslash"
    if path.startswith("/"):
        return "it is absolute"
    parts = path.split("/")
    if ".." in parts:
        return "it climbs out with '..'"
    if "" in parts or "." in parts:
        return "it is not normalised"
    return None


def check_relative(path: str, *, source: str) -> str:
    """PATH when it is a normalised relative path; else an UnsafePathError naming SOURCE."""
    problem = path_problem(path)
    if problem:
        raise UnsafePathError(f"{source}: refusing {path!r}: {problem}")
    return path


def inside(root: Path, path: str, *, source: str) -> Path:
    """ROOT / PATH, refused when PATH is unsafe or a symbolic link on the way leads outside ROOT."""
    check_relative(path, source=source)
    # os.path rather than pathlib: check runs this for every file, and Path.resolve is slower.
    # A loop of symbolic links resolves to itself, inside; reading it then fails with ELOOP.
    base = os.path.realpath(root)
    real = os.path.realpath(os.path.join(base, path))
    if real != base and not real.startswith(base + os.sep):
        raise UnsafePathError(
            f"{source}: refusing {path!r}: a symbolic link leads outside the project"
        )
    return Path(base, path)
