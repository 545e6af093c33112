"""check and update through the command line, on a real generated project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli


@pytest.fixture
def project(tmp_path: Path) -> Path:
    result = run_cli("new", "shop", "--crud", "--fields", "name:str", "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "shop"


def test_check_passes_on_a_fresh_project(project: Path) -> None:
    result = run_cli("check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check passed" in result.stdout


def test_check_fails_with_a_diff_on_an_edited_managed_file(project: Path) -> None:
    state = project / ".backendkit/state.yml"
    managed = next(
        line.split(":")[0].strip()
        for line in state.read_text().splitlines()
        if "ownership: managed" in line and line.strip().startswith("app/")
    )
    (project / managed).write_text((project / managed).read_text() + "# drift\n")
    result = run_cli("check", cwd=project / "app")
    assert result.returncode == 1
    assert managed in result.stdout
    assert "+# drift" in result.stdout
    data = json.loads(run_cli("check", "--json", cwd=project).stdout)
    assert data["ok"] is False
    assert [f["path"] for f in data["files"] if f["failing"]] == [managed]


def test_check_outside_a_project_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "not inside a backendkit project" in result.stderr


def test_update_dry_run_with_no_change(project: Path) -> None:
    result = run_cli("update", "--dry-run", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "nothing written" in result.stdout


def test_update_changes_an_answer(project: Path) -> None:
    result = run_cli("update", "--set", "db=postgres", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["schema"] == "backendkit.update/1"
    assert plan["answers"]["db"] == "postgres"
    assert "db: postgres" in (project / ".backendkit/state.yml").read_text()
    assert run_cli("check", cwd=project).returncode == 0


def test_update_turns_graphql_on_and_off(project: Path) -> None:
    result = run_cli("update", "--set", "api=rest,graphql", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["answers"]["api"] == ["rest", "graphql"]
    for path in ("app/core/graphql.py", "app/shop/graphql.py", "tests/test_graphql.py"):
        assert (project / path).is_file(), path
    assert "install_graphql" in (project / "app/main.py").read_text()
    assert "strawberry-graphql" in (project / "pyproject.toml").read_text()
    assert "type Shop {" in (project / "schema.graphql").read_text()
    assert run_cli("check", cwd=project).returncode == 0
    added = run_cli("add", "resource", "tag", "label:str", cwd=project)
    assert added.returncode == 0, added.stderr
    assert "updated schema.graphql" in added.stdout
    assert (project / "app/tag/graphql.py").is_file()
    # The schema file gains the new resource; check still finds every file as recorded.
    schema = (project / "schema.graphql").read_text()
    assert "type Tag {" in schema and "type Shop {" in schema
    assert run_cli("check", cwd=project).returncode == 0
    result = run_cli("update", "--set", "api=rest", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (project / "app/core/graphql.py").exists()
    assert not (project / "app/tag/graphql.py").exists()
    assert not (project / "schema.graphql").exists()
    assert "strawberry" not in (project / "pyproject.toml").read_text()
    assert "api:" not in (project / ".backendkit/state.yml").read_text()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("api=graphql", "api=graphql: choose rest or rest,graphql"),
        ("db=mysql", "db: 'mysql' is not valid"),
        ("colour=red", "--set colour: unknown answer"),
        ("db", "expected KEY=VALUE"),
    ],
)
def test_update_refuses_bad_settings(project: Path, setting: str, message: str) -> None:
    before = (project / ".backendkit/state.yml").read_text()
    result = run_cli("update", "--set", setting, cwd=project)
    assert result.returncode == 2
    assert message in result.stderr
    assert (project / ".backendkit/state.yml").read_text() == before


def test_new_with_api_graphql_alone_is_refused_in_one_line(tmp_path: Path) -> None:
    result = run_cli("new", "shop", "--api", "graphql", "--no-git", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "api=graphql: choose rest or rest,graphql" in result.stderr
    assert not (tmp_path / "shop").exists()
