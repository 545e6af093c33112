"""``db analyze`` inside generated projects: a clean one gives no finding; sizing from k8s."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backendkit.dbanalyze.sizing import connection_sizing, deployments
from tests.dbanalyze.conftest import Server, new_database
from tests.e2e.projects import project_env, run_tool
from tests.e2e.venv import ensure_venv, requirements_of
from tests.migrate.support import new_project

SHOP = ("shop", "--crud", "--fields", "name:str sku:str:unique price:decimal", "--db", "postgres")


@pytest.mark.e2e
@pytest.mark.postgres
def test_clean_project_database_gives_no_finding(
    tmp_path: Path, server: Server, scratch_databases: list[str]
) -> None:
    project = new_project(tmp_path, *SHOP)  # Docker and Kubernetes files: their sizing fits
    added = subprocess.run(
        [sys.executable, "-m", "backendkit", "add", "resource", "review", "shop:ref(shop)",
         "rating:int"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    url = new_database(server, scratch_databases, "bk_analyze_clean")
    # The project's own setting, in SQLAlchemy's async form: db analyze converts it.
    database_url = url.replace("postgresql://", "postgresql+asyncpg://", 1)
    venv = ensure_venv(requirements_of(project))
    migrated = run_tool(
        venv, project, "-m", "alembic", "upgrade", "head", DATABASE_URL=database_url
    )
    assert migrated.returncode == 0, migrated.stderr
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", "db", "analyze"],
        cwd=project,
        capture_output=True,
        text=True,
        env=project_env(project, DATABASE_URL=database_url, COLUMNS="200"),
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no findings" in result.stdout.splitlines()[-1]


def test_connection_sizing_reads_pool_workers_and_hpa_maximum(tmp_path: Path) -> None:
    project = new_project(tmp_path, *SHOP)
    targets = {t.name: t for t in deployments(project)}
    assert {name: (t.pool, t.workers, t.replicas) for name, t in targets.items()} == {
        "compose": (16, 2, 1),
        "k8s/base": (4, 2, 6),
        "k8s/overlays/dev": (4, 1, 2),
        "k8s/overlays/prod": (4, 2, 10),
    }
    # The generated defaults fit a default server: 4 x 2 x 10 = 80 of the 97 it allows.
    assert connection_sizing(list(targets.values()), 100, 3) == []
    # A pool raised in the base ConfigMap does not: 16 x 2 x 6 = 192 and 16 x 2 x 10 = 320.
    config = project / "k8s" / "base" / "configmap.yaml"
    config.write_text(config.read_text().replace('DB_POOL_SIZE: "4"', 'DB_POOL_SIZE: "16"'))
    findings = {f.subject: f for f in connection_sizing(deployments(project), 100, 3)}
    assert set(findings) == {"k8s/base", "k8s/overlays/prod"}
    prod = findings["k8s/overlays/prod"]
    assert prod.severity == "error"
    assert prod.evidence["connections"] == 320
    assert prod.evidence["fitting_pool_size"] == 4  # 97 // (2 x 10)
    assert prod.evidence["fitting_max_replicas"] == 3  # 97 // (2 x 16)
    assert prod.fix.startswith("DB_POOL_SIZE=4 (fits 97 at 10 replicas)")
