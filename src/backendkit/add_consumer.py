"""Add an event handler to a project with a broker: a module of app/consumers/ that is the
user's from the start (written once, never recorded, never changed by backendkit)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backendkit.errors import UsageError
from backendkit.project import Project
from backendkit.seeded_files import require_broker, seed_folder, write_seeded

EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
SOURCE = re.compile(r"^[a-z][a-z0-9_-]{0,99}$")
PACKAGE = "app/consumers"


@dataclass(frozen=True)
class ConsumerAddition:
    """The files a new handler brings (relative paths and their text)."""

    files: dict[str, str]


def add_consumer(
    project: Project, event_type: str, source: str | None, *, dry_run: bool = False
) -> ConsumerAddition:
    """Write the handler module of EVENT_TYPE (from SOURCE, or any) into PROJECT."""
    if not EVENT_TYPE.match(event_type):
        raise UsageError(
            f"event type {event_type!r}: expected dotted lowercase words, e.g. order.created"
        )
    if source is not None and not SOURCE.match(source):
        raise UsageError(f"--from {source!r}: expected a service name, e.g. order-service")
    require_broker(project)
    module = event_type.replace(".", "_")
    path = f"{PACKAGE}/{module}.py"
    if (project.root / path).exists():
        raise UsageError(f"refusing to overwrite {path}: a handler of {event_type} exists")
    folder, environment = seed_folder(project, "consumer")
    handler = environment.get_template("handler.py.jinja").render(
        event_type=event_type, source=source
    )
    files = {path: handler}
    if not (project.root / PACKAGE / "__init__.py").exists():
        files[f"{PACKAGE}/__init__.py"] = (folder / "package_init.py").read_text()
    if not dry_run:
        write_seeded(project.root, files)
    return ConsumerAddition(files)
