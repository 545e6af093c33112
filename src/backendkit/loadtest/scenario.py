"""The scenario file: several endpoints with weights, shared headers and a base URL.

base_url: http://127.0.0.1:8000
headers: {Authorization: Bearer TOKEN}
endpoints:
  - path: /api/v1/users
    weight: 3
  - name: create user
    method: POST
    path: /api/v1/users
    json: {email: a@example.com, name: A}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backendkit.errors import UsageError
from backendkit.loadtest.plan import METHODS, Endpoint
from backendkit.loadtest.yamlfile import load_model


class EndpointEntry(BaseModel):
    """One endpoint as written in the file."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    path: str
    name: str | None = None
    method: str = "GET"
    weight: int = Field(default=1, ge=1, le=10_000)
    headers: dict[str, str] = Field(default_factory=dict)
    json_body: Any = Field(default=None, alias="json")
    body: str | None = None
    body_file: str | None = None

    @model_validator(mode="after")
    def _check(self) -> EndpointEntry:
        self.method = self.method.upper()
        if self.method not in METHODS:
            raise ValueError(f"method {self.method!r} is not one of {', '.join(METHODS)}")
        if not self.path.startswith("/"):
            raise ValueError(f"path must start with '/': {self.path!r}")
        given = [k for k in ("json_body", "body", "body_file") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError("give at most one of json, body and body_file")
        return self


class Scenario(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    endpoints: list[EndpointEntry] = Field(min_length=1)


def load_scenario(path: Path) -> Scenario:
    """Read and check a scenario file (a bad one is a usage error naming the line)."""
    return load_model(path, Scenario, wrap_list="endpoints")


def scenario_endpoints(scenario: Scenario, folder: Path, headers: dict[str, str]) -> list[Endpoint]:
    """The file's endpoints; HEADERS from the command line override the file's."""
    endpoints = []
    for entry in scenario.endpoints:
        merged = scenario.headers | entry.headers | headers
        body: bytes | None = None
        if entry.json_body is not None:
            body = json.dumps(entry.json_body, separators=(",", ":")).encode()
            if not any(k.lower() == "content-type" for k in merged):
                merged["Content-Type"] = "application/json"
        elif entry.body is not None:
            body = entry.body.encode()
        elif entry.body_file is not None:
            body = read_body_file(folder / entry.body_file)
        name = entry.name or f"{entry.method} {entry.path}"
        endpoints.append(Endpoint(name, entry.method, entry.path, merged, body, entry.weight))
    return endpoints


def read_body_file(path: Path) -> bytes:
    """A request body from a file."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read body file {path}: {exc.strerror or exc}") from None
