"""A Copier template in a local git repository with tags v1.0.0, v1.1.0 and v2.0.0.

It exercises the features ``new --template`` supports: typed questions, choices, a validator,
``when``, a Jinja default, a secret question, ``_subdirectory``, ``_exclude``,
``_skip_if_exists``, templated file names and the answers file, a directory left empty (its
only file excluded) and a symbolic link to a file (copied as that file). v2.0.0 drops
``legacy.txt``, rewrites a README line and adds a question.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

QUESTIONS_V1 = """\
_subdirectory: template
_exclude: ["*.bak"]
_skip_if_exists: ["NOTES.md"]
project_name:
  type: str
  help: The project's name
  default: demo
  validator: "{% if not project_name.isidentifier() %}must be an identifier{% endif %}"
port:
  type: int
  default: 8000
db:
  type: str
  choices: [sqlite, postgres]
  default: sqlite
db_host:
  type: str
  default: "{{ 'db.' ~ project_name if db == 'postgres' else '' }}"
  when: "{{ db == 'postgres' }}"
api_key:
  type: str
  secret: true
  default: changeme
"""

QUESTIONS_V2 = (
    QUESTIONS_V1
    + """\
log_level:
  type: str
  choices: [info, debug]
  default: info
"""
)

README_V1 = """\
# {{ project_name }}

Serves on port {{ port }} with {{ db }}.

Run it with make run.
"""

README_V2 = README_V1.replace("Run it with make run.", "Run it with just run.")

APP_V1 = """\
import os

NAME = "{{ project_name }}"
PORT = int(os.environ.get("PORT", "{{ port }}"))
{% if db == 'postgres' %}DB_HOST = "{{ db_host }}"
{% endif %}

def main() -> None:
    print(NAME, PORT)
"""

APP_V11 = '"""The {{ project_name }} service."""\n\n' + APP_V1

LEGACY = "legacy settings\nmode=old\n"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=repo, check=True, capture_output=True,
    )  # fmt: skip


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def build_template_repo(repo: Path) -> Path:
    """The template repository at REPO, with its three tags."""
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _write(repo, {
        "copier.yml": QUESTIONS_V1,
        "template/README.md.jinja": README_V1,
        "template/src/{{ project_name }}.py.jinja": APP_V1,
        "template/settings.env.jinja": "PORT={{ port }}\nAPI_KEY={{ api_key }}\n",
        "template/NOTES.md": "Your notes.\n",
        "template/scratch.bak": "never copied\n",
        "template/cache/tmp.bak": "never copied: cache/ stays empty\n",
        "template/legacy.txt": LEGACY,
        "template/{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}",
    })  # fmt: skip
    (repo / "template/docs").mkdir()
    (repo / "template/docs/notes.md").symlink_to("../NOTES.md")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "v1.0.0")
    _git(repo, "tag", "v1.0.0")
    _write(repo, {"template/src/{{ project_name }}.py.jinja": APP_V11})
    _git(repo, "commit", "-qam", "v1.1.0")
    _git(repo, "tag", "v1.1.0")
    _write(repo, {"copier.yml": QUESTIONS_V2, "template/README.md.jinja": README_V2})
    (repo / "template/legacy.txt").unlink()
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "v2.0.0")
    _git(repo, "tag", "v2.0.0")
    return repo


def commit_all(project: Path, message: str) -> None:
    """Commit PROJECT's work tree (Copier's update needs a clean git tree)."""
    if not (project / ".git").exists():
        _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", message)
