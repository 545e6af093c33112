"""Answers to a template's questions: --data-file, then --data over it; defaults without a
terminal; a bad answers file is one line and nothing written."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.external.test_template_new_update import backendkit, copier, tree

QUESTIONS = """\
name:
  type: str
  default: svc
replicas:
  type: int
  default: 1
public:
  type: bool
  default: false
"""


def _template(tmp_path: Path) -> Path:
    template = tmp_path / "tpl"
    template.mkdir()
    (template / "copier.yml").write_text(QUESTIONS)
    (template / "deploy.txt.jinja").write_text("{{ name }} x{{ replicas }} public={{ public }}\n")
    return template


def test_data_file_then_data_over_it(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("name: billing\nreplicas: 3\n")
    project = tmp_path / "p"
    result = backendkit("new", str(project), "--template", str(_template(tmp_path)),
                        "--data-file", str(answers), "--data", "replicas=5",
                        "--data", "public=yes", "--no-git")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (project / "deploy.txt").read_text() == "billing x5 public=True\n"
    state = yaml.safe_load((project / ".backendkit/state.yml").read_text())
    assert state["answers"] == {"name": "billing", "replicas": 5, "public": True}


def test_defaults_without_a_terminal(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert backendkit("new", str(project), "--template", str(_template(tmp_path)),
                      "--no-git").returncode == 0  # fmt: skip
    assert (project / "deploy.txt").read_text() == "svc x1 public=False\n"


def test_a_bad_answers_file(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("- not\n- a mapping\n")
    project = tmp_path / "p"
    result = backendkit("new", str(project), "--template", str(_template(tmp_path)),
                        "--data-file", str(answers), "--no-git")  # fmt: skip
    assert result.returncode == 2 and "expected a mapping" in result.stderr
    assert result.stderr.count("\n") == 1 and not project.exists()


def test_data_that_answers_no_question(tmp_path: Path) -> None:
    """As in Copier: the render sees it and the answers file does not keep it. The state file
    keeps it, so check renders the same files and update keeps it."""
    template = _template(tmp_path)
    (template / "team.txt.jinja").write_text("team={{ team | default('none') }}\n")
    (template / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml }}"
    )
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    result = backendkit("new", str(ours), "--template", str(template), "--data", "team=payments",
                        "--no-git")  # fmt: skip
    assert result.returncode == 0, result.stderr
    copier("copy", "--defaults", "--data", "team=payments", str(template), str(theirs))
    assert tree(ours) == tree(theirs)
    assert (ours / "team.txt").read_text() == "team=payments\n"
    assert "team" not in yaml.safe_load((ours / ".copier-answers.yml").read_text())
    state = yaml.safe_load((ours / ".backendkit/state.yml").read_text())
    assert state["answers"]["team"] == "payments"
    assert backendkit("check", str(ours), "--no-migrations").returncode == 0

    updated = backendkit("update", "--path", str(ours), "--set", "replicas=2", "--allow-dirty")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert (ours / "team.txt").read_text() == "team=payments\n"
    assert (ours / "deploy.txt").read_text() == "svc x2 public=False\n"
    state = yaml.safe_load((ours / ".backendkit/state.yml").read_text())
    assert state["answers"] == {"name": "svc", "replicas": 2, "public": False, "team": "payments"}
