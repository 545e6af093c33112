"""Generated projects for every ``--deploy``/``--ci`` combination, made once per test session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from backendkit.config import ServiceConfig
from backendkit.context import service_context
from backendkit.generate import new_service, sequential_migrations

DEPLOY_CHOICES: list[tuple[str, ...]] = [(), ("docker",), ("k8s",), ("docker", "k8s")]
CI_CHOICES = ["none", "github"]
COMBINATIONS = [(deploy, ci) for deploy in DEPLOY_CHOICES for ci in CI_CHOICES]
# An underscore in the name: Kubernetes object names and the image name must turn it into '-'.
SERVICE_NAME = "book_club"


@dataclass(frozen=True)
class Project:
    """A generated project and the context it was rendered with."""

    root: Path
    config: ServiceConfig
    values: dict[str, Any]

    def has(self, relative: str) -> bool:
        return (self.root / relative).exists()


def combination_id(deploy: tuple[str, ...], ci: str) -> str:
    return f"deploy={','.join(deploy) or 'none'}-ci={ci}"


@pytest.fixture(scope="session")
def generate(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Project]:
    """Generate (once) the project for a deploy/ci combination (and broker); no arguments: the
    defaults."""
    made: dict[object, Project] = {}

    def _generate(
        deploy: tuple[str, ...] | None = None, ci: str | None = None, broker: str = "none"
    ) -> Project:
        key = (deploy, ci, broker)
        if key not in made:
            values: dict[str, Any] = {
                "name": SERVICE_NAME,
                "resources": [{"name": "book", "fields": "title:str(200) pages:int:optional"}],
            }
            if deploy is not None:
                values["deploy"] = list(deploy)
            if ci is not None:
                values["ci"] = ci
            if broker != "none":
                values["broker"] = broker
            config = ServiceConfig.model_validate(values)
            root = tmp_path_factory.mktemp("deploy") / SERVICE_NAME
            new_service(config, root)
            migrations = sequential_migrations([r.names for r in config.resources])
            context = service_context(config, migrations, template_version="", secret_key="")
            made[key] = Project(root, config, context)
        return made[key]

    return _generate
