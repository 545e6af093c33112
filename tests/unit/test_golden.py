"""Generated trees match their reviewed snapshots exactly: no missing, extra or changed file."""

from __future__ import annotations

import difflib

import pytest

from tests.golden_cases import (
    CASES,
    dump_snapshot,
    load_snapshot,
    parse_snapshot,
    render_case,
    snapshot_path,
)


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_tree_matches_snapshot(case: str) -> None:
    assert snapshot_path(case).is_file(), (
        f"no snapshot for {case}: run python -m tests.golden_cases --update and review it"
    )
    expected = load_snapshot(case)
    actual = render_case(case)
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    assert not missing, f"files no longer generated: {missing}"
    assert not extra, f"files generated but not in the snapshot: {extra}"
    for path in expected:
        if expected[path] != actual[path]:
            diff = "".join(
                difflib.unified_diff(
                    expected[path].splitlines(keepends=True),
                    actual[path].splitlines(keepends=True),
                    f"golden/{path}",
                    f"generated/{path}",
                )
            )
            pytest.fail(
                f"{path} differs from the snapshot "
                f"(python -m tests.golden_cases --update after review):\n{diff}"
            )


def test_snapshot_format_round_trips() -> None:
    files = {"a.txt": "one\n", "b/c.py": "no newline", "d": ""}
    assert parse_snapshot(dump_snapshot("case", files)) == files
