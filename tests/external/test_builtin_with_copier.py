"""Built-in templates are in Copier's format but not renderable by plain ``copier copy``: they
read values backendkit computes (docs/templates.md says why). This pins that statement."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from backendkit.templates import templates_root


def test_plain_copier_copy_of_the_builtin_template_fails_on_a_computed_value(
    tmp_path: Path,
) -> None:
    target = tmp_path / "shop"
    result = subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--defaults", "--data", "name=shop",
         str(templates_root() / "fastapi"), str(target)],
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode != 0
    assert "UndefinedError: 'env' is undefined" in result.stderr
    assert not target.exists()  # Copier cleans up: nothing half-written either
