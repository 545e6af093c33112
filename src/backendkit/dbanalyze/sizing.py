"""Connection sizing: the project's pools at full scale against the server's max_connections.

Each process of the service keeps DB_POOL_SIZE connections (no overflow in a generated
service); WEB_CONCURRENCY processes run per replica; replicas go up to the HPA's maximum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from backendkit.dbanalyze.connection import project_setting
from backendkit.dbanalyze.report import Finding

_POOL_DEFAULT = re.compile(r"db_pool_size:\s*int\s*=\s*Field\(\s*default=(\d+)")
_WORKERS_DEFAULT = re.compile(r"WEB_CONCURRENCY(?::-|=)(\d+)")


@dataclass(frozen=True)
class Deployment:
    """Where the service runs: its name, processes per replica, most replicas, pool size."""

    name: str
    workers: int
    replicas: int
    pool: int

    @property
    def connections(self) -> int:
        return self.workers * self.replicas * self.pool


def deployments(root: Path) -> list[Deployment]:
    """Every way the project deploys (compose, each k8s overlay), with its numbers."""
    pool = _pool_size(root)
    if pool is None:
        return []
    found: list[Deployment] = []
    default_workers = _default_workers(root)
    if (root / "compose.yaml").is_file():
        found.append(Deployment("compose", _compose_workers(root, default_workers), 1, pool))
    for k8s in (root / "k8s", root / "deploy" / "k8s", root / "deploy"):
        base = k8s / "base"
        if not (base / "hpa.yaml").is_file():
            continue
        base_workers = _config_workers(base / "configmap.yaml") or default_workers
        base_pool = _config_pool(base / "configmap.yaml") or pool
        base_max = _max_replicas(base / "hpa.yaml") or 1
        found.append(Deployment(f"{k8s.relative_to(root)}/base", base_workers, base_max, base_pool))
        overlays = k8s / "overlays"
        for overlay in (
            sorted(p for p in overlays.iterdir() if p.is_dir()) if overlays.is_dir() else []
        ):
            patches = overlay / "patches"
            found.append(
                Deployment(
                    f"{overlay.relative_to(root)}",
                    _config_workers(patches / "configmap.yaml") or base_workers,
                    _max_replicas(patches / "hpa.yaml") or base_max,
                    _config_pool(patches / "configmap.yaml") or base_pool,
                )
            )
        break
    return found


def _pool_size(root: Path) -> int | None:
    configured = project_setting(root, "DB_POOL_SIZE")
    if configured and configured.isdigit():
        return int(configured)
    config = root / "app" / "core" / "config.py"
    match = _POOL_DEFAULT.search(config.read_text()) if config.is_file() else None
    return int(match[1]) if match else None


def _default_workers(root: Path) -> int:
    configured = project_setting(root, "WEB_CONCURRENCY")
    if configured and configured.isdigit():
        return int(configured)
    dockerfile = root / "Dockerfile"
    match = _WORKERS_DEFAULT.search(dockerfile.read_text()) if dockerfile.is_file() else None
    return int(match[1]) if match else 1


def _compose_workers(root: Path, default: int) -> int:
    match = _WORKERS_DEFAULT.search((root / "compose.yaml").read_text())
    return int(match[1]) if match else default


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        loaded = yaml.safe_load(path.read_text())
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _config_value(path: Path, key: str) -> int | None:
    raw = (_load(path).get("data") or {}).get(key)
    return int(raw) if raw is not None and str(raw).isdigit() else None


def _config_workers(path: Path) -> int | None:
    return _config_value(path, "WEB_CONCURRENCY")


def _config_pool(path: Path) -> int | None:
    return _config_value(path, "DB_POOL_SIZE")


def _max_replicas(path: Path) -> int | None:
    raw = (_load(path).get("spec") or {}).get("maxReplicas")
    return int(raw) if isinstance(raw, int) else None


def connection_sizing(
    targets: list[Deployment], max_connections: int, reserved: int
) -> list[Finding]:
    """A finding for each deployment whose pools at full scale exceed what the server allows."""
    available = max_connections - reserved
    found: list[Finding] = []
    for target in targets:
        if target.connections <= available:
            continue
        processes = target.workers * target.replicas
        fitting_pool = max(available // processes, 0)
        fitting_replicas = max(available // (target.workers * target.pool), 0)
        found.append(
            Finding(
                rule="connection-sizing",
                severity="error",
                subject=target.name,
                message=f"{target.name}: {target.pool} pool x {target.workers} workers x "
                f"{target.replicas} replicas = {target.connections} connections, but the "
                f"server allows {available} (max_connections {max_connections} - "
                f"{reserved} reserved)",
                why="at full scale new connections are refused and requests fail with 503 "
                "while PostgreSQL is fine",
                fix=f"DB_POOL_SIZE={fitting_pool} (fits {available} at {target.replicas} "
                f"replicas), or at most {fitting_replicas} replicas (HPA maxReplicas), or raise "
                f"max_connections / put PgBouncer in front",
                evidence={
                    "pool_size": target.pool,
                    "workers": target.workers,
                    "max_replicas": target.replicas,
                    "connections": target.connections,
                    "max_connections": max_connections,
                    "reserved": reserved,
                    "available": available,
                    "fitting_pool_size": fitting_pool,
                    "fitting_max_replicas": fitting_replicas,
                },
            )
        )
    return found
