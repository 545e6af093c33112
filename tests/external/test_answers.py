"""Answers to a template's questions: --data-file, then --data over it; defaults without a
terminal; a bad answers file is one line and nothing written."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.external.test_template_new_update import backendkit

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
