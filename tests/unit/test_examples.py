"""The committed examples are what the installed template generates: the drift gate, dogfooded."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.drift import check_project
from backendkit.project import Project

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yml"))


@pytest.mark.parametrize("name", NAMES)
def test_example_passes_strict_check(name: str) -> None:
    root = EXAMPLES / name
    assert root.is_dir(), f"examples/{name} is missing: run scripts/regenerate-examples"
    report = check_project(Project.find(root), strict=True)
    failing = [f"{f.path} ({f.state.value})" for f in report.files if f.failing]
    assert not report.failed, (
        f"examples/{name} drifted from the template: {failing or report.problems}; "
        "run scripts/regenerate-examples and review the diff"
    )
