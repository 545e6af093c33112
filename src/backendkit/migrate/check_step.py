"""The migrations step of ``backendkit check``: run only when the project's Python is there."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backendkit.errors import UsageError


@dataclass(frozen=True)
class MigrationsCheck:
    """Whether the models and the migrations agree, or why that was not checked."""

    status: str  # "in-sync", "differ", "skipped" or "error"
    reason: str = ""
    differences: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status in {"differ", "error"}


def check_migrations(root: Path) -> MigrationsCheck:
    """Compare models and migrations; skipped (with the reason) without a project environment."""
    from backendkit.migrate.environment import available, find_project_python

    if not available(root):
        return MigrationsCheck(
            "skipped",
            "no project environment (.venv, $BACKENDKIT_PROJECT_PYTHON, or alembic importable "
            "here); see backendkit migrate --help",
        )
    try:
        env = find_project_python(root)
    except UsageError as exc:
        return MigrationsCheck("skipped", str(exc))
    from backendkit.migrate.revisions import compare

    try:
        comparison = compare(env)
    except UsageError as exc:
        return MigrationsCheck("error", str(exc))
    if comparison.in_sync:
        return MigrationsCheck("in-sync")
    return MigrationsCheck("differ", "run backendkit migrate NAME", comparison.differences)
