"""The project state file: what backendkit generated, from which answers, owned by whom."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from backendkit.engine.template import YAML_LOADER, Ownership, RenderedFile
from backendkit.errors import UsageError
from backendkit.records import Record, RecordError

STATE_PATH = ".backendkit/state.yml"
YAML_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
STATE_SCHEMA = 1
_HEADER = (
    "# backendkit project state: written by backendkit; read by check, update and add.\n"
    "# Do not edit by hand. It holds no secrets.\n"
)


class FileRecord(Record, kw_only=True):
    """What backendkit last wrote to one path."""

    sha256: str
    ownership: Ownership


class Migration(Record, kw_only=True):
    """The Alembic revision that creates a resource's table."""

    revision: str
    down_revision: str | None


class ResourceRecord(Record, kw_only=True):
    """A resource as recorded: its spec in the field syntax, and its migration."""

    name: str
    fields: list[str]
    owned: bool = False
    soft_delete: bool = False
    plural: str | None = None
    migration: Migration


class TemplateRecord(Record, kw_only=True):
    """Which template, at which version, rendered the project."""

    name: str
    version: str


class ProjectState(Record, kw_only=True):
    """The whole state file."""

    schema_version: int = STATE_SCHEMA
    backendkit: str
    template: TemplateRecord
    answers: dict[str, Any]
    resources: list[ResourceRecord]
    files: dict[str, FileRecord]

    def dump(self) -> bytes:
        """The state file's bytes: stable key order, one file per line."""
        data = self.model_dump(mode="json")
        data["files"] = dict(sorted(data["files"].items()))
        for resource in data["resources"]:
            if resource.get("plural") is None:  # recorded only when declared
                resource.pop("plural", None)
        body = yaml.dump(
            data, Dumper=YAML_DUMPER, sort_keys=False, default_flow_style=None, width=100
        )
        return (_HEADER + body).encode()

    @classmethod
    def load(cls, project: Path) -> ProjectState:
        """Read the state file of the project at PROJECT."""
        path = project / STATE_PATH
        try:
            data = yaml.load(path.read_text(), Loader=YAML_LOADER)
            return cls.model_validate(data)
        except FileNotFoundError:
            raise UsageError(f"{project} is not a backendkit project: no {STATE_PATH}") from None
        except (yaml.YAMLError, RecordError) as exc:
            first = str(exc).splitlines()[0]
            raise UsageError(f"{path} is damaged: {first}") from None


def sha256(content: bytes) -> str:
    """Hex digest used for every file record."""
    return hashlib.sha256(content).hexdigest()


def file_records(files: list[RenderedFile]) -> dict[str, FileRecord]:
    """Records for every rendered file the project keeps track of (local files excluded)."""
    return {
        f.path: FileRecord(sha256=sha256(f.content), ownership=f.ownership)
        for f in files
        if f.ownership != "local"
    }


def find_project_root(start: Path) -> Path:
    """The nearest directory at or above START that holds a state file."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / STATE_PATH).is_file():
            return directory
    raise UsageError(f"not inside a backendkit project (no {STATE_PATH} here or above)")
