"""Which services to check: from a services file, from URLs, or the current project's own.

defaults: {timeout: 2s, headers: {X-Probe: backendkit}}
services:
  - name: users
    base_url: http://127.0.0.1:8000   # checks /health and /ready
  - name: billing
    url: http://127.0.0.1:9000/healthz
    expect: [200, 204]
    timeout: 1s
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backendkit.errors import UsageError
from backendkit.loadtest.http import split_url
from backendkit.loadtest.plan import parse_duration
from backendkit.loadtest.yamlfile import load_model

DEFAULT_TIMEOUT = 2.0
LIVENESS_PATH = "/health"
READINESS_PATH = "/ready"


@dataclass(frozen=True)
class Probe:
    """One URL to GET and what it must answer."""

    kind: str  # liveness, readiness or check
    url: str
    expect: frozenset[int]


@dataclass(frozen=True)
class Service:
    """A named service: its probes run together within one timeout."""

    name: str
    probes: tuple[Probe, ...]
    timeout: float = DEFAULT_TIMEOUT
    headers: tuple[tuple[str, str], ...] = ()


def _seconds(value: str | float) -> float:
    seconds = parse_duration(value, what="timeout")
    if seconds <= 0:
        raise ValueError("timeout must be above 0")
    return seconds


def _statuses(value: int | list[int]) -> list[int]:
    codes = [value] if isinstance(value, int) else value
    if not codes or any(not 100 <= code <= 599 for code in codes):
        raise ValueError("expect needs HTTP status codes between 100 and 599")
    return codes


class Defaults(BaseModel):
    """Settings every service inherits."""

    model_config = ConfigDict(extra="forbid")

    timeout: str | float | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    expect: int | list[int] | None = None


class ServiceEntry(BaseModel):
    """One service as written in the file."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    url: str | None = None
    base_url: str | None = None
    liveness: str | None = LIVENESS_PATH
    readiness: str | None = READINESS_PATH
    expect: int | list[int] | None = None
    timeout: str | float | None = None
    headers: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_address(self) -> ServiceEntry:
        if (self.url is None) == (self.base_url is None):
            raise ValueError("give either url or base_url")
        for url in (self.url, self.base_url):
            if url is not None:
                try:
                    split_url(url)
                except UsageError as exc:
                    raise ValueError(str(exc)) from None
        if self.base_url is not None and not (self.liveness or self.readiness):
            raise ValueError("base_url needs a liveness or readiness path")
        return self

    @field_validator("timeout")
    @classmethod
    def _valid_timeout(cls, value: str | float | None) -> str | float | None:
        if value is not None:
            try:
                _seconds(value)
            except UsageError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("expect")
    @classmethod
    def _valid_expect(cls, value: int | list[int] | None) -> int | list[int] | None:
        return None if value is None else _statuses(value)


class ServicesFile(BaseModel):
    """The whole file (a bare list is taken as `services`)."""

    model_config = ConfigDict(extra="forbid")

    defaults: Defaults = Field(default_factory=Defaults)
    services: list[ServiceEntry] = Field(min_length=1)


def _resolve(entry: ServiceEntry, defaults: Defaults, fallback_timeout: float) -> Service:
    expect = frozenset(_statuses(entry.expect or defaults.expect or 200))
    timeout_text = entry.timeout if entry.timeout is not None else defaults.timeout
    timeout = _seconds(timeout_text) if timeout_text is not None else fallback_timeout
    headers = tuple((defaults.headers | entry.headers).items())
    if entry.url is not None:
        probes: tuple[Probe, ...] = (Probe("check", entry.url, expect),)
        name = entry.name or entry.url
    else:
        base = (entry.base_url or "").rstrip("/")
        paths = [("liveness", entry.liveness), ("readiness", entry.readiness)]
        probes = tuple(
            Probe(kind, base + "/" + path.lstrip("/"), expect) for kind, path in paths if path
        )
        name = entry.name or base
    return Service(name, probes, timeout, headers)


def load_services(path: Path, *, default_timeout: float = DEFAULT_TIMEOUT) -> list[Service]:
    """The services of a services file; a problem is a usage error naming its line."""
    parsed = load_model(path, ServicesFile, wrap_list="services")
    services = [_resolve(entry, parsed.defaults, default_timeout) for entry in parsed.services]
    names = [s.name for s in services]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UsageError(f"{path}: service names repeat: {', '.join(repeated)}")
    return services


def services_from_urls(
    urls: list[str], *, timeout: float, headers: dict[str, str]
) -> list[Service]:
    """One service per URL, checked as given."""
    for url in urls:
        split_url(url)
    return [
        Service(url, (Probe("check", url, frozenset({200})),), timeout, tuple(headers.items()))
        for url in urls
    ]


def project_services(start: Path, *, timeout: float, headers: dict[str, str]) -> list[Service]:
    """The generated project around START: its /health and /ready on the service port."""
    from backendkit.context import SERVICE_PORT
    from backendkit.state import find_project_root

    try:
        root = find_project_root(start)
    except UsageError:
        raise UsageError(
            "nothing to check: give URLs or --services FILE, or run inside a backendkit project"
        ) from None
    base = f"http://127.0.0.1:{SERVICE_PORT}"
    ok = frozenset({200})
    probes = (
        Probe("liveness", base + LIVENESS_PATH, ok),
        Probe("readiness", base + READINESS_PATH, ok),
    )
    return [Service(root.name, probes, timeout, tuple(headers.items()))]
