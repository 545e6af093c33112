"""The rules ``db lint`` reports: code, severity, why it is dangerous, and the safe form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["warning", "error"]
SEVERITIES: tuple[Severity, ...] = ("warning", "error")


@dataclass(frozen=True)
class Rule:
    """One rule, squawk's or our own."""

    code: str
    severity: Severity
    why: str
    safe: str


_RULES = [
    Rule(
        "adding-required-field",
        "error",
        "a NOT NULL column without a default fails on a table that has rows, or blocks it",
        "add the column nullable (or with a constant server_default), backfill, then add a "
        "CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, and SET NOT NULL",
    ),
    Rule(
        "require-concurrent-index-creation",
        "error",
        "CREATE INDEX on an existing table blocks every write to it until the index is built",
        "with op.get_context().autocommit_block(): "
        "op.create_index(..., postgresql_concurrently=True, if_not_exists=True)",
    ),
    Rule(
        "changing-column-type",
        "error",
        "changing a column's type takes an ACCESS EXCLUSIVE lock and may rewrite the table",
        "add a new column, backfill it in batches, switch the code over, then drop the old one",
    ),
    Rule(
        "renaming-column",
        "error",
        "renaming a column breaks every running instance that still uses the old name",
        "add the new column, write to both, backfill, move readers, then drop the old column",
    ),
    Rule(
        "renaming-table",
        "error",
        "renaming a table breaks every running instance that still uses the old name",
        "create the new table (or a view under the new name), move the code, then drop the old",
    ),
    Rule(
        "ban-drop-column",
        "error",
        "running instances that still select the column fail once it is gone",
        "deploy code that no longer uses the column first, then drop it and mark the line "
        "'# backendkit-lint: ignore[ban-drop-column]'",
    ),
    Rule(
        "ban-drop-table",
        "error",
        "running instances that still use the table fail once it is gone; its data is lost",
        "deploy code that no longer uses the table first, then drop it and mark the line "
        "'# backendkit-lint: ignore[ban-drop-table]'",
    ),
    Rule(
        "adding-foreign-key-constraint",
        "error",
        "adding a foreign key scans the table while holding a SHARE ROW EXCLUSIVE lock on both",
        "op.create_foreign_key(..., postgresql_not_valid=True), then "
        "op.execute('ALTER TABLE ... VALIDATE CONSTRAINT ...') in a later revision",
    ),
    Rule(
        "constraint-missing-not-valid",
        "error",
        "a new constraint is checked against every row while writes are blocked",
        "create it NOT VALID (postgresql_not_valid=True), then VALIDATE CONSTRAINT separately",
    ),
    Rule(
        "disallowed-unique-constraint",
        "error",
        "adding a UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock",
        "op.create_index(..., unique=True, postgresql_concurrently=True) in an autocommit_block, "
        "then op.execute('ALTER TABLE t ADD CONSTRAINT name UNIQUE USING INDEX name')",
    ),
    Rule(
        "prefer-jsonb",
        "warning",
        "json stores text and re-parses it on every read; it cannot be indexed or compared",
        "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql') (or postgresql.JSONB())",
    ),
    Rule(
        "foreign-key-without-index",
        "warning",
        "without an index on the referencing column, every delete or key update in the "
        "referenced table scans this one, and joins from the parent are slow",
        "op.create_index(op.f('idx_<table>_<column>'), '<table>', ['<column>']) in the same "
        "revision (the model: mapped_column(..., index=True))",
    ),
    Rule(
        "table-without-timestamps",
        "warning",
        "rows without created_at/updated_at cannot be audited, synced incrementally or sorted "
        "by age",
        "sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), "
        "nullable=False), and the same for updated_at (the models' Entity base has both)",
    ),
    Rule(
        "varchar-without-length",
        "warning",
        "sa.String() without a length is an unbounded VARCHAR: nothing is validated, and "
        "text says the same thing plainly",
        "sa.Text() for free text, or sa.String(n) with the limit the API validates",
    ),
    Rule(
        "require-statement-timeout",
        "warning",
        "without a statement_timeout a slow statement holds its locks for as long as it runs",
        "op.execute(\"SET statement_timeout = '60s'\") at the start of upgrade() on PostgreSQL",
    ),
    Rule(
        "require-timeout-settings",
        "warning",
        "without a lock_timeout a waiting ALTER queues every later query behind it",
        "op.execute(\"SET lock_timeout = '5s'\") at the start of upgrade() on PostgreSQL",
    ),
]
RULES = {rule.code: rule for rule in _RULES}
# squawk rules that do not fit this stack: String(n) and int columns are what the field
# syntax asked for (str(80), int vs bigint), and Alembic migrations are not re-run half way.
EXCLUDED_SQUAWK_RULES = (
    "prefer-text-field",
    "prefer-robust-stmts",
    "prefer-bigint-over-int",
    "prefer-bigint-over-smallint",
)


def rule_for(code: str, message: str, help_text: str | None) -> Rule:
    """The rule CODE; one we do not describe keeps squawk's words, as a warning."""
    return RULES.get(code) or Rule(code, "warning", message, help_text or "see squawk's docs")
