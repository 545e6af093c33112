"""An existing project: its root, its recorded state, and what the template renders for it now."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backendkit.baseline import check_baseline
from backendkit.config import ResourceSpec, ServiceConfig
from backendkit.config_file import build_config, build_resource
from backendkit.engine import RenderedFile, Template
from backendkit.errors import UsageError
from backendkit.generate import render_service
from backendkit.safe_paths import inside
from backendkit.state import ProjectState, find_project_root
from backendkit.templates import get_template

# Re-renders never write .env, so the secret they are given is never seen.
_UNUSED_SECRET = "unused"


@dataclass(frozen=True)
class Project:
    """A generated project on disk."""

    root: Path
    state: ProjectState

    @classmethod
    def find(cls, start: Path) -> Project:
        """The project containing START."""
        root = find_project_root(start)
        state = ProjectState.load(root)
        check_baseline(root)
        return cls(root=root, state=state)

    def config(self, overrides: dict[str, Any] | None = None) -> ServiceConfig:
        """The recorded config, with OVERRIDES applied and validated like ``new``."""
        self.refuse_external()
        values: dict[str, Any] = {
            **self.state.answers,
            "resources": [
                {"name": r.name, "fields": r.fields, "owned": r.owned,
                 "soft_delete": r.soft_delete, "plural": r.plural, "events": r.events,
                 "actions": [{"name": a.name, "body": a.body} for a in r.actions]}
                for r in self.state.resources
            ],
        }  # fmt: skip
        values.update(overrides or {})
        return build_config(values, source=f"{self.root.name}: ")

    def refuse_external(self) -> None:
        """Resources, fields and actions exist only in backendkit's own templates."""
        if self.state.source is not None:
            raise UsageError(
                f"the project was made from the template {self.state.source.url}: this command "
                "works only with backendkit's built-in templates (check and update work here)"
            )

    def migrations(self) -> dict[str, tuple[str, str | None]]:
        """Recorded revision ids per resource."""
        return {
            r.name: (r.migration.revision, r.migration.down_revision) for r in self.state.resources
        }

    def current_template(self) -> Template:
        """The installed template, when it is the version the project was last rendered with
        (changes to a project's resources start from an up-to-date project)."""
        self.refuse_external()
        template = get_template(self.state.template.name)
        if template.version != self.state.template.version:
            raise UsageError(
                f"the project was rendered with template {template.name} "
                f"{self.state.template.version} and {template.version} is installed: "
                "run 'backendkit update' first"
            )
        return template

    def created_with(self) -> dict[str, ResourceSpec]:
        """Per resource whose fields changed since its table was created: the resource then."""
        return {
            r.name: build_resource(
                {"name": r.name, "fields": r.migration.fields, "owned": r.owned,
                 "soft_delete": r.soft_delete, "plural": r.plural, "events": r.events,
                 "actions": [{"name": a.name, "body": a.body} for a in r.actions]}
            )
            for r in self.state.resources
            if r.migration.fields is not None
        }  # fmt: skip

    def render(
        self, config: ServiceConfig | None = None, template: Template | None = None
    ) -> dict[str, RenderedFile]:
        """What the installed template writes for CONFIG (default: the recorded config)."""
        self.refuse_external()
        template = template or get_template(self.state.template.name)
        files = render_service(
            config or self.config(),
            self.migrations(),
            template,
            secret_key=_UNUSED_SECRET,
            created_with=self.created_with(),
        )
        return {f.path: f for f in files if f.ownership != "local"}

    def read(self, path: str) -> bytes | None:
        """The bytes of PATH in the project, or None when it is not there.

        A path that leads outside the project (a symbolic link on the way) is refused."""
        try:
            return inside(self.root, path, source=str(self.root)).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
