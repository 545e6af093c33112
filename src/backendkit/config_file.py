"""Build a ServiceConfig from a config file, flags and prompts, with one-line errors."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml

from backendkit.config import ResourceSpec, ServiceConfig
from backendkit.errors import BackendkitError, UsageError
from backendkit.naming import validate_resource_name
from backendkit.records import RecordError


def read_config_file(path: Path) -> dict[str, Any]:
    """The mapping in a YAML or TOML file (a ``[tool.backendkit]`` table is accepted too)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"cannot read config file {path}: it is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
            data = data.get("tool", {}).get("backendkit", data)
        else:
            data = yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0]
        raise UsageError(f"config file {path} does not parse: {first}") from None
    if not isinstance(data, dict):
        raise UsageError(f"config file {path} must hold a mapping of settings")
    return data


def build_config(values: dict[str, Any], *, source: str = "") -> ServiceConfig:
    """Validate VALUES into a ServiceConfig; a UsageError lists every problem found."""
    try:
        return ServiceConfig.model_validate(values)
    except (RecordError, BackendkitError) as exc:  # name and field parsers raise the latter
        problems = [str(exc)]
    # Each setting and each resource once more on its own, so one error names all mistakes.
    for problem in _separate_problems(values):
        if problem not in problems and not any(problem in p for p in problems):
            problems.append(problem)
    raise UsageError(source + "; ".join(problems))


def _separate_problems(values: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    settings = {k: v for k, v in values.items() if k not in {"name", "resources"}}
    checks: list[dict[str, Any]] = [{"name": values.get("name")}]
    checks += [{"name": "service", key: value} for key, value in settings.items()]
    for check in checks:
        try:
            ServiceConfig.model_validate(check)
        except (RecordError, BackendkitError) as exc:
            problems.append(str(exc))
    resources = values.get("resources")
    for index, resource in enumerate(resources if isinstance(resources, list | tuple) else []):
        if isinstance(resource, dict) and isinstance(resource.get("name"), str):
            try:
                validate_resource_name(resource["name"])
            except BackendkitError as exc:
                problems.append(str(exc))
        try:
            ResourceSpec.model_validate(resource)
        except RecordError as exc:
            location = ".".join(filter(None, [f"resources.{index}", exc.location]))
            problems.append(f"{location}: {exc.message}")
        except BackendkitError as exc:
            problems.append(str(exc))
    return problems


def build_resource(values: dict[str, Any]) -> ResourceSpec:
    """Validate one resource spec."""
    try:
        return ResourceSpec.model_validate(values)
    except RecordError as exc:
        raise UsageError(str(exc)) from None
