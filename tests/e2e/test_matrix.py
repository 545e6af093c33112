"""Every pair of option values (db, auth, cache, deploy, ci, second resource) meets in a
generated project whose own ruff, mypy and tests pass on the databases its CI targets.

CI time is short: here each project's tests run on the database it runs on (sqlite or
postgres; test_generated_checks.py runs SQLite projects on PostgreSQL too), and projects whose
Python files are identical are checked once. `scripts/matrix` tests SQLite projects on both;
the full 48-way matrix is `scripts/matrix --full` (run before each template release).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.matrix import pairwise, report, run

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.matrix]


def test_every_pair_of_options_generates_a_project_whose_own_checks_pass(
    tmp_path: Path, postgres_url: str, redis_url: str
) -> None:
    outcomes = run(pairwise(), tmp_path, jobs=2, every_database=False)
    assert all(outcome.failure is None for outcome in outcomes), report(outcomes)
