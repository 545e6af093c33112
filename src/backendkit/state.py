"""The project state file: what backendkit generated, from which answers, owned by whom."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated, Any

import msgspec
import yaml

from backendkit import __version__
from backendkit.engine.template import YAML_LOADER, Ownership, RenderedFile
from backendkit.errors import UsageError
from backendkit.records import Record, RecordError
from backendkit.safe_paths import inside
from backendkit.versions import parse_version

STATE_PATH = ".backendkit/state.yml"
YAML_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
STATE_SCHEMA = 1
_TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_HEADER = (
    "# backendkit project state: written by backendkit; read by check, update and add.\n"
    "# Do not edit by hand. It holds no secrets.\n"
)


class FileRecord(Record, kw_only=True, omit_defaults=True):
    """What backendkit last wrote to one path, and the edit of it the user accepted (if any)."""

    sha256: str
    ownership: Ownership
    # sha256 of the content recorded with ``backendkit accept``: check passes while the file
    # holds exactly that; update merges template changes into it and records the result.
    accepted: str | None = None


class Migration(Record, kw_only=True, omit_defaults=True):
    """The Alembic revision that creates a resource's table."""

    revision: str
    down_revision: str | None
    # The fields the table was created with, once they differ from the resource's: that
    # revision is history (a database has applied it), so it renders from these forever.
    fields: list[str] | None = None


class ActionRecord(Record, kw_only=True):
    """A custom action of a resource: its verb, and its request body in the field syntax."""

    name: str
    body: list[str] = msgspec.field(default_factory=list)


class ResourceRecord(Record, kw_only=True):
    """A resource as recorded: its spec in the field syntax, and its migration."""

    name: str
    fields: list[str]
    owned: bool = False
    soft_delete: bool = False
    plural: str | None = None
    migration: Migration
    # Recorded only when true: state files of resources without events read as before.
    events: bool = False
    # Absent from state files written before actions existed, and when there are none.
    actions: list[ActionRecord] = msgspec.field(default_factory=list)


class TemplateRecord(Record, kw_only=True):
    """Which template, at which version, rendered the project."""

    name: str
    version: str

    def __post_init__(self) -> None:
        if not _TEMPLATE_NAME.match(self.name):
            raise ValueError(f"template name {self.name!r} is not a plain name")
        parse_version(self.version, what="template version")


class SourceRecord(Record, kw_only=True, omit_defaults=True):
    """Where an external Copier template lives, and the commit that rendered the project."""

    url: str
    ref: str | None = None  # the tag or ``git describe`` of that commit
    commit: str | None = None  # None: a template directory outside git


class ProjectState(Record, kw_only=True):
    """The whole state file."""

    schema_version: Annotated[int, msgspec.Meta(ge=1)] = STATE_SCHEMA
    backendkit: str
    template: TemplateRecord
    answers: dict[str, Any]
    resources: list[ResourceRecord]
    files: dict[str, FileRecord]
    # Set for a project rendered from an external Copier template (``new --template``).
    source: SourceRecord | None = None

    def dump(self) -> bytes:
        """The state file's bytes: stable key order, one file per line."""
        data = self.model_dump(mode="json")
        data["files"] = dict(sorted(data["files"].items()))
        if data.get("source") is None:
            data.pop("source", None)
        else:
            data["source"] = {k: v for k, v in data["source"].items() if v is not None}
        for resource in data["resources"]:
            if not resource["actions"]:
                del resource["actions"]
            if resource.get("plural") is None:  # recorded only when declared
                resource.pop("plural", None)
            if not resource.get("events"):
                resource.pop("events", None)
        body = yaml.dump(
            data, Dumper=YAML_DUMPER, sort_keys=False, default_flow_style=None, width=100
        )
        return (_HEADER + body).encode()

    @classmethod
    def load(cls, project: Path) -> ProjectState:
        """Read the state file of the project at PROJECT, refusing one this backendkit cannot
        trust or understand: a path that leads outside the project, a newer schema."""
        path = project / STATE_PATH
        try:
            inside(project, STATE_PATH, source=str(path))
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
            schema = data.get("schema_version") if isinstance(data, dict) else None
            if isinstance(schema, int) and schema > STATE_SCHEMA:
                raise UsageError(
                    f"{path} has schema_version {schema}; this backendkit {__version__} reads "
                    f"up to {STATE_SCHEMA}: upgrade backendkit"
                )
            state = cls.model_validate(data)
        except FileNotFoundError:
            raise UsageError(f"{project} is not a backendkit project: no {STATE_PATH}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{path} is damaged: it is not UTF-8 text") from None
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        except (yaml.YAMLError, RecordError) as exc:
            first = str(exc).splitlines()[0]
            raise UsageError(f"{path} is damaged: {first}") from None
        state.check_paths(project, source=str(path))
        return state

    def check_paths(self, project: Path, *, source: str) -> None:
        """Refuse any recorded path that is not a plain path inside PROJECT."""
        for recorded in self.files:
            inside(project, recorded, source=source)


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
