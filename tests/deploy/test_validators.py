"""Every generated deploy and CI file passes its validator, offline, for every combination."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from backendkit.config import ServiceConfig
from backendkit.context import service_context
from backendkit.templates import get_template
from tests.deploy import validators
from tests.deploy.conftest import COMBINATIONS, Project, combination_id
from tests.deploy.kustomize import build

REPOSITORY = Path(__file__).resolve().parents[2]
OVERLAYS = ("dev", "prod")


def combinations(keep: Callable[[tuple[str, ...], str], bool]) -> pytest.MarkDecorator:
    """Parametrize over the deploy/ci combinations that generate the file under test."""
    kept = [c for c in COMBINATIONS if keep(*c)]
    return pytest.mark.parametrize(("deploy", "ci"), kept, ids=[combination_id(*c) for c in kept])


def manifests_of(project: Project) -> list[Path]:
    """Every complete Kubernetes object of the base (kustomization and patches are not)."""
    return sorted(
        path
        for path in (project.root / "k8s/base").glob("*.yaml")
        if path.name != "kustomization.yaml"
    )


def render_overlay(project: Project, overlay: str, out: Path) -> Path:
    """The overlay built by the pure-Python kustomize, written as one multi-document file."""
    rendered = out / f"{overlay}.yaml"
    rendered.write_text(yaml.safe_dump_all(build(project.root / "k8s/overlays" / overlay)))
    return rendered


@combinations(lambda deploy, ci: bool(deploy))
def test_dockerfile_passes_hadolint(
    generate: Callable[..., Project], deploy: tuple[str, ...], ci: str
) -> None:
    project = generate(deploy, ci)
    validators.hadolint(project.root / "Dockerfile")


@combinations(lambda deploy, ci: "docker" in deploy)
def test_compose_file_passes_the_compose_schema(
    generate: Callable[..., Project], deploy: tuple[str, ...], ci: str
) -> None:
    project = generate(deploy, ci)
    validators.check_jsonschema("vendor.compose-spec", [project.root / "compose.yaml"])


@combinations(lambda deploy, ci: "k8s" in deploy)
def test_kubernetes_manifests_and_overlays_pass_strict_validation(
    generate: Callable[..., Project], deploy: tuple[str, ...], ci: str, tmp_path: Path
) -> None:
    project = generate(deploy, ci)
    overlays = [render_overlay(project, overlay, tmp_path) for overlay in OVERLAYS]
    validators.kubernetes_validate([*manifests_of(project), *overlays])


@combinations(lambda deploy, ci: ci == "github")
def test_workflow_passes_the_github_workflow_schemas(
    generate: Callable[..., Project], deploy: tuple[str, ...], ci: str
) -> None:
    project = generate(deploy, ci)
    workflow = [project.root / ".github/workflows/ci.yml"]
    validators.check_jsonschema("vendor.github-workflows", workflow)
    validators.check_jsonschema("custom.github-workflows-require-timeout", workflow)


def test_default_project_passes_every_validator(
    generate: Callable[..., Project], tmp_path: Path
) -> None:
    project = generate()
    validators.hadolint(project.root / "Dockerfile")
    validators.check_jsonschema("vendor.compose-spec", [project.root / "compose.yaml"])
    overlays = [render_overlay(project, overlay, tmp_path) for overlay in OVERLAYS]
    validators.kubernetes_validate([*manifests_of(project), *overlays])
    workflow = [project.root / ".github/workflows/ci.yml"]
    validators.check_jsonschema("vendor.github-workflows", workflow)
    validators.check_jsonschema("custom.github-workflows-require-timeout", workflow)


def test_this_repositorys_workflows_pass_the_github_workflow_schemas() -> None:
    workflows = sorted((REPOSITORY / ".github/workflows").glob("*.yml"))
    assert workflows, "backendkit's own CI workflow is missing"
    validators.check_jsonschema("vendor.github-workflows", workflows)
    validators.check_jsonschema("custom.github-workflows-require-timeout", workflows)


def test_validators_report_findings(tmp_path: Path) -> None:
    """The harness fails on findings (a validator that passes everything proves nothing)."""
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:latest\nRUN pip install flask\n")
    bad_manifest = tmp_path / "bad.yaml"
    bad_manifest.write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {portz: []}\n"
    )
    bad_compose = tmp_path / "compose.yaml"
    bad_compose.write_text("services:\n  api:\n    image: x\n    depends_on: {db: {when: up}}\n")
    bad_workflow = tmp_path / "ci.yml"
    bad_workflow.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps: []\n")
    checks: list[Callable[[], None]] = [
        lambda: validators.hadolint(dockerfile),
        lambda: validators.kubernetes_validate([bad_manifest]),
        lambda: validators.check_jsonschema("vendor.compose-spec", [bad_compose]),
        lambda: validators.check_jsonschema(
            "custom.github-workflows-require-timeout", [bad_workflow]
        ),
    ]
    for check in checks:
        with pytest.raises(pytest.fail.Exception):
            check()


def test_workflow_with_redis_cache_passes_and_starts_redis(tmp_path: Path) -> None:
    """``--cache redis`` adds a Redis service container."""
    config = ServiceConfig.model_validate(
        {"name": "book_club", "auth": "none", "cache": "redis", "deploy": "docker"}
    )
    context = service_context(config, {}, template_version="", secret_key="")
    source = "project/{% if ci == 'github' %}.github{% endif %}/workflows/ci.yml.jinja"
    workflow = get_template().environment.get_template(source).render(context)
    path = tmp_path / "ci.yml"
    path.write_text(workflow)
    validators.check_jsonschema("vendor.github-workflows", [path])
    validators.check_jsonschema("custom.github-workflows-require-timeout", [path])
    test_job = yaml.safe_load(workflow)["jobs"]["test"]
    assert test_job["services"]["redis"]["image"] == context["redis_image"]
    assert test_job["env"][context["env"].redis_url].startswith("redis://localhost:")
