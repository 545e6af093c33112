"""The pure-Python kustomize renders what kustomize renders, and refuses what it cannot."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import Project
from tests.deploy.kustomize import KustomizeError, build, split_image, strategic_merge
from tests.helpers import build_file_tree

Key = tuple[str, str, str]


def by_identity(manifests: list[dict[str, Any]]) -> dict[Key, dict[str, Any]]:
    return {
        (m["kind"], m["metadata"].get("namespace", ""), m["metadata"]["name"]): m for m in manifests
    }


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_renderer_agrees_with_kubectl_kustomize(
    generate: Callable[..., Project], overlay: str
) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: the cross-check with real kustomize is skipped")
    directory = generate().root / "k8s/overlays" / overlay
    result = subprocess.run(
        [kubectl, "kustomize", str(directory)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    expected = by_identity(list(yaml.safe_load_all(result.stdout)))
    assert by_identity(build(directory)) == expected


def test_overlays_patch_the_base(generate: Callable[..., Project]) -> None:
    project = generate()
    name = project.values["dns_name"]
    dev = by_identity(build(project.root / "k8s/overlays/dev"))
    prod = by_identity(build(project.root / "k8s/overlays/prod"))
    assert dev[("HorizontalPodAutoscaler", f"{name}-dev", name)]["spec"]["minReplicas"] == 1
    assert prod[("HorizontalPodAutoscaler", name, name)]["spec"]["minReplicas"] == 3
    prod_api = prod[("Deployment", name, name)]["spec"]["template"]["spec"]["containers"][0]
    assert prod_api["image"] == f"registry.example.com/{project.values['image_name']}:0.1.0"
    assert prod_api["readinessProbe"]["httpGet"]["path"] == project.values["ready_path"]
    prod_ingress = prod[("Ingress", name, name)]["spec"]
    assert prod_ingress["tls"][0]["hosts"] == [project.values["public_host"]]
    assert [rule["host"] for rule in prod_ingress["rules"]] == [project.values["public_host"]]
    dev_ingress = dev[("Ingress", f"{name}-dev", name)]["spec"]
    assert [rule["host"] for rule in dev_ingress["rules"]] == [f"{name}.dev.example.com"]
    assert "tls" not in dev_ingress


def test_strategic_merge_follows_merge_keys() -> None:
    base = {
        "containers": [
            {"name": "a", "image": "x", "ports": [{"containerPort": 1, "name": "p"}]},
            {"name": "b", "image": "y"},
        ],
        "args": ["1", "2"],
        "drop": "me",
    }
    patch = {
        "containers": [{"name": "b", "image": "z"}, {"name": "c", "image": "w"}],
        "args": ["3"],
        "drop": None,
    }
    merged = strategic_merge(base, patch)
    assert [c["name"] for c in merged["containers"]] == ["a", "b", "c"]
    assert merged["containers"][1]["image"] == "z"
    assert merged["args"] == ["3"]
    assert "drop" not in merged
    ports = strategic_merge(base, {"containers": [{"name": "a", "ports": [{"containerPort": 2}]}]})
    assert [p["containerPort"] for p in ports["containers"][0]["ports"]] == [1, 2]


def test_image_references_split() -> None:
    assert split_image("registry:5000/team/app:1.2@sha256:ab") == (
        "registry:5000/team/app",
        "1.2",
        "sha256:ab",
    )
    assert split_image("app") == ("app", "", "")


@pytest.mark.parametrize(
    ("kustomization", "message"),
    [
        ("resources: [cm.yaml]\nnamePrefix: x-\n", "unsupported fields"),
        ("resources: [cm.yaml]\npatches:\n  - path: p.yaml\n    target: {kind: X}\n", "only"),
        ("resources: [missing.yaml]\n", "does not exist"),
        ("resources: [cm.yaml]\npatches:\n  - path: other.yaml\n", "matches 0 resources"),
        ("resources: [cm.yaml]\npatches:\n  - path: directive.yaml\n", "directives"),
        ("resources: [cm.yaml]\npatches:\n  - path: tolerations.yaml\n", "no merge strategy"),
    ],
)
def test_unsupported_kustomize_is_an_error(
    tmp_path: Path, kustomization: str, message: str
) -> None:
    head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
    build_file_tree(
        tmp_path,
        {
            "kustomization.yaml": kustomization,
            "cm.yaml": head + "data: {A: '1'}\n",
            "p.yaml": head + "data: {A: '2'}\n",
            "other.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n",
            "directive.yaml": head + "data: {$patch: delete}\n",
            "tolerations.yaml": head + "data: [{key: a}]\n",
        },
    )
    with pytest.raises(KustomizeError, match=message):
        build(tmp_path)
