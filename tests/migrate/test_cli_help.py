"""The help of migrate and db lint: examples, and the ignore comment spelled out."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_cli


def test_migrate_help_has_examples(tmp_path: Path) -> None:
    result = run_cli("migrate", "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "backendkit migrate add_role_to_users role:str=user" in result.stdout
    assert "--check" in result.stdout and "--empty" in result.stdout
    assert "$BACKENDKIT_PROJECT_PYTHON" in result.stdout


def test_db_lint_help_spells_the_ignore_comment(tmp_path: Path) -> None:
    result = run_cli("db", "lint", "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "# backendkit-lint: ignore[ban-drop-column]" in result.stdout
    assert "--fail-on" in result.stdout and "--json" in result.stdout
