"""A year in the life of a project on PostgreSQL, every change made through backendkit.

new -> add resource -> hand edits (seeded, and managed ones accepted) -> add field ->
migrate add_x_to_table -> update to a newer template -> remove field -> add action ->
remove resource.
After every step: the tree is committed as a team would, ``alembic upgrade head`` runs on a
database holding rows from the step before, ``check`` (with its migrations step) and
``migrate --check`` pass, ruff and mypy are clean, the project's own tests pass on PostgreSQL,
and every line the user wrote is still there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import pytest

from backendkit.templates import templates_root
from tests.e2e.check_pool import pool_size
from tests.e2e.conftest import ProjectVenv, postgres_admin
from tests.e2e.projects import check_tool
from tests.e2e.venv import Venv

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Dev",
    "GIT_AUTHOR_EMAIL": "dev@example.com",
    "GIT_COMMITTER_NAME": "Dev",
    "GIT_COMMITTER_EMAIL": "dev@example.com",
}
NEWER_VERSION = "99.0.0"


@dataclass
class Life:
    """One project, its database, and the lines its user wrote."""

    root: Path
    venv: Venv
    database_url: str
    server_url: str
    template_dir: Path | None = None
    user_lines: dict[str, list[str]] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = {**os.environ, **GIT_IDENTITY, "NO_COLOR": "1", "DATABASE_URL": self.database_url}
        env["BACKENDKIT_PROJECT_PYTHON"] = str(self.venv.python)
        if self.template_dir is not None:
            env["BACKENDKIT_TEMPLATES"] = str(self.template_dir)
        return env

    def backendkit(self, *args: str, expect: int = 0) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "backendkit", *args],
            cwd=self.root, capture_output=True, text=True, env=self.env(), check=False,
        )  # fmt: skip
        output = result.stdout + result.stderr
        assert result.returncode == expect, f"backendkit {' '.join(args)}:\n{output}"
        assert "Traceback" not in output
        return output

    def commit(self, message: str) -> None:
        for command in (["add", "-A"], ["commit", "-q", "--allow-empty", "-m", message]):
            subprocess.run(["git", *command], cwd=self.root, env=self.env(), check=True)

    def write(self, path: str, added: str, *, at_end: bool = True) -> None:
        """The user adds ADDED to PATH (kept in mind: it must survive every later step)."""
        target = self.root / path
        text = target.read_text()
        target.write_text(text + added if at_end else added + text)
        self.user_lines.setdefault(path, []).extend(added.strip("\n").splitlines())

    def sql(self, statement: str) -> None:
        postgres_admin(self.venv, self.database_url, statement)

    def verify(self, step: str, *, rows: list[str]) -> None:
        """Everything that must hold after a step."""
        self.commit(step)
        check_tool(self.venv, self.root, "-m", "alembic", "upgrade", "head",
                   DATABASE_URL=self.database_url)  # fmt: skip
        for statement in rows:
            self.sql(statement)
        self.backendkit("check")
        self.backendkit("migrate", "--check")
        for path, lines in self.user_lines.items():
            text = (self.root / path).read_text()
            missing = [line for line in lines if line not in text]
            assert not missing, f"after {step}, {path} lost the user's lines {missing}"
        check_tool(self.venv, self.root, "-m", "ruff", "check", "--no-cache", ".")
        check_tool(self.venv, self.root, "-m", "ruff", "format", "--check", "--no-cache", ".")
        # mypy and the tests read the tree and write nothing in it: they run side by side.
        with ThreadPoolExecutor(max_workers=pool_size()) as pool:
            typed = pool.submit(
                check_tool, self.venv, self.root, "-m", "mypy", "--cache-dir",
                str(self.venv.mypy_cache),
            )  # fmt: skip
            tested = pool.submit(
                check_tool, self.venv, self.root, "-m", "pytest", "-q", "-x", "-p",
                "no:cacheprovider", TEST_DATABASE_URL=self.server_url, timeout=900,
            )  # fmt: skip
            typed.result()
            assert " passed" in tested.result().stdout


def newer_template(parent: Path) -> Path:
    """The shipped template as its next release might be: new lines where users rarely edit."""
    directory = parent / "templates"
    shutil.copytree(templates_root() / "fastapi", directory / "fastapi")
    root = directory / "fastapi"
    copier = root / "copier.yml"
    text = copier.read_text()
    version = text.split('version: "', 1)[1].split('"', 1)[0]
    copier.write_text(text.replace(f'version: "{version}"', f'version: "{NEWER_VERSION}"'))
    _prepend(root / "project/{% if deploy %}Dockerfile{% endif %}.jinja", "# Newer template.\n")
    _prepend(root / "project/pyproject.toml.jinja", "# Newer template.\n")
    config = root / "project/app/core/config.py.jinja"
    first, rest = config.read_text().split("\n", 1)
    config.write_text(f"{first}\n# Newer template.\n{rest}")
    return directory


def _prepend(path: Path, text: str) -> None:
    assert path.is_file(), path
    path.write_text(text + path.read_text())


@pytest.fixture
def life(
    tmp_path: Path, project_venv: ProjectVenv, fresh_postgres_database: str, asyncpg_url: str
) -> Iterator[Life]:
    root = tmp_path / "ledger"
    subprocess.run(
        [sys.executable, "-m", "backendkit", "new", "ledger", "--output", str(root), "--git",
         "--defaults", "--crud", "--fields", "name:str price:decimal(10,2)"],
        capture_output=True, text=True, env={**os.environ, **GIT_IDENTITY, "NO_COLOR": "1"},
        check=True,
    )  # fmt: skip
    yield Life(root, project_venv(root), fresh_postgres_database, asyncpg_url)


def _ledger(name: str, *, price: bool = True) -> str:
    columns, values = "id, name", f"'{uuid4()}', '{name}'"
    if price:
        columns, values = columns + ", price", values + ", 9.99"
    return f"INSERT INTO ledgers ({columns}) VALUES ({values})"


def test_a_project_lives_a_year_through_backendkit(life: Life, tmp_path: Path) -> None:
    life.verify("new", rows=[_ledger("first")])

    life.backendkit("add", "resource", "category", "name:str(80):unique")
    life.verify(
        "add resource",
        rows=[_ledger("second"), f"INSERT INTO categories (id, name) VALUES ('{uuid4()}', 'c1')"],
    )

    # Hand edits: seeded files are the user's; managed ones are accepted.
    helper = '\n\ndef ledger_label(name: str) -> str:\n    return f"ledger {name}"\n'
    life.write("app/ledger/service.py", helper)
    life.write("pyproject.toml", '\n[tool.ledger]\nowner = "payments-team"\n')
    life.write("Dockerfile", 'LABEL org.opencontainers.image.vendor="payments-team"\n')
    life.write("app/core/config.py", "\n\nFEATURE_FLAGS: tuple[str, ...] = ()\n")
    failed = life.backendkit("check", "--no-migrations", expect=1)
    assert "backendkit accept" in failed
    life.backendkit("accept", "Dockerfile", "app/core/config.py")
    life.verify("hand edits", rows=[_ledger("third")])

    life.backendkit("add", "field", "ledger", "sku:str(32):unique:optional",
                    "status:enum(draft,active)=draft", "in_stock:bool=true")  # fmt: skip
    life.verify("add field", rows=[_ledger("fourth")])

    life.backendkit("migrate", "add_weight_to_ledgers", "weight:decimal(8,3)=0")
    life.verify("migrate add_weight_to_ledgers", rows=[_ledger("fifth")])

    life.template_dir = newer_template(tmp_path)
    life.backendkit("update")
    assert "# Newer template." in (life.root / "Dockerfile").read_text()
    assert "# Newer template." in (life.root / "app/core/config.py").read_text()
    assert "# Newer template." in (life.root / "pyproject.toml").read_text()
    life.verify("update", rows=[_ledger("sixth")])

    life.backendkit("remove", "field", "ledger", "price")
    life.verify("remove field", rows=[_ledger("seventh", price=False)])

    life.backendkit("add", "action", "ledger", "close", "--body", "reason:text:optional")
    assert "def ledger_label" in (life.root / "app/ledger/service.py").read_text()
    life.verify("add action", rows=[_ledger("eighth", price=False)])

    life.backendkit("remove", "resource", "category")
    assert not (life.root / "app/category").exists()
    life.verify("remove resource", rows=[_ledger("ninth", price=False)])
