from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import __version__
from backendkit.templates import get_template
from tests.helpers import run_cli


def test_version(tmp_path: Path) -> None:
    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    template = get_template("fastapi")
    assert result.stdout.splitlines() == [
        f"backendkit {__version__}",
        f"template fastapi {template.version}",
    ]


def test_new_help_has_examples(tmp_path: Path) -> None:
    result = run_cli("new", "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "backendkit new user --crud" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "../evil"], "invalid service name '../evil'"),
        (["new", "class", "--crud"], "'class': it is a Python keyword"),
        (["new", "9lives"], "invalid service name '9lives'"),
        (["new", ""], "service name is empty"),
        (["new", "shop", "--db", "mysql"], "db: 'mysql' is not valid"),
        (["new", "p", "--crud", "--fields", "qty:int=abc"], "default 'abc' is not a valid int"),
        (["new", "p", "--crud", "--fields", "x:nope"], "unknown type 'nope'; valid types"),
        (["new", "p", "--fields", "x:int"], "fields need a resource: add --crud"),
        (["new", "p", "--config", "missing.yml"], "cannot read config file missing.yml"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = run_cli(*args, "--no-git", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_jwt_user_resource_without_sign_in_columns_is_refused(tmp_path: Path) -> None:
    args = ("new", "user", "--crud", "--fields", "email:email name:str", "--no-git")
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "sign-in account" in result.stderr
    assert "role, is_active, email (unique)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_new_writes_the_project_and_refuses_to_overwrite(tmp_path: Path) -> None:
    first = run_cli("new", "user", "--crud", "--no-git", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "user/.backendkit/state.yml").is_file()
    second = run_cli("new", "user", "--crud", "--no-git", cwd=tmp_path)
    assert second.returncode == 2
    assert "exists and is not empty" in second.stderr


def test_dry_run_prints_the_tree(tmp_path: Path) -> None:
    result = run_cli("new", "user", "--crud", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ".backendkit/state.yml" in result.stdout
    assert "nothing written" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_no_color_output_is_plain(tmp_path: Path) -> None:
    result = run_cli("new", "user", "--crud", "--dry-run", cwd=tmp_path)
    assert "\x1b[" not in result.stdout


def test_git_repository_is_initialised(tmp_path: Path) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e"}  # fmt: skip
    result = run_cli("new", "user", "--crud", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "user/.git").is_dir()


def test_error_messages_keep_their_brackets(tmp_path: Path) -> None:
    result = run_cli("new", "p", "--crud", "--fields", "x:enum([a])", "--no-git", cwd=tmp_path)
    assert result.returncode == 2
    assert "x:enum([a])" in result.stderr


def test_a_command_loads_alone_and_help_lists_them_all(tmp_path: Path) -> None:
    from backendkit.cli.main import _command_modules

    everything = _command_modules(["backendkit", "--help"])
    assert {"new", "add", "check", "update", "migrate", "db", "loadtest", "health"} <= set(
        everything
    )
    assert _command_modules(["backendkit", "check", "--json"]) == ["check"]
    assert _command_modules(["backendkit", "nosuch"]) == everything
    listed = run_cli("--help", cwd=tmp_path).stdout
    assert all(f" {name} " in listed for name in everything)
