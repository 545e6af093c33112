"""JWT auth as the default: the rules the config and ``add resource`` hold it to."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.config import USER_FIELDS
from backendkit.config_file import build_config
from backendkit.errors import UsageError
from tests.helpers import run_cli


def test_jwt_is_the_default() -> None:
    assert build_config({"name": "shop"}).auth == "jwt"


def test_the_default_user_resource_is_a_valid_sign_in_account() -> None:
    config = build_config({"name": "shop", "resources": [{"name": "user", "fields": USER_FIELDS}]})
    assert config.resources[0].name == "user"


def test_auth_none_takes_any_user_resource() -> None:
    config = {"name": "shop", "auth": "none", "resources": [{"name": "user", "fields": "x:int"}]}
    assert build_config(config).auth == "none"


@pytest.mark.parametrize(
    ("resources", "message"),
    [
        (
            [{"name": "user", "fields": "email:email name:str"}],
            "missing or different: role, is_active, email (unique)",
        ),
        (
            [{"name": "user", "fields": USER_FIELDS + " role2:enum(user,guest)=user nickname:str"}],
            "registration cannot fill nickname",
        ),
        (
            [{"name": "user", "fields": USER_FIELDS + " password:str:optional"}],
            "cannot declare password: auth owns it",
        ),
        (
            [{"name": "note", "fields": "owner_id:uuid", "owned": True}],
            "owner_id",
        ),
        (
            [{"name": "note", "owned": True}, {"name": "user", "fields": USER_FIELDS}],
            "declare 'user' before it",
        ),
        (
            [
                {"name": "user", "fields": USER_FIELDS},
                {"name": "folder", "owned": True},
                {"name": "note", "fields": "folder:ref(folder)"},
            ],
            "ref fields to or from --owned resources are not built yet",
        ),
    ],
)
def test_auth_rules_are_one_line_errors(resources: list[dict[str, object]], message: str) -> None:
    with pytest.raises(UsageError) as refused:
        build_config({"name": "shop", "resources": resources})
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_owned_needs_jwt() -> None:
    with pytest.raises(UsageError, match="owned resources need --auth jwt"):
        build_config({"name": "shop", "auth": "none", "resources": [{"name": "n", "owned": True}]})


def test_add_user_to_a_jwt_project_without_one_is_refused(tmp_path: Path) -> None:
    assert run_cli("new", "shop", "--no-git", "--defaults", cwd=tmp_path).returncode == 0
    project = tmp_path / "shop"
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = run_cli("add", "resource", "user", *USER_FIELDS.split(), cwd=project)
    assert result.returncode == 2
    assert "JWT auth's accounts" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_add_owned_resource_to_a_jwt_project(tmp_path: Path) -> None:
    assert run_cli("new", "shop", "--no-git", "--defaults", cwd=tmp_path).returncode == 0
    project = tmp_path / "shop"
    result = run_cli("add", "resource", "note", "title:str", "--owned", cwd=project)
    assert result.returncode == 0, result.stderr
    models = (project / "app/note/models.py").read_text()
    assert 'sa.ForeignKey("users.id", ondelete="CASCADE"), index=True' in models
    assert 'owner_column = "owner_id"' in (project / "app/note/repository.py").read_text()
    migration = next((project / "migrations/versions").glob("*_create_notes.py")).read_text()
    assert "fk_notes_owner_id_users" in migration
    assert "idx_notes_owner_id" in migration


def test_new_jwt_project_files(tmp_path: Path) -> None:
    assert run_cli("new", "user", "--crud", "--no-git", "--defaults", cwd=tmp_path).returncode == 0
    project = tmp_path / "user"
    for path in ("app/auth/router.py", "app/core/tokens.py", "app/core/passwords.py"):
        assert (project / path).is_file(), path
    pyproject = (project / "pyproject.toml").read_text()
    assert "pyjwt[crypto]" in pyproject
    assert "argon2-cffi" in pyproject
    assert "password_hash" in (project / "app/user/models.py").read_text()
    assert "refresh_tokens" in (project / "migrations/versions/0001_create_users.py").read_text()
    assert "op.create_table" not in (project / "migrations/versions/0000_initial.py").read_text()


def test_auth_none_project_has_no_auth(tmp_path: Path) -> None:
    args = ("new", "user", "--crud", "--auth", "none", "--no-git", "--defaults")
    assert run_cli(*args, cwd=tmp_path).returncode == 0
    project = tmp_path / "user"
    assert not (project / "app/auth").exists()
    assert not (project / "app/core/tokens.py").exists()
    assert "pyjwt" not in (project / "pyproject.toml").read_text()
    assert "password_hash" not in (project / "app/user/models.py").read_text()


def test_update_cannot_change_auth(tmp_path: Path) -> None:
    assert run_cli("new", "shop", "--no-git", "--defaults", cwd=tmp_path).returncode == 0
    result = run_cli("update", "--set", "auth=none", cwd=tmp_path / "shop")
    assert result.returncode == 2
    assert "--set auth: cannot change after generation" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
