from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from backendkit.baseline import load_baseline
from backendkit.engine import Template
from backendkit.errors import UsageError
from backendkit.project import Project
from backendkit.state import ProjectState
from backendkit.update import apply_update, ensure_clean_tree
from backendkit.update_plan import Action, plan_update
from tests.helpers import tree
from tests.unit.template_versions import generate


def update(root: Path, template: Template, **overrides: str) -> dict[str, Action]:
    plan = plan_update(Project.find(root), dict(overrides), template)
    apply_update(plan)
    return {f.path: f.action for f in plan.files}


def test_untouched_project_takes_the_new_template(
    tmp_path: Path, v1: Template, v2: Template
) -> None:
    root = generate(tmp_path, v1).target
    actions = update(root, v2)
    assert actions["settings.py"] is Action.REPLACE
    assert actions["VERSION"] is Action.CREATE
    assert actions["legacy.txt"] is Action.DELETE
    assert "TIMEOUT = 30" in (root / "settings.py").read_text()
    assert not (root / "legacy.txt").exists()
    state = ProjectState.load(root)
    assert state.template.version == "2.0.0"
    assert "legacy.txt" not in state.files
    assert set(load_baseline(root, state)) == set(state.files)


def test_edits_that_do_not_overlap_are_merged(tmp_path: Path, v1: Template, v2: Template) -> None:
    root = generate(tmp_path, v1).target
    settings = (root / "settings.py").read_text().replace("setting_20 = 20", "setting_20 = 99")
    (root / "settings.py").write_text(settings)
    actions = update(root, v2)
    assert actions["settings.py"] is Action.MERGE
    merged = (root / "settings.py").read_text()
    assert "setting_20 = 99" in merged
    assert "TIMEOUT = 30" in merged
    assert "<<<<<<<" not in merged


def test_overlapping_edits_conflict_and_lose_nothing(
    tmp_path: Path, v1: Template, v2: Template
) -> None:
    root = generate(tmp_path, v1).target
    (root / "README.md").write_text((root / "README.md").read_text() + "Our own ending.\n")
    plan = plan_update(Project.find(root), {}, v2)
    backup = apply_update(plan)
    assert [f.path for f in plan.conflicts] == ["README.md"]
    text = (root / "README.md").read_text()
    assert "Our own ending." in text
    assert "Upgraded to v2." in text
    assert "<<<<<<< README.md (yours)" in text
    assert backup is not None
    assert (backup / "README.md").read_text().endswith("Our own ending.\n")


def test_edit_kept_when_the_template_did_not_change_the_file(
    tmp_path: Path, v1: Template, v2: Template
) -> None:
    root = generate(tmp_path, v1).target
    (root / "NOTES.md").write_text("Ours.\n")
    assert update(root, v2)["NOTES.md"] is Action.KEEP
    assert (root / "NOTES.md").read_text() == "Ours.\n"


def test_deleted_file_stays_deleted(tmp_path: Path, v1: Template, v2: Template) -> None:
    root = generate(tmp_path, v1).target
    (root / "settings.py").unlink()
    assert update(root, v2)["settings.py"] is Action.STAYS_DELETED
    assert not (root / "settings.py").exists()
    assert update(root, v2)["settings.py"] is Action.STAYS_DELETED


def test_edited_file_dropped_by_the_template_is_kept(
    tmp_path: Path, v1: Template, v2: Template
) -> None:
    root = generate(tmp_path, v1).target
    (root / "legacy.txt").write_text("we still need this\n")
    assert update(root, v2)["legacy.txt"] is Action.ORPHAN
    assert (root / "legacy.txt").read_text() == "we still need this\n"
    assert "legacy.txt" not in ProjectState.load(root).files


def test_files_the_template_never_wrote_are_never_touched(
    tmp_path: Path, v1: Template, v2: Template
) -> None:
    root = generate(tmp_path, v1).target
    (root / "VERSION").write_text("mine\n")
    (root / "mine.py").write_text("x = 1\n")
    assert update(root, v2)["VERSION"] is Action.SKIP
    assert (root / "VERSION").read_text() == "mine\n"
    assert (root / "mine.py").read_text() == "x = 1\n"


def test_changed_answer_rerenders(tmp_path: Path, v1: Template) -> None:
    root = generate(tmp_path, v1).target
    assert update(root, v1, db="postgres")["settings.py"] is Action.REPLACE
    assert (root / "settings.py").read_text().startswith("DB = 'postgres'")
    assert ProjectState.load(root).answers["db"] == "postgres"


def test_bad_answer_is_refused_before_anything_changes(tmp_path: Path, v1: Template) -> None:
    root = generate(tmp_path, v1).target
    before = {p: (root / p).read_bytes() for p in tree(root)}
    with pytest.raises(UsageError, match="db: 'mysql' is not valid"):
        plan_update(Project.find(root), {"db": "mysql"}, v1)
    assert {p: (root / p).read_bytes() for p in tree(root)} == before


def test_second_update_changes_nothing(tmp_path: Path, v1: Template, v2: Template) -> None:
    root = generate(tmp_path, v1).target
    update(root, v2)
    assert plan_update(Project.find(root), {}, v2).changes == []


def test_update_refuses_uncommitted_or_untracked_files_it_would_write(
    tmp_path: Path, v1: Template
) -> None:
    root = generate(tmp_path, v1).target
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@e"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=root, check=True)
    ensure_clean_tree(root, ["settings.py"])
    (root / "settings.py").write_text("changed\n")
    (root / "notes.txt").write_text("mine\n")
    with pytest.raises(UsageError, match=r"uncommitted or untracked changes .*: settings\.py;"):
        ensure_clean_tree(root, ["settings.py", "README.md"])
    with pytest.raises(UsageError, match=r": notes\.txt;"):
        ensure_clean_tree(root, ["notes.txt"])
    ensure_clean_tree(root, ["README.md"])  # other files' changes are not in the way
