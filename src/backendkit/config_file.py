"""Build a ServiceConfig from a config file, flags and prompts, with one-line errors."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml

from backendkit.config import ResourceSpec, ServiceConfig
from backendkit.errors import BackendkitError, UsageError
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
    """Validate VALUES into a ServiceConfig, turning the first problem into a UsageError."""
    try:
        return ServiceConfig.model_validate(values)
    except RecordError as exc:
        raise UsageError(f"{source}{exc}") from None
    except BackendkitError as exc:  # raised by name and field parsers inside validators
        raise UsageError(f"{source}{exc}") from None


def build_resource(values: dict[str, Any]) -> ResourceSpec:
    """Validate one resource spec."""
    try:
        return ResourceSpec.model_validate(values)
    except RecordError as exc:
        raise UsageError(str(exc)) from None
