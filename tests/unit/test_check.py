from __future__ import annotations

from pathlib import Path

from backendkit.cli.check_report import as_dict
from backendkit.drift import FileState, check_project
from backendkit.engine import Template
from backendkit.project import Project
from tests.unit.template_versions import generate


def states(project: Path, template: Template, strict: bool = False) -> dict[str, FileState]:
    report = check_project(Project.find(project), strict=strict, template=template)
    return {f.path: f.state for f in report.files}


def test_fresh_project_passes(tmp_path: Path, v1: Template) -> None:
    root = generate(tmp_path, v1).target
    report = check_project(Project.find(root / "app"), template=v1)
    assert not report.failed
    assert {f.state for f in report.files} == {FileState.UNCHANGED}
    assert ".env" not in {f.path for f in report.files}


def test_edited_managed_file_fails(tmp_path: Path, v1: Template) -> None:
    root = generate(tmp_path, v1).target
    (root / "settings.py").write_text("DB = 'hacked'\n")
    report = check_project(Project.find(root), template=v1)
    assert report.failed
    assert states(root, v1)["settings.py"] is FileState.EDITED


def test_edited_seeded_file_fails_only_when_strict(tmp_path: Path, v1: Template) -> None:
    root = generate(tmp_path, v1).target
    (root / "NOTES.md").write_text("Our notes.\n")
    assert not check_project(Project.find(root), template=v1).failed
    assert check_project(Project.find(root), strict=True, template=v1).failed


def test_missing_managed_file_fails(tmp_path: Path, v1: Template) -> None:
    root = generate(tmp_path, v1).target
    (root / "app/order/model.py").unlink()
    assert states(root, v1)["app/order/model.py"] is FileState.MISSING
    assert check_project(Project.find(root), template=v1).failed


def test_newer_template_is_reported_and_fails_only_when_strict(
    tmp_path: Path, v1: Template, v2: Template
) -> None:
    root = generate(tmp_path, v1).target
    found = states(root, v2)
    assert found["settings.py"] is FileState.OUTDATED
    assert found["VERSION"] is FileState.NEW
    assert found["legacy.txt"] is FileState.REMOVED
    assert not check_project(Project.find(root), template=v2).failed
    strict = check_project(Project.find(root), strict=True, template=v2)
    assert strict.failed
    assert any("2.0.0 is installed" in p for p in strict.problems)


def test_same_version_rendering_differently_is_drift(tmp_path: Path, v1: Template) -> None:
    root = generate(tmp_path, v1).target
    (v1.root / "project/settings.py.jinja").write_text("DB = 'changed'\n")
    report = check_project(Project.find(root), template=v1)
    assert report.failed
    assert states(root, v1)["settings.py"] is FileState.OUTDATED


def test_json_shape(tmp_path: Path, v1: Template) -> None:
    root = generate(tmp_path, v1).target
    (root / "settings.py").write_text("x\n")
    data = as_dict(check_project(Project.find(root), template=v1))
    assert data["schema"] == "backendkit.check/1"
    assert data["ok"] is False
    assert set(data) == {"schema", "project", "ok", "strict", "template", "summary", "problems",
                         "files"}  # fmt: skip
    failing = [f for f in data["files"] if f["failing"]]
    assert failing == [
        {"path": "settings.py", "state": "edited", "ownership": "managed",
         "templateChanged": False, "failing": True, "diff": failing[0]["diff"]}
    ]  # fmt: skip
    assert "+x" in failing[0]["diff"]
