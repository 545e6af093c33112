"""Revision names and what they imply, without a project."""

from __future__ import annotations

import pytest

from backendkit.errors import UsageError
from backendkit.migrate.inferred import render_inferred
from backendkit.migrate.names import infer, validate_name


@pytest.mark.parametrize("name", ["add_role_to_users", "a", "v2_backfill"])
def test_valid_names(name: str) -> None:
    assert validate_name(name) == name


@pytest.mark.parametrize("name", ["", "Add", "add-role", "2fast", "add__x", "x" * 101, "../x"])
def test_invalid_names(name: str) -> None:
    with pytest.raises(UsageError, match="is not valid"):
        validate_name(name)


def test_inference_of_each_form() -> None:
    added = infer("add_role_to_users", ["role:str"])
    assert added is not None and added.kind == "add_column" and added.table == "users"
    assert [f.name for f in added.fields] == ["role"]
    removed = infer("remove_role_from_users", ["role"])
    assert removed is not None and removed.kind == "remove_column"
    assert removed.columns == ("role",)
    indexed = infer("add_index_to_users", ["email"])
    assert indexed is not None and indexed.kind == "add_index" and indexed.columns == ("email",)
    assert infer("backfill_roles", []) is None


def test_inferred_revision_compiles_and_is_laid_out() -> None:
    inference = infer("add_role_to_users", ["role:str:index=user"])
    assert inference is not None
    text = render_inferred(inference, revision="0002_add_role_to_users", down_revision="0001")
    compile(text, "revision.py", "exec")
    column = 'sa.Column("role", sa.String(255), server_default=sa.text("\'user\'"), nullable=False)'
    assert column in text
    assert "postgresql_concurrently=True" in text
    assert all(len(line) <= 100 for line in text.splitlines())


def test_a_model_change_explains_a_name_only_when_it_names_the_columns() -> None:
    from backendkit.migrate.revisions import Comparison, _explains

    inference = infer("add_barcode_to_products", ["barcode:str"])
    assert inference is not None
    assert _explains(Comparison(["add_column products.barcode"]), inference)
    assert _explains(Comparison(["add_index idx_products_barcode on products"]), inference)
    assert not _explains(Comparison(["add_column products.barcode_2"]), inference)
    assert not _explains(Comparison(["add_column orders.barcode"]), inference)
