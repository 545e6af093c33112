"""``backendkit adopt``: take over a project Copier generated, without regenerating it.

The template at the answers file's ``_commit``, rendered with its answers, is what Copier wrote
then: it becomes the project's baseline, so ``check`` sees the team's edits as edits and
``update`` merges over the right base.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from backendkit.baseline import baseline_file
from backendkit.engine import RenderedFile, write_tree
from backendkit.errors import UsageError
from backendkit.external.generate import external_state, recorded_files
from backendkit.external.render import render_template
from backendkit.external.source import TemplateSource
from backendkit.state import STATE_PATH, ProjectState, sha256

DEFAULT_ANSWERS_FILE = ".copier-answers.yml"


@dataclass(frozen=True)
class Adoption:
    """The state recorded, and the files that already differ from the template's render."""

    state: ProjectState
    differing: list[str]
    missing: list[str]


def adopt_project(
    root: Path, *, answers_file: str = DEFAULT_ANSWERS_FILE, dry_run: bool = False
) -> Adoption:
    """Record backendkit state for the Copier project at ROOT."""
    if (root / STATE_PATH).exists():
        raise UsageError(f"{root} already has {STATE_PATH}: it is a backendkit project")
    recorded = _read_answers(root / answers_file)
    source = _source(root, recorded.pop("_src_path", None), answers_file)
    commit = recorded.pop("_commit", None)
    answers = {k: v for k, v in recorded.items() if not k.startswith("_")}
    render = render_template(source, answers, ref=commit, defaults=True, folder_name=root.name)
    files = recorded_files(source, render, root.name)
    state = external_state(source, render, files)
    differing, missing = [], []
    for path, record in state.files.items():
        disk = root / path
        if not disk.is_file():
            missing.append(path)
        elif sha256(disk.read_bytes()) != record.sha256:
            differing.append(path)
    if not dry_run:
        write_tree(root, [baseline_file(files), RenderedFile(STATE_PATH, state.dump(), "managed")])
    return Adoption(state, sorted(differing), sorted(missing))


def _read_answers(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path} not found: not a project Copier generated") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of answers")
    return data


def _source(root: Path, src_path: Any, answers_file: str) -> TemplateSource:
    if not isinstance(src_path, str) or not src_path:
        raise UsageError(f"{answers_file} has no _src_path: which template made this project?")
    source = TemplateSource(src_path)
    if source.is_remote:
        return source
    path = Path(src_path).expanduser()
    if not path.is_absolute():
        path = root / path
    if not path.is_dir():
        raise UsageError(f"template {src_path!r} (from {answers_file}) not found")
    return TemplateSource(str(path.resolve()))
