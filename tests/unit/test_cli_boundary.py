"""What the command line prints: one line per error, user text as typed, plans that apply."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import run_cli


def assert_one_line_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()], result.stderr
    assert result.stderr.startswith("error: ")
    assert message in result.stderr


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    result = run_cli("new", "shop", "--crud", "--fields", "name:str", "--no-git", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "shop"


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "shop"
    shutil.copytree(generated, copy)
    return copy


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "shop", "--bogus"], "No such option: --bogus"),
        (["new", "-shop"], "No such option: -s"),
        (["check", "--stirct"], "No such option: --stirct"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
)
def test_click_usage_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert_one_line_error(result, message)
    assert "--help" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_output_below_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file\n")
    result = run_cli("new", "shop", "--defaults", "--no-git", "--output", "out/sub", cwd=tmp_path)
    assert_one_line_error(result, "cannot create out/sub: out is not a directory")
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_output_where_nothing_can_be_created_is_one_line(tmp_path: Path) -> None:
    result = run_cli("new", "shop", "--defaults", "--no-git", "--output", "/proc/xyz", cwd=tmp_path)
    assert_one_line_error(result, "cannot create /proc/xyz")


def test_unwritable_parent_directory_is_one_line(tmp_path: Path) -> None:
    # As root no directory is unwritable: the refusal is simulated where the OS raises it.
    code = (
        "import sys, tempfile, runpy\n"
        "def refuse(*args, **kwargs):\n"
        "    raise PermissionError(13, 'Permission denied', kwargs.get('dir'))\n"
        "tempfile.mkdtemp = refuse\n"
        "sys.argv = ['backendkit', *sys.argv[1:]]\n"
        "runpy.run_module('backendkit', run_name='__main__')\n"
    )
    args = ["new", "shop", "--defaults", "--no-git", "--output", "locked/shop"]
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert_one_line_error(result, "cannot create locked/shop: Permission denied")
    assert not (tmp_path / "locked/shop").exists()


def test_config_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "shop.yml").write_bytes(b"name: shop\ndb: \xff\xfe\n")
    result = run_cli("new", "shop", "--config", "shop.yml", "--no-git", cwd=tmp_path)
    assert_one_line_error(result, "shop.yml: it is not UTF-8 text")
    assert [p.name for p in tmp_path.iterdir()] == ["shop.yml"]


@pytest.mark.parametrize("command", ["health", "loadtest"])
def test_yaml_file_that_is_not_utf8_is_one_line(tmp_path: Path, command: str) -> None:
    (tmp_path / "file.yml").write_bytes(b"- url: \xff\xfe\n")
    option = "--services" if command == "health" else "--scenario"
    result = run_cli(command, option, "file.yml", cwd=tmp_path)
    assert_one_line_error(result, "file.yml: it is not UTF-8 text")


@pytest.mark.parametrize(
    ("args", "literal"),
    [
        (["new", "p", "--crud", "--fields", "email:email:unique:bogus"], "email:email:unique"),
        (["new", "p", "--crud", "--fields", "birthday:date:optional=x"], "birthday:date:optional"),
        (["new", "[bold]x:smile:"], "'[bold]x:smile:'"),
    ],
)
def test_user_text_is_printed_literally(tmp_path: Path, args: list[str], literal: str) -> None:
    result = run_cli(*args, "--no-git", cwd=tmp_path)
    assert_one_line_error(result, literal)


def test_update_dry_run_piped_is_an_applicable_patch(project: Path, tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    # A line far longer than 80 columns: off a terminal nothing may wrap it.
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "# " + "x" * 150 + "\n")
    updated = tmp_path / "updated"
    shutil.copytree(project, updated)
    settings = ("--set", "cache=redis", "--set", "db=postgres")
    result = run_cli("update", "--dry-run", *settings, cwd=project, env={"COLUMNS": ""})
    assert result.returncode == 0, result.stderr
    plan = tmp_path / "plan.diff"
    plan.write_text(result.stdout)
    git_apply = ["git", "apply", "--check", str(plan)]
    checked = subprocess.run(git_apply, cwd=project, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    gnu_patch = ["patch", "-p1", "--dry-run", "-i", str(plan)]
    patched = subprocess.run(gnu_patch, cwd=project, capture_output=True, text=True, check=False)
    assert patched.returncode == 0, patched.stdout + patched.stderr
    # Applied, the plan gives the very files that update writes.
    subprocess.run(["git", "apply", str(plan)], cwd=project, check=True)
    assert run_cli("update", *settings, "--allow-dirty", cwd=updated).returncode == 0
    assert files_of(project) == files_of(updated)


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] not in {".git", ".backendkit"}
    }


def test_check_json_names_what_failed(project: Path) -> None:
    (project / "app/main.py").write_text((project / "app/main.py").read_text() + "# drift\n")
    data = json.loads(run_cli("check", "--json", "--no-migrations", cwd=project).stdout)
    assert data["ok"] is False
    assert data["problems"] == ["app/main.py: managed file edited"]


def test_check_json_problems_are_empty_exactly_when_ok(project: Path) -> None:
    data = json.loads(run_cli("check", "--json", "--no-migrations", cwd=project).stdout)
    assert (data["ok"], data["problems"]) == (True, [])


def test_check_fails_on_conflict_markers_in_a_seeded_file(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(
        readme.read_text()
        + "<<<<<<< README.md (yours)\nmine\n=======\ntheirs\n>>>>>>> README.md (template)\n"
    )
    result = run_cli("check", "--no-migrations", cwd=project)
    assert result.returncode == 1, result.stdout
    assert "README.md holds conflict markers" in result.stdout
    data = json.loads(run_cli("check", "--json", "--no-migrations", cwd=project).stdout)
    assert any("README.md holds conflict markers" in p for p in data["problems"])


def test_a_markdown_underline_is_not_a_conflict_marker(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "Heading\n=======\n")
    assert run_cli("check", "--no-migrations", cwd=project).returncode == 0


def test_quoted_field_argument_is_split_like_fields(project: Path) -> None:
    result = run_cli("add", "resource", "person", "name:str email:email:unique", cwd=project)
    assert result.returncode == 0, result.stderr
    state = yaml.safe_load((project / ".backendkit/state.yml").read_text())
    (person,) = [r for r in state["resources"] if r["name"] == "person"]
    assert person["fields"] == ["name:str", "email:email:unique"]


def test_positional_field_arguments_split_like_fields() -> None:
    from backendkit.fields import split_field_arguments, split_fields

    quoted = 'name:str "title:str=hello world" email:email:unique'
    assert split_field_arguments([quoted, "age:int"]) == [*split_fields(quoted), "age:int"]
