"""``backendkit add action`` on a generated project the user has already edited.

A JWT project with a plain resource (order) and an owned one (note): the user writes a helper
into order's service.py, adds an action with a body, writes its rule, adds two actions without
one. Their code is still there, ``check`` passes, the project's own ruff, mypy and tests pass,
and a running server answers each action with its envelope.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ProjectVenv
from tests.e2e.live_auth import access_token
from tests.e2e.live_server import request, running_service
from tests.e2e.projects import check_tool

pytestmark = pytest.mark.e2e

HELPER = '''

def describe_order(item: Order) -> str:
    """A helper of the user's: one line about an order."""
    return f"order {item.id}: {item.total}"
'''
RULE = """    if data.amount > item.total:
        raise BusinessRuleError("A refund cannot exceed the order's total")
"""
SETTINGS = {"AUTH_RATE_LIMIT_PER_MINUTE": "0", "RATE_LIMIT_PER_MINUTE": "0"}


def backendkit(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **env},
        check=False,
    )
    assert result.returncode == 0, f"backendkit {args} failed:\n{result.stdout}{result.stderr}"
    return result


def write_the_refund_rule(service: Path) -> None:
    text = service.read_text()
    todo = next(line for line in text.splitlines() if "TODO: the refund rule" in line)
    text = text.replace(todo + "\n", RULE, 1)
    service.write_text(text.replace(
        "from app.core.errors import NotFoundError",
        "from app.core.errors import BusinessRuleError, NotFoundError",
    ))  # fmt: skip


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("actions")
    fields = "total:decimal(10,2) status:enum(new,paid)=new"
    backendkit(parent, "new", "order", "--crud", "--fields", fields, "--no-git", "--defaults")
    root = parent / "order"
    backendkit(root, "add", "resource", "note", "title:str", "--owned")
    service = root / "app/order/service.py"
    service.write_text(service.read_text() + HELPER)
    backendkit(root, "add", "action", "order", "refund", "--body", "amount:decimal(10,2)",
               "reason:text:optional")  # fmt: skip
    write_the_refund_rule(service)
    result = backendkit(root, "add", "action", "order", "mark_paid")
    assert "merge          app/order/service.py" in result.stdout
    backendkit(root, "add", "action", "note", "archive")
    return root


def test_the_users_code_is_kept(project: Path) -> None:
    service = (project / "app/order/service.py").read_text()
    assert HELPER in service
    assert RULE in service
    assert "async def mark_paid_order(" in service
    assert "<<<<<<<" not in service


def test_check_passes(project: Path, project_venv: ProjectVenv) -> None:
    venv = project_venv(project)
    result = backendkit(project, "check", BACKENDKIT_PROJECT_PYTHON=str(venv.python))
    assert "check passed" in result.stdout


def test_the_projects_own_checks_pass(project: Path, project_venv: ProjectVenv) -> None:
    venv = project_venv(project)
    check_tool(venv, project, "-m", "ruff", "check", "--no-cache", ".")
    check_tool(venv, project, "-m", "ruff", "format", "--check", "--no-cache", ".")
    check_tool(venv, project, "-m", "mypy", "--cache-dir", str(venv.mypy_cache))
    check_tool(venv, project, "-m", "mypy", "--strict", "--cache-dir", str(venv.mypy_cache), "app")
    result = check_tool(venv, project, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert " passed" in result.stdout


def test_a_running_server_answers_the_actions(
    project: Path, project_venv: ProjectVenv, tmp_path: Path
) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    with running_service(project_venv(project), project, database, **SETTINGS) as base:
        mine = {"Authorization": f"Bearer {access_token(base, 'ada@example.com')}"}
        theirs = {"Authorization": f"Bearer {access_token(base, 'bob@example.com')}"}
        orders, notes = f"{base}/api/v1/orders", f"{base}/api/v1/notes"

        order = request("POST", orders, {"total": "20.00"}, mine).body["data"]
        refund = request("POST", f"{orders}/{order['id']}/refund", {"amount": "5.00"}, mine)
        assert refund.status == 200, refund.body
        assert set(refund.body) == {"data", "meta"}
        assert refund.body["data"]["id"] == order["id"]
        assert refund.body["meta"]["requestId"] == refund.headers["X-Request-ID"]
        too_much = request("POST", f"{orders}/{order['id']}/refund", {"amount": "25.00"}, mine)
        assert too_much.status == 422, too_much.body
        assert too_much.body["error"]["code"] == "UNPROCESSABLE"
        bad = request("POST", f"{orders}/{order['id']}/refund", {"amount": "x"}, mine)
        assert bad.status == 400
        paid = request("POST", f"{orders}/{order['id']}/mark-paid", None, mine)
        assert paid.status == 200, paid.body
        assert request("POST", f"{orders}/{order['id']}/mark-paid").status == 401

        note = request("POST", notes, {"title": "mine"}, mine).body["data"]
        archived = request("POST", f"{notes}/{note['id']}/archive", None, mine)
        assert archived.status == 200, archived.body
        assert archived.body["data"]["id"] == note["id"]
        assert request("POST", f"{notes}/{note['id']}/archive", None, theirs).status == 404

        documented = request("GET", f"{base}/openapi.json").body["paths"]
        assert "post" in documented["/api/v1/orders/{id}/refund"]
