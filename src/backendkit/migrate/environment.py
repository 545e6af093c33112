"""The generated project's Python: where Alembic and the project's ``app`` can be imported.

backendkit's own environment has neither, so autogenerate and SQL emission run in the
project's interpreter. It is, in order: ``--python PATH``; ``$BACKENDKIT_PROJECT_PYTHON``;
the project's ``.venv`` (or ``venv``); the interpreter running backendkit, when it can import
them. The first that can import ``alembic`` and ``app.core.models`` is used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from backendkit.errors import UsageError

ENV_VARIABLE = "BACKENDKIT_PROJECT_PYTHON"
_SCRIPT = Path(__file__).with_name("in_project.py")
_PROBE = "import alembic, sqlalchemy, app.core.models"
_VENV_DIRS = (".venv", "venv")


@dataclass(frozen=True)
class ProjectPython:
    """An interpreter that can run Alembic against the project at ROOT."""

    root: Path
    python: Path

    def run(self, action: str, **request: Any) -> dict[str, Any]:
        """Run ACTION of in_project.py; a problem it reports becomes a UsageError."""
        with tempfile.TemporaryDirectory(prefix="backendkit-") as tmp:
            request_path, result_path = Path(tmp, "request.json"), Path(tmp, "result.json")
            request_path.write_text(json.dumps({"action": action, **request}))
            completed = subprocess.run(
                [str(self.python), str(_SCRIPT), str(request_path), str(result_path)],
                cwd=self.root,
                env=_environment(self.root),
                capture_output=True,
                text=True,
                check=False,
            )
            if not result_path.is_file():
                last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
                raise UsageError(f"{self.python} could not run Alembic for the project: {last}")
            result: dict[str, Any] = json.loads(result_path.read_text())
        if "error" in result:
            raise UsageError(str(result["error"]))
        ok: dict[str, Any] = result["ok"]
        return ok


def candidates(root: Path, explicit: Path | None = None) -> list[Path]:
    """The interpreters to try, in order (without probing them)."""
    if explicit is not None:
        return [explicit]
    found: list[Path] = []
    if configured := os.environ.get(ENV_VARIABLE):
        found.append(Path(configured))
    found.extend(root / d / "bin" / "python" for d in _VENV_DIRS if (root / d).is_dir())
    found.append(Path(sys.executable))
    return found


def available(root: Path) -> bool:
    """Cheaply: is there an environment worth probing (no subprocess when there is none)?"""
    import importlib.util

    if os.environ.get(ENV_VARIABLE) or any((root / d).is_dir() for d in _VENV_DIRS):
        return True
    return importlib.util.find_spec("alembic") is not None


def find_project_python(root: Path, explicit: Path | None = None) -> ProjectPython:
    """The first candidate that imports Alembic and the project, or a one-line UsageError."""
    if explicit is not None and not explicit.is_file():
        raise UsageError(f"--python {explicit}: no such interpreter")
    for python in candidates(root, explicit):
        if python.is_file() and _probe(str(python), str(root)):
            return ProjectPython(root=root, python=python)
    if explicit is not None:
        raise UsageError(f"--python {explicit} cannot import alembic and the project's app")
    raise UsageError(
        "no Python environment can import alembic and this project's app: create one "
        "(uv sync, or python -m venv .venv && .venv/bin/pip install -e .) or pass --python PATH"
    )


@cache
def _probe(python: str, root: str) -> bool:
    completed = subprocess.run(
        [python, "-c", _PROBE],
        cwd=root,
        env=_environment(Path(root)),
        capture_output=True,
        check=False,
    )
    return completed.returncode == 0


def _environment(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env
