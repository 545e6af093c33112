"""Read an Alembic versions directory without importing it: revision ids and the head."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from backendkit.errors import UsageError

VERSIONS_DIR = "migrations/versions"


@dataclass(frozen=True)
class Revision:
    """One migration file's identity."""

    path: Path
    revision: str
    down_revisions: tuple[str, ...]


def read_revisions(versions: Path) -> list[Revision]:
    """Every revision in VERSIONS (files that do not parse are a usage error)."""
    revisions: list[Revision] = []
    for path in sorted(versions.glob("*.py")):
        values = _module_constants(path)
        revision = values.get("revision")
        if not isinstance(revision, str):
            continue
        down = values.get("down_revision")
        if isinstance(down, str):
            downs: tuple[str, ...] = (down,)
        elif isinstance(down, tuple | list):
            downs = tuple(str(d) for d in down)
        else:
            downs = ()
        revisions.append(Revision(path, revision, downs))
    return revisions


def head_revision(versions: Path) -> str | None:
    """The single head of the history (None when there is no migration yet)."""
    revisions = read_revisions(versions)
    referenced = {down for r in revisions for down in r.down_revisions}
    heads = sorted(r.revision for r in revisions if r.revision not in referenced)
    if len(heads) > 1:
        raise UsageError(
            f"the migrations have several heads ({', '.join(heads)}): "
            "merge them first with 'alembic merge heads'"
        )
    return heads[0] if heads else None


def _module_constants(path: Path) -> dict[str, object]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except UnicodeDecodeError:
        raise UsageError(f"{path}: migration is not UTF-8 text") from None
    except SyntaxError as exc:
        raise UsageError(f"{path}:{exc.lineno}: migration does not parse: {exc.msg}") from None
    values: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                values[target.id] = ast.literal_eval(value)
            except ValueError:
                continue
    return values
