"""Every generated deploy and CI file passes its validator, offline, for every combination."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def test_with_a_broker_the_relay_and_the_worker_are_deployments_of_their_own(
    generate: Callable[..., Project], tmp_path: Path
) -> None:
    project = generate(("k8s",), "none", "rabbitmq")
    overlays = [render_overlay(project, overlay, tmp_path) for overlay in OVERLAYS]
    validators.kubernetes_validate([*manifests_of(project), *overlays])
    name, env = project.values["dns_name"], project.values["events_env"]
    built = build(project.root / "k8s/overlays/prod")
    deployments = {m["metadata"]["name"]: m for m in built if m["kind"] == "Deployment"}
    assert set(deployments) == {name, f"{name}-relay", f"{name}-worker"}
    for process in ("relay", "worker"):
        pod = deployments[f"{name}-{process}"]["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert container["command"] == ["python", "-m", "app", process]
        assert {e["name"]: e["value"] for e in container["env"]}[env.host] == "0.0.0.0"
        assert container["ports"][0]["containerPort"] == project.values["events_probe_port"]
        assert container["readinessProbe"]["httpGet"]["path"] == project.values["ready_path"]
        assert container["livenessProbe"]["httpGet"]["path"] == project.values["health_path"]
        selector = deployments[f"{name}-{process}"]["spec"]["selector"]["matchLabels"]
        assert selector["app.kubernetes.io/component"] == process  # not the API's Service
    [config] = [m for m in built if m["kind"] == "ConfigMap"]
    assert config["data"][env.relay_in_process] == "false"
    assert config["data"][env.consume_in_process] == "false"
    settings = (project.root / "app/core/config.py").read_text()
    for variable in vars(env).values():  # each is a setting of the service
        assert re.search(rf"^\s+{variable.lower()}: ", settings, re.MULTILINE), variable
    plain = generate(("k8s",), "none")
    assert not plain.has("k8s/base/events.yaml")
    [plain_config] = [
        m for m in build(plain.root / "k8s/overlays/prod") if m["kind"] == "ConfigMap"
    ]
    assert env.relay_in_process not in plain_config["data"]


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


def render_workflow(tmp_path: Path, **answers: str) -> tuple[Path, dict[str, Any]]:
    """The workflow for a project with ANSWERS, written to a file, and its render context."""
    config = ServiceConfig.model_validate({"name": "book_club", "deploy": "docker", **answers})
    context = service_context(config, {}, template_version="", secret_key="")
    source = "project/{% if ci == 'github' %}.github{% endif %}/workflows/ci.yml.jinja"
    path = tmp_path / "ci.yml"
    path.write_text(get_template().environment.get_template(source).render(context))
    return path, context


def databases_tested(test_job: dict[str, Any], database_url: str) -> list[str]:
    """The backends the job's pytest steps run on, in order, from their database URLs."""
    return [
        step["env"][database_url].split("+")[0]
        for step in test_job["steps"]
        if step.get("run") == "uv run pytest"
    ]


@pytest.mark.parametrize("auth", ["jwt", "none"])
@pytest.mark.parametrize("cache", ["redis", "none"])
@pytest.mark.parametrize("db", ["sqlite", "postgres"])
def test_workflow_of_every_db_cache_and_auth_passes_the_schemas(
    tmp_path: Path, db: str, cache: str, auth: str
) -> None:
    path, _ = render_workflow(tmp_path, db=db, cache=cache, auth=auth)
    validators.check_jsonschema("vendor.github-workflows", [path])
    validators.check_jsonschema("custom.github-workflows-require-timeout", [path])


def test_workflow_tests_a_sqlite_project_on_sqlite_then_postgresql(tmp_path: Path) -> None:
    path, context = render_workflow(tmp_path, db="sqlite")
    test_job = yaml.safe_load(path.read_text())["jobs"]["test"]
    database_url = context["env"].database_url
    assert databases_tested(test_job, database_url) == ["sqlite", "postgresql"]
    migrations = [s for s in test_job["steps"] if "alembic check" in s.get("run", "")]
    assert [s["env"][database_url].split("+")[0] for s in migrations] == ["sqlite", "postgresql"]
    assert database_url not in test_job["env"], "each step names its database"


def test_workflow_tests_a_postgresql_project_on_postgresql_only(tmp_path: Path) -> None:
    path, context = render_workflow(tmp_path, db="postgres")
    test_job = yaml.safe_load(path.read_text())["jobs"]["test"]
    assert databases_tested(test_job, context["env"].database_url) == ["postgresql"]


@pytest.mark.parametrize("cache", ["redis", "none"])
def test_workflow_starts_redis_whatever_the_cache_as_compose_and_kubernetes_do(
    tmp_path: Path, cache: str
) -> None:
    """Rate limits and idempotency keys use Redis with any cache answer: CI tests that too."""
    path, context = render_workflow(tmp_path, cache=cache)
    test_job = yaml.safe_load(path.read_text())["jobs"]["test"]
    assert test_job["services"]["redis"]["image"] == context["redis_image"]
    assert test_job["env"][context["env"].redis_url].startswith("redis://localhost:")


@pytest.mark.parametrize("broker", ["rabbitmq", "nats", "redis"])
def test_workflow_of_a_service_with_a_broker_starts_no_broker(tmp_path: Path, broker: str) -> None:
    """Its tests run on FastStream's in-memory broker (docs/events.md, Continuous integration)."""
    path, _ = render_workflow(tmp_path, broker=broker)
    validators.check_jsonschema("vendor.github-workflows", [path])
    services = yaml.safe_load(path.read_text())["jobs"]["test"]["services"]
    assert set(services) == {"postgres", "redis"}
    assert "in-memory broker" in path.read_text()


@pytest.mark.parametrize("deploy", [(), ("docker", "k8s")], ids=["none", "docker,k8s"])
def test_dependabot_config_passes_its_schema_and_covers_lock_image_and_actions(
    generate: Callable[..., Project], deploy: tuple[str, ...]
) -> None:
    project = generate(deploy, "github")
    path = project.root / ".github/dependabot.yml"
    validators.check_jsonschema("vendor.dependabot", [path])
    ecosystems = [u["package-ecosystem"] for u in yaml.safe_load(path.read_text())["updates"]]
    assert ecosystems == ["uv", "docker", "github-actions"] if deploy else ["uv", "github-actions"]


def test_no_dependabot_config_without_github(generate: Callable[..., Project]) -> None:
    assert not generate((), "none").has(".github")


def test_pre_commit_config_is_valid_and_runs_the_ci_checks(
    generate: Callable[..., Project],
) -> None:
    path = generate().root / ".pre-commit-config.yaml"
    validators.run([validators.tool("pre-commit"), "validate-config", str(path)])
    hooks = {h["id"]: h for r in yaml.safe_load(path.read_text())["repos"] for h in r["hooks"]}
    assert list(hooks) == ["ruff-check", "ruff-format", "mypy", "backendkit-check"]
    for name in ("ruff-check", "ruff-format", "mypy"):
        assert hooks[name]["entry"].startswith("uv run --frozen --extra dev "), hooks[name]
    check = hooks["backendkit-check"]
    assert check["always_run"] and not check["pass_filenames"]
    # Installed as CI's template job does: the recorded version, or BACKENDKIT_PIP_SPEC.
    assert "spec=${BACKENDKIT_PIP_SPEC:-backendkit==$recorded}" in check["entry"]
    assert 'sed -n "s/^backendkit: *//p" .backendkit/state.yml' in check["entry"]
