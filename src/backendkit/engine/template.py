"""Load a Copier-format template and render it in memory with jinja2."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import jinja2
import yaml

from backendkit.errors import BackendkitError, UsageError
from backendkit.safe_paths import path_problem

Ownership = Literal["managed", "seeded", "local"]
TEMPLATE_SUFFIX = ".jinja"
# Tool caches that appear in a template checkout when someone lints it: never template files.
ALWAYS_EXCLUDED = (
    "__pycache__", "*.pyc", ".ruff_cache", ".mypy_cache", ".pytest_cache", ".DS_Store",
)  # fmt: skip
# libyaml's loader when PyYAML was built with it: several times faster than the pure-Python one.
YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class RenderedFile:
    """One file of a render: where it goes, what it holds, and who owns it afterwards."""

    path: str
    content: bytes
    ownership: Ownership
    executable: bool = False


@dataclass
class Template:
    """A template directory in Copier's format plus backendkit's ``_backendkit`` settings."""

    root: Path
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.settings.get("_backendkit", {}).get("name", self.root.name))

    @property
    def version(self) -> str:
        return str(self.settings.get("_backendkit", {}).get("version", "0"))

    @cached_property
    def environment(self) -> jinja2.Environment:
        options = {"keep_trailing_newline": True, **self.settings.get("_envops", {})}
        return jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [jinja2.FunctionLoader(_path_source), jinja2.FileSystemLoader(self.root)]
            ),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            bytecode_cache=_bytecode_cache(),
            **options,
        )

    def ownership_of(self, path: str) -> Ownership:
        """Managed by the template unless a ``_backendkit`` pattern says seeded or local."""
        own = self.settings.get("_backendkit", {})
        kinds: tuple[Ownership, ...] = ("local", "seeded")
        for kind in kinds:
            if any(fnmatch.fnmatchcase(path, pattern) for pattern in own.get(kind, [])):
                return kind
        return "managed"

    def render(self, subdirectory: str, context: Mapping[str, Any]) -> list[RenderedFile]:
        """Render every file below SUBDIRECTORY with CONTEXT, skipping empty names."""
        base = self.root / subdirectory
        if not base.is_dir():
            raise BackendkitError(f"template {self.name!r} has no {subdirectory!r} directory")
        files: list[RenderedFile] = []
        for source in self._walk(base):
            relative = source.relative_to(self.root).as_posix()
            target = self._render_path(source.relative_to(base), context)
            if target is None:
                continue
            if source.name.endswith(TEMPLATE_SUFFIX):
                text = self._render_text(relative, context)
                content = text.encode()
            else:
                content = source.read_bytes()
            executable = os.access(source, os.X_OK)
            files.append(RenderedFile(target, content, self.ownership_of(target), executable))
        return files

    def _walk(self, base: Path) -> Iterator[Path]:
        excluded = [*ALWAYS_EXCLUDED, *self.settings.get("_exclude", [])]
        for directory, dirnames, filenames in os.walk(base):
            dirnames.sort()
            dirnames[:] = [d for d in dirnames if not _matches(d, excluded)]
            for filename in sorted(filenames):
                if not _matches(filename, excluded):
                    yield Path(directory, filename)

    def _render_path(self, relative: Path, context: Mapping[str, Any]) -> str | None:
        parts: list[str] = []
        for index, part in enumerate(relative.parts):
            if index == len(relative.parts) - 1 and part.endswith(TEMPLATE_SUFFIX):
                part = part[: -len(TEMPLATE_SUFFIX)]
            if "{{" in part or "{%" in part:
                # Loaded by name so that the bytecode cache covers path templates too.
                template = self.environment.get_template(_PATH_PREFIX + part)
                part = template.render(context).strip()
            if not part:
                return None  # Copier's convention: a name that renders empty is not generated.
            if "/" in part:
                raise UsageError(f"template path {relative} renders to an unsafe name {part!r}")
            parts.append(part)
        path = "/".join(parts)
        problem = path_problem(path)
        if problem:
            raise UsageError(
                f"template path {relative} renders to an unsafe path {path!r}: {problem}"
            )
        return path

    def _render_text(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            return self.environment.get_template(name).render(context)
        except jinja2.TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f"{name}:{line}" if line else name
            raise BackendkitError(f"template error in {where}: {exc}") from exc


_PATH_PREFIX = "\0path:"


def _path_source(name: str) -> str | None:
    """Source of a templated path part, addressed as a template name."""
    return name[len(_PATH_PREFIX) :] if name.startswith(_PATH_PREFIX) else None


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates cached on disk: compiling dominates a render of a whole service.

    Entries are keyed by each template's source checksum, so an edited template recompiles.
    """
    if os.environ.get("BACKENDKIT_NO_CACHE"):
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    directory = base / "backendkit" / f"jinja-{jinja2.__version__}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(directory))


def _matches(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def load_template(root: Path) -> Template:
    """Read ``copier.yml`` of the template at ROOT."""
    settings_file = root / "copier.yml"
    if not settings_file.is_file():
        raise BackendkitError(f"{root} is not a template: it has no copier.yml")
    settings = yaml.load(settings_file.read_text(), Loader=YAML_LOADER) or {}
    return Template(root=root, settings=settings)
