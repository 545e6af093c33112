from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.errors import UsageError
from backendkit.migrations import head_revision, read_revisions
from tests.helpers import build_file_tree


def test_head_of_a_chain(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            "a.py": 'revision = "0000_initial"\ndown_revision = None\n',
            "b.py": 'revision: str = "0001"\ndown_revision: str | None = "0000_initial"\n',
            "c.py": 'revision = "ab12"\ndown_revision = "0001"\n',
        },
    )
    assert head_revision(tmp_path) == "ab12"
    assert [r.revision for r in read_revisions(tmp_path)] == ["0000_initial", "0001", "ab12"]


def test_several_heads_are_refused(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            "a.py": 'revision = "a"\ndown_revision = None\n',
            "b.py": 'revision = "b"\ndown_revision = "a"\n',
            "c.py": 'revision = "c"\ndown_revision = "a"\n',
        },
    )
    with pytest.raises(UsageError, match="several heads"):
        head_revision(tmp_path)


def test_merge_revision_joins_heads(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            "a.py": 'revision = "a"\ndown_revision = None\n',
            "b.py": 'revision = "b"\ndown_revision = "a"\n',
            "c.py": 'revision = "c"\ndown_revision = "a"\n',
            "m.py": 'revision = "m"\ndown_revision = ("b", "c")\n',
        },
    )
    assert head_revision(tmp_path) == "m"


def test_unparsable_migration_names_the_file(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"bad.py": "revision = (\n"})
    with pytest.raises(UsageError, match=r"bad\.py:\d+: migration does not parse"):
        head_revision(tmp_path)
