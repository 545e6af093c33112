"""Generated projects for the migrate and db lint tests, run in the shared project venv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pytest

from tests.e2e.conftest import postgres_admin
from tests.e2e.projects import project_env
from tests.e2e.venv import Venv, ensure_venv, requirements_of

PRODUCT = (
    "product",
    "--crud",
    "--fields",
    "name:str sku:str:unique price:decimal",
    "--auth",
    "none",
)

# A revision written by hand in a test: the timeouts every safe migration starts with.
REVISION = '''"""{name}"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision: str | None = "{down}"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.execute("SET lock_timeout = '5s'")
    op.execute("SET statement_timeout = '60s'")
{body}


def downgrade() -> None:
    pass
'''


def new_project(parent: Path, *args: str) -> Path:
    """``backendkit new ARGS`` into PARENT/<name>."""
    target = parent / args[0]
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", "new", *args, "-o", str(target), "--no-git",
         "--defaults"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return target


def run(project: Path, venv: Venv, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``backendkit ARGS`` in PROJECT, with the shared venv as the project's Python."""
    return subprocess.run(
        [sys.executable, "-m", "backendkit", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=project_env(project, BACKENDKIT_PROJECT_PYTHON=str(venv.python), COLUMNS="200", **env),
        timeout=300,
        check=False,
    )


def alembic(project: Path, venv: Venv, script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Python SCRIPT in the project venv, in PROJECT."""
    return subprocess.run(
        [str(venv.python), "-c", script],
        cwd=project,
        capture_output=True,
        text=True,
        env=project_env(project, **env),
        timeout=300,
        check=False,
    )


def write_revision(project: Path, revision: str, down: str, body: str) -> Path:
    """A hand-written revision REVISION after DOWN whose upgrade() ends with BODY."""
    path = project / "migrations" / "versions" / f"{revision}.py"
    text = REVISION.format(name=revision, revision=revision, down=down, body=body)
    path.write_text(text)
    return path


@pytest.fixture(scope="session")
def shared_venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """The cached environment generated projects run in (built once, see tests/e2e/venv.py)."""
    project = new_project(tmp_path_factory.mktemp("venv-probe"), *PRODUCT)
    return ensure_venv(requirements_of(project))


@pytest.fixture
def product(tmp_path: Path) -> Path:
    """A fresh product project."""
    return new_project(tmp_path, *PRODUCT)


@pytest.fixture
def postgres_database(postgres_url: str, shared_venv: Venv) -> object:
    """A new, empty PostgreSQL database (asyncpg URL), dropped afterwards."""
    server = postgres_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    name = f"bk_migrate_{uuid4().hex[:12]}"
    postgres_admin(shared_venv, server, f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        postgres_admin(shared_venv, server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
