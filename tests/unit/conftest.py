"""Fixtures for the unit tests: two versions of a small template."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.engine import Template
from tests.unit.template_versions import V1, V2, make_template


@pytest.fixture
def v1(tmp_path: Path) -> Template:
    """The small template at version 1.0.0."""
    return make_template(tmp_path / "v1", V1)


@pytest.fixture
def v2(tmp_path: Path) -> Template:
    """The same template at 2.0.0: a file changed at the top, one at the end, one gone, one new."""
    return make_template(tmp_path / "v2", V2)
