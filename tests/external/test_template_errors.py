"""Bad input to ``new --template`` is one line, exit 2, and nothing written; tasks run only
with --trust."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.external.template_repo import build_template_repo
from tests.external.test_template_new_update import backendkit

TASKS_TEMPLATE = """\
_tasks:
  - "touch task-ran"
name:
  type: str
  default: x
"""


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template_repo(tmp_path_factory.mktemp("tpl") / "service-template")


def _refused(result_args: list[str], target: Path, expected: str) -> None:
    result = backendkit("new", str(target), *result_args, "--no-git")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert expected in result.stderr
    assert not target.exists()


def test_missing_template(tmp_path: Path) -> None:
    _refused(["--template", str(tmp_path / "nowhere")], tmp_path / "p", "not found")


def test_bad_ref(template_repo: Path, tmp_path: Path) -> None:
    _refused(["--template", f"{template_repo}@v9.9.9"], tmp_path / "p", "Unknown revision")


def test_invalid_answer(template_repo: Path, tmp_path: Path) -> None:
    _refused(["--template", str(template_repo), "--data", "project_name=not valid"],
             tmp_path / "p", "must be an identifier")  # fmt: skip


def test_unanswerable_question(tmp_path: Path) -> None:
    template = tmp_path / "tpl"
    template.mkdir()
    (template / "copier.yml").write_text("owner:\n  type: str\n")
    (template / "OWNER.jinja").write_text("{{ owner }}\n")
    _refused(["--template", str(template)], tmp_path / "p", "owner")


def test_tasks_need_trust(tmp_path: Path) -> None:
    template = tmp_path / "tpl"
    template.mkdir()
    (template / "copier.yml").write_text(TASKS_TEMPLATE)
    (template / "README.jinja").write_text("{{ name }}\n")
    _refused(["--template", str(template)], tmp_path / "p", "--trust")

    trusted = tmp_path / "trusted"
    result = backendkit("new", str(trusted), "--template", str(template), "--trust", "--no-git")
    assert result.returncode == 0, result.stderr
    assert (trusted / "task-ran").is_file() and (trusted / "README").read_text() == "x\n"

    # update runs them again, as copier update does, and also only with --trust
    (trusted / "task-ran").unlink()
    refused = backendkit("update", "--path", str(trusted), "--allow-dirty")
    assert refused.returncode == 2 and "--trust" in refused.stderr
    assert refused.stderr.count("\n") == 1 and not (trusted / "task-ran").exists()
    updated = backendkit("update", "--path", str(trusted), "--allow-dirty", "--trust")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert (trusted / "task-ran").is_file() and "ran the template's tasks" in updated.stdout


def test_resource_commands_are_refused_in_an_external_project(tmp_path: Path) -> None:
    template = tmp_path / "tpl"
    template.mkdir()
    (template / "copier.yml").write_text("name:\n  type: str\n  default: x\n")
    (template / "README.jinja").write_text("{{ name }}\n")
    project = tmp_path / "p"
    assert backendkit("new", str(project), "--template", str(template), "--no-git").returncode == 0
    result = backendkit("add", "resource", "order", "--path", str(project))
    assert result.returncode == 2 and "built-in templates" in result.stderr
    assert result.stderr.count("\n") == 1
