"""Resources change through the state: add field, remove field, remove resource, accept."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.evolve import change_for_revision
from backendkit.project import Project
from tests.helpers import run_cli, tree

SERVICE = "app/product/service.py"
USER_FUNCTION = '\n\ndef shelf_label(name: str) -> str:\n    return f"shelf {name}"\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    result = run_cli("new", "shop", "--no-git", "--auth", "none", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = tmp_path / "shop"
    for args in (
        ("category", "name:str:unique"),
        ("product", "name:str", "price:decimal(10,2)", "category:ref(category)"),
    ):
        result = run_cli("add", "resource", *args, cwd=root)
        assert result.returncode == 0, result.stderr
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p: (root / p).read_bytes() for p in tree(root)}


def test_add_field_merges_into_edited_files_and_writes_the_migration(project: Path) -> None:
    (project / SERVICE).write_text((project / SERVICE).read_text() + USER_FUNCTION)
    create_revision = (project / "migrations/versions/0002_create_products.py").read_bytes()
    result = run_cli("add", "field", "product", "sku:str(32):unique:optional", "stock:int=0",
                     cwd=project)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "sku: Mapped[str | None]" in (project / "app/product/models.py").read_text()
    assert USER_FUNCTION in (project / SERVICE).read_text()
    # The create-table revision is history: it does not change.
    assert (project / "migrations/versions/0002_create_products.py").read_bytes() == (
        create_revision
    )
    revision = project / "migrations/versions/0003_add_sku_and_stock_to_products.py"
    assert 'op.add_column(\n        "products"' in revision.read_text() or "products" in (
        revision.read_text()
    )
    state = (project / ".backendkit/state.yml").read_text()
    assert "sku:str(32):unique:optional" in state
    assert "fields: ['name:str', 'price:decimal(10,2)', 'category:ref(category)']" in state
    assert run_cli("check", "--no-migrations", cwd=project).returncode == 0


def test_remove_field_then_check_passes(project: Path) -> None:
    result = run_cli("remove", "field", "product", "price", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "price" not in (project / "app/product/models.py").read_text()
    revision = project / "migrations/versions/0003_remove_price_from_products.py"
    assert "ignore[ban-drop-column]" in revision.read_text()
    assert run_cli("check", "--no-migrations", cwd=project).returncode == 0


def test_dry_run_prints_the_diff_and_writes_nothing(project: Path) -> None:
    before = snapshot(project)
    result = run_cli("add", "field", "product", "sku:str:optional", "--dry-run", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "+    sku: Mapped[str | None]" in result.stdout
    assert "nothing written (dry run)" in result.stdout
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "field", "product", "name:str"], "already has a field 'name'"),
        (["add", "field", "nothing", "a:str"], "no resource 'nothing'"),
        (["add", "field", "product", "sku:str"], "--backfill sku=VALUE"),
        (["add", "field", "product", "sku:str:unique", "--backfill", "sku=x"], "is unique"),
        (["add", "field", "product", "qty:int", "--backfill", "qty=many"], "not a valid int"),
        (["add", "field", "product", "a:str=x", "--backfill", "b=1"], "not a field being added"),
        (["remove", "field", "product", "colour"], "has no field 'colour'"),
        (["remove", "field", "category", "name"], "remove the resource instead"),
        (["remove", "resource", "category"], "product refers to category"),
        (["remove", "resource", "nothing"], "no resource 'nothing'"),
        (["accept", "app/nothing.py"], "not a file backendkit generated"),
    ],
)
def test_refusals_are_one_line_and_change_nothing(
    project: Path, args: list[str], message: str
) -> None:
    before = snapshot(project)
    result = run_cli(*args, cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(project) == before


def test_add_field_with_backfill_is_accepted(project: Path) -> None:
    result = run_cli("add", "field", "category", "slug:str(40)", "--backfill", "slug=none",
                     cwd=project)  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_remove_resource_keeps_edited_files_and_migration_history(project: Path) -> None:
    assert run_cli("remove", "field", "product", "category", cwd=project).returncode == 0
    (project / SERVICE).write_text((project / SERVICE).read_text() + USER_FUNCTION)
    result = run_cli("remove", "resource", "product", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not (project / "app/product/models.py").exists()
    assert USER_FUNCTION in (project / SERVICE).read_text()  # edited: kept and listed
    assert "orphan" in result.stdout
    assert (project / "migrations/versions/0002_create_products.py").is_file()
    drop = (project / "migrations/versions/0004_drop_products.py").read_text()
    assert "ignore[ban-drop-table]" in drop
    assert "op.create_table(" in drop.split("def downgrade", 1)[1]
    state = (project / ".backendkit/state.yml").read_text()
    assert "name: product" not in state
    assert "0002_create_products.py" not in state
    assert run_cli("check", "--no-migrations", cwd=project).returncode == 0


def test_remove_resource_with_force_deletes_edited_files(project: Path) -> None:
    run_cli("remove", "field", "product", "category", cwd=project)
    (project / SERVICE).write_text((project / SERVICE).read_text() + USER_FUNCTION)
    result = run_cli("remove", "resource", "product", "--force", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not (project / SERVICE).exists()


def test_accepted_edit_passes_check_until_edited_again(project: Path) -> None:
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "LABEL team=shop\n")
    failed = run_cli("check", "--no-migrations", cwd=project)
    assert failed.returncode == 1
    assert "backendkit accept Dockerfile" in failed.stdout
    assert run_cli("accept", "Dockerfile", cwd=project).returncode == 0
    passed = run_cli("check", "--no-migrations", "--json", cwd=project)
    assert passed.returncode == 0
    assert '"state": "accepted"' in passed.stdout
    dockerfile.write_text(dockerfile.read_text() + "LABEL again=1\n")
    assert run_cli("check", "--no-migrations", cwd=project).returncode == 1
    assert run_cli("accept", "--undo", "Dockerfile", cwd=project).returncode == 0
    assert "accepted" not in (project / ".backendkit/state.yml").read_text()


def test_accept_refuses_conflict_markers(project: Path) -> None:
    dockerfile = project / "Dockerfile"
    dockerfile.write_text("<<<<<<< yours\nA\n=======\nB\n>>>>>>> template\n")
    result = run_cli("accept", "Dockerfile", cwd=project)
    assert result.returncode == 2
    assert "conflict markers" in result.stderr


def test_an_accepted_edit_stays_accepted_through_a_change_that_merges_it(project: Path) -> None:
    models = project / "app/product/models.py"
    first, rest = models.read_text().split("\n", 1)
    models.write_text(f"{first}\n# Reviewed by the data team.\n{rest}")
    assert run_cli("accept", "app/product/models.py", cwd=project).returncode == 0
    result = run_cli("add", "field", "product", "sku:str:optional", cwd=project)
    assert result.returncode == 0, result.stderr
    text = models.read_text()
    assert "# Reviewed by the data team." in text
    assert "sku: Mapped[str | None]" in text
    assert run_cli("check", "--no-migrations", cwd=project).returncode == 0


def test_revision_names_on_a_resource_table_change_the_resource(project: Path) -> None:
    found = Project.find(project)
    change = change_for_revision(found, "add_sku_to_products", ["sku:str:optional"])
    assert change is not None
    assert "add sku:str:optional to product" in change.description
    removal = change_for_revision(found, "remove_price_from_products", ["price"])
    assert removal is not None
    assert change_for_revision(found, "add_sku_to_audit_logs", ["sku:str"]) is None
    assert change_for_revision(found, "backfill_prices", []) is None


def test_old_state_files_load_and_dump_unchanged(project: Path) -> None:
    state = project / ".backendkit/state.yml"
    text = state.read_text()
    assert "accepted" not in text
    assert "fields: null" not in text
    assert Project.find(project).state.dump().decode() == text
