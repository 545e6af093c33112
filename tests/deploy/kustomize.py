"""A pure-Python ``kustomize build`` for the subset of kustomize the generated overlays use.

Supported, with kustomize's semantics: ``resources`` (files and directories, recursively),
``namespace``, ``images`` (``newName``/``newTag``/``digest``) and ``patches`` given by
``path`` as strategic-merge patches. Strategic merge follows Kubernetes' merge keys for the
lists the generated patches can reach (containers, env, volumes, volume mounts, container
ports, image pull secrets); Ingress ``rules`` and ``tls`` and every list of plain values are
replaced whole, as the API's schema says.

Anything outside that subset (another kustomization field, a patch ``target``, a JSON 6902
patch, a ``$patch`` directive, a list without a known merge strategy that holds objects) is
an error, never silently ignored: a template change that needs more fails the tests instead
of rendering differently from kustomize. When ``kubectl`` is installed, the tests also compare
this renderer's output with ``kubectl kustomize``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]

SUPPORTED_FIELDS = {"apiVersion", "kind", "resources", "namespace", "images", "patches"}
# Kinds the namespace transformer leaves alone.
CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
}
# Kubernetes' patchMergeKey of the object lists a generated patch may reach.
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "imagePullSecrets": "name",
}
CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
# Lists of objects the API marks atomic (no merge key): a patch replaces them whole.
REPLACED_LISTS = {"rules", "tls"}


class KustomizeError(Exception):
    """The kustomization uses something this renderer does not support, or is broken."""


def build(directory: Path) -> list[Manifest]:
    """The manifests ``kustomize build DIRECTORY`` emits (in resource order)."""
    kustomization = _load_kustomization(directory)
    resources: list[Manifest] = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        if path.is_dir():
            resources.extend(build(path))
        elif path.is_file():
            resources.extend(load_manifests(path))
        else:
            raise KustomizeError(f"{directory}: resource {entry!r} does not exist")
    _check_unique(resources, directory)
    for patch_entry in kustomization.get("patches", []):
        _apply_patch_entry(resources, patch_entry, directory)
    if "namespace" in kustomization:
        for resource in resources:
            if resource["kind"] not in CLUSTER_SCOPED:
                resource["metadata"]["namespace"] = kustomization["namespace"]
    for image in kustomization.get("images", []):
        _apply_image(resources, image, directory)
    return resources


def load_manifests(path: Path) -> list[Manifest]:
    """Every non-empty YAML document in PATH."""
    documents = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    for document in documents:
        if not isinstance(document, dict) or not {"apiVersion", "kind", "metadata"} <= set(
            document
        ):
            raise KustomizeError(f"{path}: not a Kubernetes object: {document!r:.80}")
    return documents


def identity(resource: Manifest) -> tuple[str, str, str]:
    """(apiVersion group, kind, name): what kustomize uses to find a patch's target."""
    group = resource["apiVersion"].rpartition("/")[0]
    return (group, resource["kind"], resource["metadata"]["name"])


def _load_kustomization(directory: Path) -> dict[str, Any]:
    path = directory / "kustomization.yaml"
    if not path.is_file():
        raise KustomizeError(f"{directory} has no kustomization.yaml")
    data = yaml.safe_load(path.read_text()) or {}
    unsupported = sorted(set(data) - SUPPORTED_FIELDS)
    if unsupported:
        raise KustomizeError(f"{path}: unsupported fields {unsupported}")
    if data.get("kind", "Kustomization") != "Kustomization":
        raise KustomizeError(f"{path}: kind must be Kustomization")
    return dict(data)


def _check_unique(resources: list[Manifest], directory: Path) -> None:
    seen: set[tuple[str, str, str, str]] = set()
    for resource in resources:
        key = (*identity(resource), resource["metadata"].get("namespace", ""))
        if key in seen:
            raise KustomizeError(f"{directory}: resource {key} is listed twice")
        seen.add(key)


def _apply_patch_entry(resources: list[Manifest], entry: Any, directory: Path) -> None:
    if not isinstance(entry, dict) or set(entry) != {"path"}:
        raise KustomizeError(f"{directory}: only `patches: - path: FILE` is supported: {entry}")
    for patch in load_manifests(directory / entry["path"]):
        targets = [r for r in resources if identity(r) == identity(patch)]
        if len(targets) != 1:
            raise KustomizeError(
                f"{directory / entry['path']}: patch matches {len(targets)} resources "
                f"{identity(patch)}"
            )
        index = resources.index(targets[0])
        resources[index] = strategic_merge(targets[0], patch)


def strategic_merge(base: Any, patch: Any, field: str = "", parent: str = "") -> Any:
    """BASE with PATCH merged in, Kubernetes strategic-merge style (see module docstring)."""
    if isinstance(patch, dict):
        if any(str(key).startswith("$") for key in patch):
            raise KustomizeError(f"strategic-merge directives are not supported: {patch}")
        if not isinstance(base, dict):
            return copy.deepcopy(patch)
        merged = copy.deepcopy(base)
        context = field or parent  # an item of a list takes the list's name as its context
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = strategic_merge(merged[key], value, key, context)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    if isinstance(patch, list):
        merge_key = _merge_key(field, parent)
        if merge_key is None:
            if field not in REPLACED_LISTS and any(isinstance(item, dict) for item in patch):
                raise KustomizeError(
                    f"list {field!r} of objects has no merge strategy in this renderer"
                )
            return copy.deepcopy(patch)
        if not isinstance(base, list):
            return copy.deepcopy(patch)
        merged_list = copy.deepcopy(base)
        for item in patch:
            position = next(
                (i for i, old in enumerate(merged_list) if old.get(merge_key) == item[merge_key]),
                None,
            )
            if position is None:
                merged_list.append(copy.deepcopy(item))
            else:
                merged_list[position] = strategic_merge(merged_list[position], item, "", field)
        return merged_list
    return copy.deepcopy(patch)


def _merge_key(field: str, parent: str) -> str | None:
    if field == "ports" and parent in CONTAINER_LISTS:
        return "containerPort"
    return MERGE_KEYS.get(field)


def _pod_specs(resource: Manifest) -> list[dict[str, Any]]:
    spec = resource.get("spec", {})
    if resource["kind"] == "Pod":
        return [spec]
    if resource["kind"] == "CronJob":
        return [spec.get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec", {})]
    template = spec.get("template", {}).get("spec")
    return [template] if isinstance(template, dict) else []


def split_image(image: str) -> tuple[str, str, str]:
    """(name, tag, digest) of an image reference; tag and digest may be empty."""
    name, _, digest = image.partition("@")
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    tag = ""
    if colon > last_slash:
        name, tag = name[:colon], name[colon + 1 :]
    return name, tag, digest


def _apply_image(resources: list[Manifest], image: dict[str, Any], directory: Path) -> None:
    unsupported = sorted(set(image) - {"name", "newName", "newTag", "digest"})
    if unsupported or "name" not in image:
        raise KustomizeError(f"{directory}: unsupported image entry {image}")
    for resource in resources:
        for pod_spec in _pod_specs(resource):
            for list_name in CONTAINER_LISTS:
                for container in pod_spec.get(list_name, []):
                    name, tag, digest = split_image(container["image"])
                    if name != image["name"]:
                        continue
                    name = image.get("newName", name)
                    if "digest" in image:
                        container["image"] = f"{name}@{image['digest']}"
                        continue
                    tag = str(image.get("newTag", tag))
                    reference = f"{name}:{tag}" if tag else name
                    container["image"] = f"{reference}@{digest}" if digest else reference
