"""The GraphQL step of ``backendkit check``: ``schema.graphql`` against the schema the code
serves, printed by the project's own Python (skipped without one, like the migrations step)."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCHEMA_FILE = "schema.graphql"
_PRINT = "import sys; from app.core.graphql import schema_text; sys.stdout.write(schema_text())"
REPRINT = "python -m app.core.graphql > schema.graphql"


def schema_problem(root: Path) -> str | None:
    """Why ``schema.graphql`` disagrees with the code's schema, or None (also when the project
    serves no GraphQL or has no environment that imports it: its tests compare them too)."""
    from backendkit.migrate.environment import _environment, available, candidates

    written = root / SCHEMA_FILE
    if not written.is_file() or not (root / "app" / "core" / "graphql.py").is_file():
        return None
    if not available(root):
        return None
    for python in candidates(root):
        if not python.is_file():
            continue
        printed = subprocess.run(
            [str(python), "-c", _PRINT],
            cwd=root,
            env=_environment(root),
            capture_output=True,
            check=False,
        )
        if printed.returncode != 0:
            continue  # not the project's environment (or it cannot import the schema)
        if printed.stdout == written.read_bytes():
            return None
        return f"{SCHEMA_FILE}: differs from the schema the code serves (run {REPRINT})"
    return None
