"""``update --ref`` runs the template's ``_migrations`` between the two versions, as
``copier update`` does (same commands, stages, variables and environment), only with --trust."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.external.template_repo import _git, _write, commit_all
from tests.external.test_template_new_update import backendkit, copier, tree

LOGGED = (
    "'{{ name }}|{{ _copier_answers }}|{{ _copier_phase }}|{{ _copier_conf.vcs_ref }}' "
    "$STAGE $VERSION_FROM $VERSION_TO $VERSION_PEP440_FROM $VERSION_PEP440_TO "
    "$VERSION_CURRENT $VERSION_PEP440_CURRENT $COPIER_OPERATION"
)
MIGRATIONS = f"""\
_migrations:
  - version: v2.0.0
    command: "echo {LOGGED} >> migrations.log"
    when: "{{{{ true }}}}"
  - version: v1.0.0
    command: "echo not-between-the-versions >> migrations.log"
    when: "{{{{ true }}}}"
  - version: v9.0.0
    command: "echo above-the-new-version >> migrations.log"
  - "echo unversioned $STAGE >> migrations.log"
  - command: [sh, -c, "echo in-subdir-$STAGE > marker"]
    working_directory: conf
    when: "{{{{ _stage == 'before' }}}}"
"""
QUESTIONS = "name:\n  type: str\n  default: svc\n"


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("tpl") / "migrating"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _write(repo, {
        "copier.yml": QUESTIONS,
        "conf/app.ini.jinja": "name={{ name }}\n",
        "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}",
    })  # fmt: skip
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "v1")
    _git(repo, "tag", "v1.0.0")
    _write(repo, {"copier.yml": QUESTIONS + MIGRATIONS,
                  "conf/app.ini.jinja": "name={{ name }}\nmode=new\n"})  # fmt: skip
    _git(repo, "commit", "-qam", "v2")
    _git(repo, "tag", "v2.0.0")
    return repo


def _git_status(project: Path) -> str:
    return subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True,
                          text=True, check=True).stdout  # fmt: skip


def test_migrations_run_as_copier_runs_them(template_repo: Path, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    assert backendkit("new", str(ours), "--template", f"{template_repo}@v1.0.0",
                      "--data", "name=shop", "--no-git").returncode == 0  # fmt: skip
    copier("copy", "--defaults", "--vcs-ref", "v1.0.0", "--data", "name=shop",
           str(template_repo), str(theirs))  # fmt: skip
    for project in (ours, theirs):
        commit_all(project, "generated")

    refused = backendkit("update", "--path", str(ours), "--ref", "v2.0.0")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "--trust" in refused.stderr and "from 1.0.0 to 2.0.0" in refused.stderr
    assert _git_status(ours) == ""  # nothing run, nothing written
    dry = backendkit("update", "--path", str(ours), "--ref", "v2.0.0", "--dry-run")
    assert dry.returncode == 0 and "would run the template's migrations" in dry.stdout
    assert _git_status(ours) == ""

    result = backendkit("update", "--path", str(ours), "--ref", "v2.0.0", "--trust")
    assert result.returncode == 0, result.stdout + result.stderr
    copier("update", "--defaults", "--trust", "--vcs-ref", "v2.0.0", cwd=theirs)

    log = (ours / "migrations.log").read_text()
    assert log == (theirs / "migrations.log").read_text()
    assert "|migrate|v2.0.0 before v1.0.0 v2.0.0 1.0.0 2.0.0 v2.0.0 2.0.0 update" in log
    assert "shop|" in log.splitlines()[1] and "unversioned after" in log
    assert "not-between" not in log and "above-the-new" not in log
    assert tree(ours) == tree(theirs)
    assert (ours / "conf/marker").read_text() == "in-subdir-before\n"
