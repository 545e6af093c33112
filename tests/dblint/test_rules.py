"""``db lint``: one test per rule with its exact finding, ignores, --json and the threshold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.venv import Venv
from tests.migrate.support import PRODUCT, new_project, run, write_revision

pytestmark = pytest.mark.e2e

# rule -> (the upgrade() body, every finding it must give: rule, severity, message start)
CASES: dict[str, tuple[str, set[tuple[str, str, str]]]] = {
    "not-null-without-default": (
        '    op.add_column("products", sa.Column("code", sa.String(20), nullable=False))',
        {("adding-required-field", "error", "Adding a new column that is `NOT NULL`")},
    ),
    "index-not-concurrent": (
        '    op.create_index("idx_products_name", "products", ["name"])',
        {("require-concurrent-index-creation", "error", "During normal index creation")},
    ),
    "column-type-change": (
        '    op.alter_column("products", "name", type_=sa.Text(), existing_type=sa.String(255))',
        {("changing-column-type", "error", "Changing a column type requires")},
    ),
    "column-rename": (
        '    op.alter_column("products", "name", new_column_name="title")',
        {("renaming-column", "error", "Renaming a column may break existing clients")},
    ),
    "table-rename": (
        '    op.rename_table("products", "items")',
        {("renaming-table", "error", "Renaming a table may break existing clients")},
    ),
    "drop-column": (
        '    op.drop_column("products", "price")',
        {("ban-drop-column", "error", "Dropping a column may break existing clients")},
    ),
    "drop-table": (
        '    op.drop_table("products")',
        {("ban-drop-table", "error", "Dropping a table may break existing clients")},
    ),
    "foreign-key-without-not-valid": (
        '    op.create_foreign_key("fk_p", "products", "products", ["sku"], ["sku"])',
        {
            ("adding-foreign-key-constraint", "error", "Adding a foreign key constraint"),
            ("constraint-missing-not-valid", "error", "By default new constraints require"),
        },
    ),
    "unique-on-existing-table": (
        '    op.create_unique_constraint("uq_products_name", "products", ["name"])',
        {
            ("disallowed-unique-constraint", "error", "Adding a `UNIQUE` constraint requires"),
            ("constraint-missing-not-valid", "error", "By default new constraints require"),
        },
    ),
    "json-instead-of-jsonb": (
        '    op.add_column("products", sa.Column("extra", sa.JSON(), nullable=True))',
        {("prefer-jsonb", "warning", "a json column: use jsonb")},
    ),
    "foreign-key-without-index": (
        '    op.create_table("tags", sa.Column("id", sa.Uuid(), nullable=False), '
        'sa.Column("product_id", sa.Uuid(), nullable=False), '
        'sa.Column("created_at", sa.DateTime(timezone=True), nullable=False), '
        'sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False), '
        'sa.PrimaryKeyConstraint("id"), sa.ForeignKeyConstraint(["product_id"], ["products.id"]))',
        {
            (
                "foreign-key-without-index",
                "warning",
                "foreign key column tags.product_id has no index",
            )
        },
    ),
    "table-without-timestamps": (
        '    op.create_table("labels", sa.Column("id", sa.Uuid(), nullable=False), '
        'sa.PrimaryKeyConstraint("id"))',
        {("table-without-timestamps", "warning", "table labels has no created_at or updated_at")},
    ),
    "varchar-without-length": (
        '    op.add_column("products", sa.Column("note", sa.String(), nullable=True))',
        {("varchar-without-length", "warning", "a VARCHAR column without a length")},
    ),
}
SAFE = {
    "require-concurrent-index-creation": "postgresql_concurrently=True",
    "adding-foreign-key-constraint": "postgresql_not_valid=True",
    "adding-required-field": "NOT VALID",
    "prefer-jsonb": "JSONB",
}
# Each case's revision is the only statement on this line of its file.
STATEMENT_LINE = 17


@pytest.fixture(scope="module")
def linted(tmp_path_factory: pytest.TempPathFactory, shared_venv: Venv) -> dict[str, Any]:
    """Every case as its own revision of one project, linted in one run."""
    project = new_project(tmp_path_factory.mktemp("lint"), *PRODUCT)
    down = "0001_create_products"
    for number, (case, (body, _)) in enumerate(CASES.items(), start=2):
        revision = f"{number:04d}_{case.replace('-', '_')}"
        write_revision(project, revision, down, body)
        down = revision
    result = run(project, shared_venv, "db", "lint", "--json")
    assert result.returncode == 1, result.stderr
    return {"project": project, "report": json.loads(result.stdout)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rule_gives_its_exact_finding(linted: dict[str, Any], case: str) -> None:
    _, expected = CASES[case]
    findings = [
        f for f in linted["report"]["findings"] if f["revision"].endswith(case.replace("-", "_"))
    ]
    got = {(f["rule"], f["severity"], f["message"][: len(m)]) for f in findings for m in
           [next(e[2] for e in expected if e[0] == f["rule"]) if any(e[0] == f["rule"]
            for e in expected) else f["message"]]}  # fmt: skip
    assert got == expected
    for finding in findings:
        assert finding["line"] == STATEMENT_LINE
        assert Path(finding["path"]).name.endswith(f"{case.replace('-', '_')}.py")
        assert finding["why"] and finding["safe"]
        if finding["rule"] in SAFE:
            assert SAFE[finding["rule"]] in finding["safe"]


def test_every_revision_is_linted_on_its_own(linted: dict[str, Any]) -> None:
    assert linted["report"]["revisions"] == 2 + len(CASES)
    # products was created in 0001: nothing there, nor in the initial revision, is reported.
    first = {"0000_initial", "0001_create_products"}
    assert not [f for f in linted["report"]["findings"] if f["revision"] in first]


def test_text_output_names_file_line_rule_why_and_safe_form(
    linted: dict[str, Any], shared_venv: Venv
) -> None:
    project: Path = linted["project"]
    path = project / "migrations" / "versions" / "0003_index_not_concurrent.py"
    result = run(project, shared_venv, "db", "lint", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{path.relative_to(project)}:{STATEMENT_LINE}: require-concurrent-index-creation [error] "
        "During normal index creation, table updates are blocked, but reads are still allowed."
    )
    assert lines[1].startswith("    why: CREATE INDEX on an existing table blocks every write")
    assert lines[2].startswith("    safe: with op.get_context().autocommit_block():")
    assert lines[-1] == "1 revisions linted: 1 findings, 1 at or above the threshold"


def test_ignore_comment_silences_only_its_rule(tmp_path: Path, shared_venv: Venv) -> None:
    project = new_project(tmp_path, *PRODUCT)
    write_revision(
        project,
        "0002_drop_price",
        "0001_create_products",
        '    op.drop_column("products", "price")  # backendkit-lint: ignore[ban-drop-column]\n'
        '    op.drop_column("products", "sku")  # backendkit-lint: ignore[renaming-table]\n'
        "    op.drop_column(  # backendkit-lint: ignore\n"
        '        "products", "name"\n'
        "    )",
    )
    result = run(project, shared_venv, "db", "lint", "--json")
    report = json.loads(result.stdout)
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("ban-drop-column", 18)]
    assert result.returncode == 1


def test_threshold_decides_the_exit_code(tmp_path: Path, shared_venv: Venv) -> None:
    project = new_project(tmp_path, *PRODUCT)
    body, _ = CASES["json-instead-of-jsonb"]
    write_revision(project, "0002_extra", "0001_create_products", body)
    warned = run(project, shared_venv, "db", "lint", "--json")
    assert warned.returncode == 1
    assert json.loads(warned.stdout)["failing"] == 1
    relaxed = run(project, shared_venv, "db", "lint", "--json", "--fail-on", "error")
    assert relaxed.returncode == 0
    report = json.loads(relaxed.stdout)
    assert report["failing"] == 0
    assert [f["rule"] for f in report["findings"]] == ["prefer-jsonb"]


@pytest.mark.parametrize(
    "args",
    [
        ("user", "--crud"),
        PRODUCT,
        ("shop", "--crud", "--fields",
         "title:str(3) summary:str:index:optional quantity:int:index=5 "
         "serial:bigint:unique:optional price:decimal(12,4)=9.99 is_featured:bool=false "
         "external_id:uuid:unique "
         "attributes:json:optional status:enum(draft,in_review,published)=draft"),
    ],
    ids=["user", "product", "every-type"],
)  # fmt: skip
def test_every_migration_backendkit_writes_lints_clean(
    tmp_path: Path, shared_venv: Venv, args: tuple[str, ...]
) -> None:
    project = new_project(tmp_path, *args)
    added = run(
        project,
        shared_venv,
        "add",
        "resource",
        "note",
        "body:text",
        "reference:str(64):unique",
        "--soft-delete",
    )
    assert added.returncode == 0, added.stderr
    for inferred in (
        ("add_colour_to_notes", "colour:str:index=red"),
        ("add_index_to_notes", "body"),
        ("remove_reference_from_notes", "reference"),
    ):
        assert run(project, shared_venv, "migrate", *inferred).returncode == 0
    result = run(project, shared_venv, "db", "lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("no findings")
