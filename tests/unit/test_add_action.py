"""``backendkit add action``: validation, the state it records, and the merge that keeps edits."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from backendkit.state import STATE_PATH, ProjectState
from tests.helpers import run_cli, tree

HELPER = '''

def order_label(total: str) -> str:
    """A helper the user wrote."""
    return f"order of {total}"
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    result = run_cli("new", "shop", "--crud", "--no-git", "--auth", "none", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = tmp_path / "shop"
    for args in (("order", "total:decimal(10,2)"), ("line", "order:ref(order)", "qty:int")):
        result = run_cli("add", "resource", *args, cwd=root)
        assert result.returncode == 0, result.stderr
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p: (root / p).read_bytes() for p in tree(root)}


def test_records_the_action_and_renders_route_schema_service_and_tests(project: Path) -> None:
    result = run_cli("add", "action", "order", "refund", "--body", "amount:decimal(10,2)",
                     "reason:text:optional", cwd=project / "app")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "POST /api/v1/orders/{id}/refund" in result.stdout
    assert "create         tests/order/test_order_actions.py" in result.stdout
    (order,) = [r for r in ProjectState.load(project).resources if r.name == "order"]
    assert [(a.name, a.body) for a in order.actions] == [
        ("refund", ["amount:decimal(10,2)", "reason:text:optional"])
    ]
    router = (project / "app/order/router.py").read_text()
    assert '"/{id:uuid}/refund"' in router
    assert "data: OrderRefundRequest" in router
    schemas = (project / "app/order/schemas.py").read_text()
    assert "class OrderRefundRequest(CamelModel):" in schemas
    assert "async def refund_order(" in (project / "app/order/service.py").read_text()
    assert run_cli("check", "--strict", cwd=project).returncode == 0


def test_multi_word_verbs_are_kebab_case_in_the_url(project: Path) -> None:
    result = run_cli("add", "action", "order", "mark_paid", cwd=project)
    assert result.returncode == 0, result.stderr
    assert '"/{id:uuid}/mark-paid"' in (project / "app/order/router.py").read_text()
    assert "async def mark_paid_order(" in (project / "app/order/service.py").read_text()


def test_edits_to_the_service_are_kept_through_two_actions(project: Path) -> None:
    service = project / "app/order/service.py"
    service.write_text(service.read_text() + HELPER)
    assert run_cli("add", "action", "order", "refund", "--body", "amount:decimal",
                   cwd=project).returncode == 0  # fmt: skip
    # The user writes the first action's rule, then adds a second action.
    text = service.read_text()
    todo = next(line for line in text.splitlines() if "TODO: the refund rule" in line)
    service.write_text(text.replace(todo, "    item.total = data.amount"))
    result = run_cli("add", "action", "order", "cancel", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "merge          app/order/service.py" in result.stdout
    merged = service.read_text()
    assert HELPER in merged
    assert "    item.total = data.amount\n" in merged
    assert "async def cancel_order(" in merged
    assert "<<<<<<<" not in merged
    assert run_cli("check", cwd=project).returncode == 0


def test_an_overlapping_edit_is_a_listed_conflict_that_loses_nothing(project: Path) -> None:
    # Actions go in just above delete_order: a function of the user's there is the same place.
    service = project / "app/order/service.py"
    text = service.read_text()
    service.write_text(
        text.replace("\n\nasync def delete_order", HELPER + "\n\nasync def delete_order")
    )
    result = run_cli("add", "action", "order", "cancel", cwd=project)
    assert result.returncode == 1
    assert "conflict       app/order/service.py" in result.stdout
    assert "1 file(s) have conflict markers" in result.stdout
    merged = service.read_text()
    assert HELPER.strip() in merged
    assert "async def cancel_order(" in merged
    assert "<<<<<<< app/order/service.py (yours)" in merged


def test_dry_run_prints_the_diff_and_writes_nothing(project: Path) -> None:
    before = snapshot(project)
    result = run_cli("add", "action", "order", "refund", "--body", "amount:decimal", "--dry-run",
                     cwd=project)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "+async def refund_order(" in result.stdout
    assert "nothing written (dry run)" in result.stdout
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["invoice", "refund"], "no resource 'invoice' in this project (resources: shop, order"),
        (["order", "Refund"], "invalid action name 'Refund'"),
        (["order", "class"], "it is a Python keyword"),
        (["order", "update"], "the generated update route already has it"),
        (["order", "refund", "--body", "qty:int=abc"], "default 'abc' is not a valid int"),
        (["order", "refund", "--body", "x:ref(shop)"], "a body cannot hold a ref"),
        (["order", "refund", "--body", "x:int:unique"], "unique describes a column"),
        (["order", "refund", "--body", "x:int x:str"], "'x' is declared twice"),
        (["order", "lines"], "nested create of lines would both be POST /orders/{id}/lines"),
        (["line", "create_order"], "the nested route under 'order' already has that name"),
    ],
)
def test_refusals_are_one_line_and_change_nothing(
    project: Path, args: list[str], message: str
) -> None:
    before = snapshot(project)
    result = run_cli("add", "action", *args, cwd=project)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(project) == before


def test_refused_when_the_service_module_was_deleted(project: Path) -> None:
    (project / "app/order/service.py").unlink()
    result = run_cli("add", "action", "order", "cancel", cwd=project)
    assert result.returncode == 2
    assert "app/order/service.py was deleted: restore it" in result.stderr


def test_a_child_whose_nested_route_an_action_took_is_refused(project: Path) -> None:
    assert run_cli("add", "action", "order", "refunds", cwd=project).returncode == 0
    result = run_cli("add", "resource", "refund", "order:ref(order)", cwd=project)
    assert result.returncode == 2
    assert "would both be POST /orders/{id}/refunds: rename one" in result.stderr


def test_an_action_cannot_be_added_twice(project: Path) -> None:
    assert run_cli("add", "action", "order", "cancel", cwd=project).returncode == 0
    result = run_cli("add", "action", "order", "cancel", cwd=project)
    assert result.returncode == 2
    assert "resource 'order' already has an action 'cancel'" in result.stderr


def test_refused_until_the_project_is_on_the_installed_template(project: Path) -> None:
    state = project / STATE_PATH
    text = state.read_text()
    version = ProjectState.load(project).template.version
    state.write_text(text.replace(f"version: {version}", "version: 0.0.1", 1))
    result = run_cli("add", "action", "order", "cancel", cwd=project)
    assert result.returncode == 2
    assert "run 'backendkit update' first" in result.stderr


def test_a_state_file_without_actions_still_loads(project: Path) -> None:
    state = ProjectState.load(project)
    assert all(r.actions == [] for r in state.resources)
    # Written without the key when there are none, as before actions existed.
    assert "actions" not in (project / STATE_PATH).read_text()


def test_actions_round_trip_through_the_state_file(project: Path) -> None:
    run_cli("add", "action", "order", "refund", "--body", "amount:decimal(10,2)=1.5",
            "kind:enum(full,part)=full", cwd=project)  # fmt: skip
    state = ProjectState.load(project)
    (project / STATE_PATH).write_bytes(state.dump())
    assert ProjectState.load(project) == state
    # And the recorded config re-renders exactly what is on disk.
    assert run_cli("check", "--strict", cwd=project).returncode == 0


def test_a_config_file_declares_actions_for_new(tmp_path: Path) -> None:
    (tmp_path / "shop.yml").write_text(
        "name: shop\nauth: none\nresources:\n  - name: order\n    fields: total:int\n"
        "    actions:\n      - cancel\n      - name: refund\n        body: amount:decimal\n"
    )
    result = run_cli("new", "shop", "--config", "shop.yml", "--no-git", "--defaults", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    router = (tmp_path / "shop/app/order/router.py").read_text()
    assert '"/{id:uuid}/cancel"' in router
    assert '"/{id:uuid}/refund"' in router


def test_uncommitted_changes_are_refused_unless_allowed(project: Path) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "generated"]):
        subprocess.run([*git, *args], cwd=project, check=True, capture_output=True)
    service = project / "app/order/service.py"
    service.write_text(service.read_text() + HELPER)
    result = run_cli("add", "action", "order", "cancel", cwd=project)
    assert result.returncode == 2
    assert "uncommitted or untracked changes" in result.stderr
    assert "cancel_order" not in service.read_text()
    result = run_cli("add", "action", "order", "cancel", "--allow-dirty", cwd=project)
    assert result.returncode == 0, result.stderr
    assert HELPER in service.read_text()
