"""What ``add consumer`` and ``add job`` share: files seeded once from a template folder,
the user's from then on (never recorded, never changed by backendkit)."""

from __future__ import annotations

from pathlib import Path

import jinja2

from backendkit.errors import UsageError
from backendkit.project import Project
from backendkit.templates import get_template


def require_broker(project: Project) -> None:
    """Refuse a project without a message broker, saying how to add one."""
    if project.state.answers.get("broker", "none") == "none":
        raise UsageError(
            "this project has no message broker: run 'backendkit update --set broker=rabbitmq' "
            "(or nats, redis) first"
        )


def seed_folder(project: Project, name: str) -> tuple[Path, jinja2.Environment]:
    """The template's folder NAME for PROJECT, and a strict environment over it."""
    folder = Path(get_template(project.state.template.name).root) / name
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return folder, environment


def write_seeded(root: Path, files: dict[str, str]) -> None:
    """Write FILES (paths relative to ROOT) with their folders."""
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
