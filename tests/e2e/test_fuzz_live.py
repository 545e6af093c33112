"""schemathesis against a real server of generated projects: every check, phase and operation.

What it may report and still pass is listed in live_fuzz.DOCUMENTED and docs/hardening.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.live_auth import admin_token, has_jwt_auth
from tests.e2e.live_server import running_service
from tests.e2e.projects import run_tool

pytestmark = pytest.mark.e2e

FUZZER = Path(__file__).with_name("live_fuzz.py")
EXAMPLES = 10
# One client sends every request here: the limits are tested in test_hardening_live.
UNLIMITED = {"RATE_LIMIT_PER_MINUTE": "0", "AUTH_RATE_LIMIT_PER_MINUTE": "0"}


def fuzz(name: str, database: str, generated: GeneratedProject, venv_of: ProjectVenv) -> None:
    project = generated(name)
    venv = venv_of(project)
    with running_service(venv, project, database, **UNLIMITED) as base:
        # An administrator reaches every operation; a user's 403s would hide most of them.
        token = [admin_token(venv, project, database, base)] if has_jwt_auth(project) else []
        result = run_tool(venv, project, str(FUZZER), base, str(EXAMPLES), *token, timeout=1200)
    lines = result.stdout.strip().splitlines()
    assert lines, f"the fuzzer printed nothing:\n{result.stderr[-6000:]}"
    summary = json.loads(lines[-1])
    assert summary["failures"] == [], "\n\n".join(summary["failures"])
    assert result.returncode == 0, result.stderr[-6000:]
    assert summary["operations"] >= 5


@pytest.mark.parametrize("name", ["user", "catalog"])
def test_fuzzing_a_live_service_on_sqlite(
    name: str, generated: GeneratedProject, project_venv: ProjectVenv, tmp_path: Path
) -> None:
    fuzz(name, f"sqlite+aiosqlite:///{tmp_path / 'fuzz.db'}", generated, project_venv)


def test_fuzzing_a_live_service_on_postgres(
    fresh_postgres_database: str, generated: GeneratedProject, project_venv: ProjectVenv
) -> None:
    fuzz("catalog", fresh_postgres_database, generated, project_venv)
