"""What the deploy and CI files promise: which exist, how pods are probed, bounded and locked
down, and that every value shared between files is the one the config model holds."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import COMBINATIONS, Project, combination_id
from tests.deploy.kustomize import build, load_manifests, split_image
from tests.helpers import run_cli

Manifest = dict[str, Any]
PINNED_ACTION = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")
PINNED_IMAGE = re.compile(r"^[\w./-]+:\d+(\.\d+)+[\w.-]*(@sha256:[0-9a-f]{64})?$")


# --- which files exist ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deploy", "ci"), COMBINATIONS, ids=[combination_id(*c) for c in COMBINATIONS]
)
def test_files_follow_the_deploy_and_ci_answers(
    generate: Callable[..., Project], deploy: tuple[str, ...], ci: str
) -> None:
    project = generate(deploy, ci)
    # Kubernetes runs the image the Dockerfile builds: any deploy target brings it.
    assert project.has("Dockerfile") == bool(deploy)
    assert project.has(".dockerignore") == bool(deploy)
    assert project.has("compose.yaml") == ("docker" in deploy)
    assert project.has("k8s") == ("k8s" in deploy)
    assert project.has(".github") == (ci == "github")
    if ci == "github":
        jobs = workflow(project)["jobs"]
        assert ("image" in jobs) == bool(deploy), "the image job builds the Dockerfile"


def test_defaults_are_docker_k8s_and_github(generate: Callable[..., Project]) -> None:
    project = generate()
    assert project.config.deploy == ("docker", "k8s")
    assert project.config.ci == "github"
    for path in ("Dockerfile", "compose.yaml", "k8s/overlays/prod", ".github/workflows/ci.yml"):
        assert project.has(path), path


def test_cli_deploy_and_ci_flags(tmp_path: Path) -> None:
    result = run_cli(
        "new", "shop", "--deploy", "docker", "--ci", "none", "--no-git", "-o", "shop",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "shop/compose.yaml").is_file()
    assert not (tmp_path / "shop/k8s").exists()
    assert not (tmp_path / "shop/.github").exists()


# --- Kubernetes: probes, resources, security ----------------------------------------------------


def kubernetes_builds(project: Project) -> Iterator[tuple[str, list[Manifest]]]:
    """The base's objects (the Secret template included) and each overlay's build."""
    base = project.root / "k8s/base"
    objects = [m for p in sorted(base.glob("*.yaml")) if p.name != "kustomization.yaml"
               for m in load_manifests(p)]  # fmt: skip
    yield "base", objects
    for overlay in ("dev", "prod"):
        yield overlay, build(project.root / "k8s/overlays" / overlay)


def one(manifests: list[Manifest], kind: str, component: str | None = None) -> Manifest:
    found = [
        m
        for m in manifests
        if m["kind"] == kind
        and (component is None or labels(m).get("app.kubernetes.io/component") == component)
    ]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def labels(manifest: Manifest) -> dict[str, str]:
    return dict(manifest["metadata"].get("labels", {}))


def pod_spec(workload: Manifest) -> dict[str, Any]:
    return dict(workload["spec"]["template"]["spec"])


def test_every_kubernetes_object_the_issue_lists_is_generated(
    generate: Callable[..., Project],
) -> None:
    for where, manifests in kubernetes_builds(generate()):
        kinds = sorted(m["kind"] for m in manifests)
        expected = [
            "ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Ingress", "Job",
            "NetworkPolicy", "PodDisruptionBudget", "Service", "ServiceAccount",
        ]  # fmt: skip
        expected += ["Secret"] if where == "base" else ["Namespace"]
        assert kinds == sorted(expected), where


def test_deployment_probes(generate: Callable[..., Project]) -> None:
    project = generate()
    for where, manifests in kubernetes_builds(project):
        (api,) = pod_spec(one(manifests, "Deployment"))["containers"]
        port_names = {p["name"]: p["containerPort"] for p in api["ports"]}
        for probe, path in [
            ("livenessProbe", project.values["health_path"]),
            ("readinessProbe", project.values["ready_path"]),
            ("startupProbe", project.values["health_path"]),
        ]:
            http = api[probe]["httpGet"]
            assert http["path"] == path, (where, probe)
            assert port_names[http["port"]] == project.values["port"], (where, probe)
            assert api[probe]["timeoutSeconds"] <= api[probe]["periodSeconds"]
        # A slow start is the startup probe's job, so liveness never kills a starting pod.
        startup = api["startupProbe"]
        assert startup["periodSeconds"] * startup["failureThreshold"] >= 30
        assert "initialDelaySeconds" not in api["livenessProbe"]


def test_every_container_has_requests_and_limits(generate: Callable[..., Project]) -> None:
    for where, manifests in kubernetes_builds(generate()):
        for workload in (one(manifests, "Deployment"), one(manifests, "Job")):
            for container in pod_spec(workload)["containers"]:
                resources = container["resources"]
                for bound in ("requests", "limits"):
                    assert set(resources[bound]) == {"cpu", "memory"}, (where, container["name"])
                assert memory_mib(resources["requests"]["memory"]) <= memory_mib(
                    resources["limits"]["memory"]
                )


def memory_mib(quantity: str) -> float:
    units = {"Mi": 1.0, "Gi": 1024.0}
    return float(quantity[:-2]) * units[quantity[-2:]]


def test_pods_are_locked_down(generate: Callable[..., Project]) -> None:
    project = generate()
    for where, manifests in kubernetes_builds(project):
        for workload in (one(manifests, "Deployment"), one(manifests, "Job")):
            spec = pod_spec(workload)
            context = f"{where}/{workload['kind']}"
            assert spec["automountServiceAccountToken"] is False, context
            pod_security = spec["securityContext"]
            assert pod_security["runAsNonRoot"] is True, context
            assert pod_security["runAsUser"] == project.values["app_uid"], context
            assert pod_security["seccompProfile"] == {"type": "RuntimeDefault"}, context
            volumes = {v["name"]: v for v in spec["volumes"]}
            for container in spec["containers"]:
                security = container["securityContext"]
                assert security["allowPrivilegeEscalation"] is False, context
                assert security["readOnlyRootFilesystem"] is True, context
                assert security["runAsNonRoot"] is True, context
                assert security["capabilities"] == {"drop": ["ALL"]}, context
                assert security["seccompProfile"] == {"type": "RuntimeDefault"}, context
                (tmp,) = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]
                assert "emptyDir" in volumes[tmp["name"]], context
                assert not tmp.get("readOnly", False), context


def test_replicas_spread_scale_and_survive_disruption(generate: Callable[..., Project]) -> None:
    for where, manifests in kubernetes_builds(generate()):
        deployment = one(manifests, "Deployment")
        spec = pod_spec(deployment)
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        keys = {c["topologyKey"] for c in spec["topologySpreadConstraints"]}
        assert keys == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}, where
        for constraint in spec["topologySpreadConstraints"]:
            assert selects(constraint["labelSelector"]["matchLabels"], pod_labels), where
        assert "replicas" not in deployment["spec"], "the HPA owns the replica count"
        assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
        hpa = one(manifests, "HorizontalPodAutoscaler")
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": deployment["metadata"]["name"],
        }
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        pdb = one(manifests, "PodDisruptionBudget")
        assert selects(pdb["spec"]["selector"]["matchLabels"], pod_labels), where
        assert pdb["spec"]["maxUnavailable"] == 1, where


def selects(selector: dict[str, str], pod_labels: dict[str, str]) -> bool:
    return bool(selector) and all(pod_labels.get(k) == v for k, v in selector.items())


def test_prod_runs_more_than_dev(generate: Callable[..., Project]) -> None:
    project = generate()
    dev = build(project.root / "k8s/overlays/dev")
    prod = build(project.root / "k8s/overlays/prod")
    assert (
        one(dev, "HorizontalPodAutoscaler")["spec"]["minReplicas"]
        < one(prod, "HorizontalPodAutoscaler")["spec"]["minReplicas"]
    )
    assert one(prod, "HorizontalPodAutoscaler")["spec"]["minReplicas"] >= 3
    dev_limit = pod_spec(one(dev, "Deployment"))["containers"][0]["resources"]["limits"]
    prod_limit = pod_spec(one(prod, "Deployment"))["containers"][0]["resources"]["limits"]
    assert memory_mib(dev_limit["memory"]) < memory_mib(prod_limit["memory"])
    assert one(prod, "Ingress")["spec"]["tls"], "prod serves TLS"
    for manifests in (dev, prod):
        namespace = one(manifests, "Namespace")
        assert labels(namespace)["pod-security.kubernetes.io/enforce"] == "restricted"
        assert {m["metadata"].get("namespace") for m in manifests if m["kind"] != "Namespace"} == {
            namespace["metadata"]["name"]
        }


def test_secret_template_holds_no_secret(generate: Callable[..., Project]) -> None:
    project = generate()
    secret = one(load_manifests(project.root / "k8s/base/secret.example.yaml"), "Secret")
    assert secret["stringData"] == project.values["secret_settings"]
    assert "data" not in secret
    kustomization = yaml.safe_load((project.root / "k8s/base/kustomization.yaml").read_text())
    assert "secret.example.yaml" not in kustomization["resources"], "a template is not applied"
    # The project's random secret lives in .env alone, which no image or manifest includes.
    secret = (project.root / ".env").read_text().split("SECRET_KEY=", 1)[1].split()[0]
    carriers = [p for p in project.root.rglob("*") if p.is_file() and p.name != ".env"]
    assert [p for p in carriers if secret.encode() in p.read_bytes()] == []
    assert ".env" in (project.root / ".dockerignore").read_text().split()


# --- the values files share ---------------------------------------------------------------------


def test_kubernetes_references_resolve(generate: Callable[..., Project]) -> None:
    project = generate()
    secret_name = one(load_manifests(project.root / "k8s/base/secret.example.yaml"), "Secret")[
        "metadata"
    ]["name"]
    for where, manifests in kubernetes_builds(project):
        names = {(m["kind"], m["metadata"]["name"]) for m in manifests}
        deployment = one(manifests, "Deployment")
        job = one(manifests, "Job")
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        service = one(manifests, "Service")
        assert selects(service["spec"]["selector"], pod_labels), where
        assert not selects(
            service["spec"]["selector"], job["spec"]["template"]["metadata"]["labels"]
        )
        policy = one(manifests, "NetworkPolicy")["spec"]["podSelector"]["matchLabels"]
        assert selects(policy, pod_labels), where
        assert selects(policy, job["spec"]["template"]["metadata"]["labels"]), where
        (api,) = pod_spec(deployment)["containers"]
        (port,) = service["spec"]["ports"]
        assert port["targetPort"] in {p["name"] for p in api["ports"]}
        backend = one(manifests, "Ingress")["spec"]["rules"][0]["http"]["paths"][0]["backend"]
        assert backend["service"] == {"name": service["metadata"]["name"], "port": {"name": "http"}}
        for workload in (deployment, job):
            spec = pod_spec(workload)
            assert ("ServiceAccount", spec["serviceAccountName"]) in names
            for source in spec["containers"][0]["envFrom"]:
                if "configMapRef" in source:
                    assert ("ConfigMap", source["configMapRef"]["name"]) in names, where
                else:
                    assert source["secretRef"]["name"] == secret_name, where
        assert job["spec"]["template"]["spec"]["containers"][0]["image"] == api["image"]


def test_shared_values_agree_across_files(generate: Callable[..., Project]) -> None:
    """Port, health paths, image, env names and base images: one value, every file."""
    project = generate()
    v = project.values
    port, health = v["port"], v["health_path"]
    health_url = f"http://127.0.0.1:{port}{health}"
    env_names = set(vars(v["env"]).values())

    # Dockerfile
    docker = dockerfile(project)
    assert docker["EXPOSE"] == [str(port)]
    assert {line.split()[0] for line in docker["FROM"]} == {v["python_image"]}
    assert health_url in docker["HEALTHCHECK"][0]
    (command,) = docker["CMD"]
    server = shlex.split(json.loads(command)[-1])
    assert server[server.index("--port") + 1] == str(port)
    assert server[server.index("--workers") + 1] == f"${{{v['env'].workers}}}"
    assert server[-1] == "app.main:app"
    image_env = dict(item.split("=", 1) for line in docker["ENV"] for item in shlex.split(line))
    assert image_env[v["env"].app_env] == "production"
    assert v["env"].workers in image_env
    label_title = re.search(
        r'org\.opencontainers\.image\.title="([^"]+)"', " ".join(docker["LABEL"])
    )
    assert label_title and label_title.group(1) == v["image_name"]

    # compose
    services = compose(project)["services"]
    api = services["api"]
    assert api["ports"] == [f"127.0.0.1:{port}:{port}"]
    assert health_url in " ".join(api["healthcheck"]["test"])
    assert split_image(api["image"])[0] == v["image_name"]
    assert services["migrate"]["image"] == api["image"]
    assert set(api["environment"]) <= env_names
    assert f"@postgres:{v['postgres_port']}/" in api["environment"][v["env"].database_url]
    assert f"redis:{v['redis_port']}/" in api["environment"][v["env"].redis_url]
    assert services["postgres"]["image"] == v["postgres_image"]
    assert services["redis"]["image"] == v["redis_image"]

    # Kubernetes
    base = {m["kind"]: m for _, ms in [next(kubernetes_builds(project))] for m in ms}
    deployment = base["Deployment"]
    (container,) = pod_spec(deployment)["containers"]
    assert container["ports"][0]["containerPort"] == port
    assert container["image"] == v["image_name"]
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == v["metrics_path"]
    config_keys = set(base["ConfigMap"]["data"])
    secret_keys = set(base["Secret"]["stringData"])
    assert not config_keys & secret_keys
    assert config_keys | secret_keys == env_names, "the cluster sets every setting, once"
    assert deployment["metadata"]["name"] == v["dns_name"]

    # the workflow
    flow = workflow(project)
    test_job = flow["jobs"]["test"]
    assert set(test_job["env"]) <= env_names
    assert test_job["services"]["postgres"]["image"] == v["postgres_image"]
    assert flow["env"]["PYTHON_VERSION"] == v["python_version"]
    assert v["python_image"].startswith(f"python:{v['python_version']}.")
    build_step = " ".join(s.get("run", "") for s in flow["jobs"]["image"]["steps"])
    assert f"--tag {v['image_name']}:" in build_step


def test_the_service_reads_every_setting_the_deploy_files_set(
    generate: Callable[..., Project],
) -> None:
    """Each environment variable the deploy files set is a field of the service's settings.

    The server command reads the worker count; REDIS_URL is set for the Redis that compose and
    the cluster provide, and read by the service when it uses Redis (``--cache redis``).
    """
    project = generate()
    settings = project.root / "app/core/config.py"
    if not settings.is_file():
        pytest.skip("the generated service has no app/core/config.py yet")
    source = settings.read_text()
    env = project.values["env"]
    read_elsewhere = {env.workers} | ({env.redis_url} if project.config.cache == "none" else set())
    for name in set(vars(env).values()) - read_elsewhere:
        assert re.search(rf"^\s+{name.lower()}: ", source, re.MULTILINE), name


def test_the_service_serves_what_the_deploy_files_call(generate: Callable[..., Project]) -> None:
    """The probed paths are the service's routes; the server command's package is installed."""
    project = generate()
    health = project.root / "app/core/health.py"
    pyproject = project.root / "pyproject.toml"
    if not (health.is_file() and pyproject.is_file()):
        pytest.skip("the generated service has no health routes or pyproject.toml yet")
    routes = health.read_text()
    for path in (project.values["health_path"], project.values["ready_path"]):
        assert f'"{path}"' in routes, f"the service does not route {path}"
    dependencies = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    server = shlex.split(json.loads(dockerfile(project)["CMD"][0])[-1])[1]  # exec SERVER ...
    assert any(re.match(rf"{server}\b", dependency) for dependency in dependencies), (
        f"the image runs {server}, which the project does not depend on"
    )


# --- Dockerfile, compose and workflow properties -------------------------------------------------


def dockerfile(project: Project) -> dict[str, list[str]]:
    """Instruction -> arguments, continuation lines joined."""
    text = (project.root / "Dockerfile").read_text().replace("\\\n", " ")
    instructions: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            instructions.setdefault(keyword.upper(), []).append(rest.strip())
    return instructions


def compose(project: Project) -> dict[str, Any]:
    return dict(yaml.safe_load((project.root / "compose.yaml").read_text()))


def workflow(project: Project) -> dict[str, Any]:
    data = yaml.safe_load((project.root / ".github/workflows/ci.yml").read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return dict(data)


def test_dockerfile_is_multi_stage_pinned_and_unprivileged(
    generate: Callable[..., Project],
) -> None:
    docker = dockerfile(generate())
    assert len(docker["FROM"]) >= 2
    for base in docker["FROM"]:
        assert PINNED_IMAGE.match(base.split()[0]), f"unpinned base image {base}"
    user = docker["USER"][-1].split(":")[0]
    assert user.isdigit() and int(user) != 0
    assert docker["HEALTHCHECK"]
    assert not any(
        "SECRET" in line.upper() for line in docker.get("ENV", []) + docker.get("ARG", [])
    )
    ignored = (generate().root / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", "tests"} <= set(ignored)


def test_compose_waits_for_healthy_dependencies(generate: Callable[..., Project]) -> None:
    project = generate()
    data = compose(project)
    services = data["services"]
    assert set(services) == {"api", "migrate", "postgres", "redis"}
    assert services["api"]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert services["migrate"]["command"] == ["alembic", "upgrade", "head"]
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    # `backendkit db analyze` reads statement times from pg_stat_statements, preloaded here.
    assert services["postgres"]["command"] == [
        "postgres", "-c", "shared_preload_libraries=pg_stat_statements",
    ]  # fmt: skip
    for name in ("api", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert set(data["volumes"]) == {"postgres-data", "redis-data"}
    assert services["api"]["env_file"] == [{"path": ".env", "required": False}]
    for image in (services["postgres"]["image"], services["redis"]["image"]):
        assert PINNED_IMAGE.match(image), image


def test_workflow_is_pinned_least_privilege_and_bounded(generate: Callable[..., Project]) -> None:
    flow = workflow(generate())
    assert flow["permissions"] == {"contents": "read"}
    assert flow["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in flow["concurrency"]["group"]
    runs = []
    for job in flow["jobs"].values():
        assert 0 < job["timeout-minutes"] <= 30
        assert "permissions" not in job, "no job widens the workflow's permissions"
        for step in job["steps"]:
            if "uses" in step:
                assert PINNED_ACTION.match(step["uses"]), step["uses"]
                assert step.get("with", {}).get("persist-credentials") in (False, None)
            runs.append(step.get("run", ""))
    script = "\n".join(runs)
    for command in (
        "ruff check", "ruff format --check", "mypy", "pytest", "alembic upgrade head",
        "alembic check", "docker build", "backendkit check",
    ):  # fmt: skip
        assert command in script, command
    # backendkit comes from the version the state file records, or the team's override.
    assert ".backendkit/state.yml" in script
    assert "BACKENDKIT_PIP_SPEC" in script
    for service in flow["jobs"]["test"]["services"].values():
        assert "--health-cmd" in service["options"]
