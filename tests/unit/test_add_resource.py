from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, tree


@pytest.fixture
def project(tmp_path: Path) -> Path:
    result = run_cli("new", "shop", "--crud", "--no-git", "--auth", "none", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "shop"


def test_adds_files_edits_none_and_records_the_resource(project: Path) -> None:
    before = {p: (project / p).read_bytes() for p in tree(project)}
    result = run_cli("add", "resource", "status_update", "body:text", "--soft-delete",
                     cwd=project / "app")  # fmt: skip
    assert result.returncode == 0, result.stderr
    after = tree(project)
    changed = {p for p in before if (project / p).read_bytes() != before[p]}
    assert changed == {".backendkit/state.yml", ".backendkit/baseline.zip"}
    assert after > set(before)
    assert any(p.startswith("app/status_update/") for p in after - set(before))
    state = (project / ".backendkit/state.yml").read_text()
    assert "name: status_update" in state
    assert "soft_delete: true" in state
    assert run_cli("check", "--strict", cwd=project).returncode == 0


def test_migration_follows_the_current_head(project: Path) -> None:
    run_cli("add", "resource", "order", "total:int", cwd=project)
    result = run_cli("add", "resource", "invoice", "total:int", cwd=project)
    assert result.returncode == 0, result.stderr
    state = (project / ".backendkit/state.yml").read_text()
    order_revision = state.split("name: order", 1)[1].split("revision: ", 1)[1].split(",")[0]
    invoice_part = state.split("name: invoice", 1)[1]
    assert f"down_revision: {order_revision}" in invoice_part


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["shop"], "resource 'shop' already exists"),
        (["item", "order:ref(missing)"], "no resource 'missing' in this project"),
        (["item", "item:ref(item)"], "a resource cannot ref itself"),
        (["item", "a:ref(shop)", "b:ref(shop)"], "one ref per parent resource"),
        (["item", "qty:int=abc"], "default 'abc' is not a valid int"),
        (["class"], "Python keyword"),
        (["items"], "name resources in the singular"),
        (["item", "--owned"], "owned resources need --auth jwt"),
    ],
)
def test_refusals_change_nothing(project: Path, args: list[str], message: str) -> None:
    before = {p: (project / p).read_bytes() for p in tree(project)}
    result = run_cli("add", "resource", *args, cwd=project)
    assert result.returncode == 2
    assert message in result.stderr
    assert {p: (project / p).read_bytes() for p in tree(project)} == before


def test_outside_a_project(tmp_path: Path) -> None:
    result = run_cli("add", "resource", "order", cwd=tmp_path)
    assert result.returncode == 2
    assert "not inside a backendkit project" in result.stderr


def test_never_overwrites_a_users_file(project: Path) -> None:
    (project / "app/order").mkdir(parents=True)
    (project / "app/order/__init__.py").write_text("# mine\n")
    result = run_cli("add", "resource", "order", cwd=project)
    assert result.returncode == 2
    assert "refusing to overwrite existing files: app/order/__init__.py" in result.stderr
    assert (project / "app/order/__init__.py").read_text() == "# mine\n"


def test_dry_run_writes_nothing(project: Path) -> None:
    before = {p: (project / p).read_bytes() for p in tree(project)}
    result = run_cli("add", "resource", "order", "--dry-run", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "nothing written" in result.stdout
    assert {p: (project / p).read_bytes() for p in tree(project)} == before


def test_a_child_brings_its_nested_routes_and_edits_none_of_its_parent(project: Path) -> None:
    before = {p: (project / p).read_bytes() for p in tree(project)}
    result = run_cli("add", "resource", "order", "shop:ref(shop)", "total:int", cwd=project)
    assert result.returncode == 0, result.stderr
    changed = {p for p in before if (project / p).read_bytes() != before[p]}
    assert changed == {".backendkit/state.yml", ".backendkit/baseline.zip"}
    router = (project / "app/order/router.py").read_text()
    assert '"/shops/{id:uuid}/orders"' in router
    assert "nested_router = APIRouter(" in router
    model = (project / "app/order/models.py").read_text()
    assert 'sa.ForeignKey("shops.id", ondelete="RESTRICT"), index=True' in model
    (migration,) = (project / "migrations/versions").glob("*_create_orders.py")
    text = migration.read_text()
    assert 'name=op.f("fk_orders_shop_id_shops")' in text
    assert 'op.f("idx_orders_shop_id")' in text
    assert 'op.f("idx_orders_created_at_id"), "orders", ["created_at", "id"]' in text
    assert (project / "tests/order/test_order_relations.py").is_file()
    assert not (project / "tests/shop/test_shop_relations.py").exists()
    assert run_cli("check", "--strict", cwd=project).returncode == 0


def test_soft_deleted_unique_fields_get_partial_unique_indexes(project: Path) -> None:
    result = run_cli("add", "resource", "member", "email:email:unique", "--soft-delete",
                     cwd=project)  # fmt: skip
    assert result.returncode == 0, result.stderr
    model = (project / "app/member/models.py").read_text()
    assert "unique=True,\n    sqlite_where=Member.deleted_at.is_(None)" in model
    (migration,) = (project / "migrations/versions").glob("*_create_members.py")
    text = migration.read_text()
    assert 'postgresql_where=sa.text("deleted_at IS NULL")' in text
    assert "sa.UniqueConstraint" not in text
