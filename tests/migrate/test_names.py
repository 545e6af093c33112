"""Revision names and what they imply, without a project."""

from __future__ import annotations

import pytest

from backendkit.errors import UsageError
from backendkit.migrate.inferred import render_inferred
from backendkit.migrate.names import Inference, infer, validate_name


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


def test_enum_and_ref_fields_are_inferred_with_their_columns() -> None:
    added = infer("add_owner_to_pets", ["owner:ref(person)", "kind:enum(cat,dog)=cat"])
    assert added is not None
    assert [f.column for f in added.fields] == ["owner_id", "kind"]
    removed = infer("remove_owner_from_pets", ["owner:ref(person)", "kind"])
    assert removed is not None and removed.columns == ("owner_id", "kind")


def _render(tokens: list[str], backfill: dict[str, str] | None = None) -> str:
    inference = infer("add_things_to_pets", tokens)
    assert inference is not None
    revision = "0002_add_things_to_pets"
    return render_inferred(inference, revision=revision, down_revision="0001", backfill=backfill)


def test_inferred_constraints_are_named_as_the_models_name_them() -> None:
    text = _render(["owner:ref(person)", "kind:enum(cat,dog)=cat", "tag:str:unique:optional"])
    compile(text, "revision.py", "exec")
    assert 'batch_op.f("fk_pets_owner_id_people")' in text
    assert 'ondelete="RESTRICT"' in text
    assert 'op.f("idx_pets_owner_id")' in text
    assert "\"kind IN ('cat', 'dog')\"" in text
    assert 'batch_op.f("ck_pets_kind")' in text
    assert "UNIQUE USING INDEX uq_pets_tag" in text
    assert all(len(line) <= 100 for line in text.splitlines())


def test_a_backfilled_column_ends_not_null() -> None:
    text = _render(["born:date", "owner:ref(person)"], backfill={"born": "2020-02-29"})
    assert "value: Any = dt.date(2020, 2, 29)" in text
    assert "import datetime as dt" in text and "from typing import Any" in text
    assert 'batch_op.alter_column("born", nullable=False)' in text
    assert "Backfill owner_id" in text  # not backfilled: stays nullable, as before
    assert 'batch_op.alter_column("owner_id"' not in text


@pytest.mark.parametrize(
    ("backfill", "message"),
    [
        ({"born": "yesterday"}, "not a valid date"),
        ({"kind": "bird"}, "not one of cat, dog"),
        ({"nick": "x"}, "only a required field without a default"),
        ({"kind2": "cat"}, "only a required field without a default"),
    ],
)
def test_a_bad_backfill_is_a_usage_error(backfill: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        _render(["born:date", "kind:enum(cat,dog)", "nick:str=x"], backfill=backfill)


def test_a_soft_deleted_tables_unique_field_is_unique_among_live_rows() -> None:
    inference = infer("add_tag_to_pets", ["tag:str:unique"])
    assert inference is not None
    live = Inference(inference.kind, inference.table, inference.fields, soft_delete=True)
    text = render_inferred(live, revision="0002_add_tag_to_pets", down_revision="0001")
    assert 'postgresql_where=sa.text("deleted_at IS NULL")' in text
    assert "uq_pets_tag" not in text
