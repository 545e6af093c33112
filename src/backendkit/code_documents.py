"""A step of ``backendkit check``: the documents a project keeps of what its code serves
(``schema.graphql``, ``asyncapi.json``) against what the code prints now, by the project's own
Python (skipped without one, like the migrations step). Each is a contract reviewers read:
a change to it must show up in the diff, not drift silently."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CodeDocument:
    """A file the project keeps, the module that serves it, and how the code prints it."""

    path: str
    module: str
    printer: str
    reprint: str


DOCUMENTS = (
    CodeDocument(
        path="schema.graphql",
        module="app/core/graphql.py",
        printer="import sys; from app.core.graphql import schema_text; "
        "sys.stdout.write(schema_text())",
        reprint="python -m app.core.graphql > schema.graphql",
    ),
    CodeDocument(
        path="asyncapi.json",
        module="app/events/asyncapi.py",
        printer="import sys; from app.events.asyncapi import asyncapi_document, render; "
        "sys.stdout.write(render(asyncapi_document()))",
        reprint="python -m app asyncapi --write",
    ),
)


def document_problems(root: Path) -> list[str]:
    """Why each kept document disagrees with the code, if it does (none when the project
    keeps no such file or has no environment that imports it: its tests compare them too)."""
    from backendkit.migrate.environment import available

    kept = [d for d in DOCUMENTS if (root / d.path).is_file() and (root / d.module).is_file()]
    if not kept or not available(root):
        return []
    problems = (_problem(root, document) for document in kept)
    return [problem for problem in problems if problem is not None]


def _problem(root: Path, document: CodeDocument) -> str | None:
    from backendkit.migrate.environment import _environment, candidates

    for python in candidates(root):
        if not python.is_file():
            continue
        printed = subprocess.run(
            [str(python), "-c", document.printer],
            cwd=root,
            env=_environment(root),
            capture_output=True,
            check=False,
        )
        if printed.returncode != 0:
            continue  # not the project's environment (or it cannot import the module)
        if printed.stdout == (root / document.path).read_bytes():
            return None
        return f"{document.path}: differs from what the code serves (run {document.reprint})"
    return None
