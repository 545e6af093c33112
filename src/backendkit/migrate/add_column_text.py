"""An added column's revision text: added nullable with its constraints NOT VALID, backfilled
when asked, then constraints validated and NOT NULL set without long locks on PostgreSQL."""

from __future__ import annotations

from backendkit.context.codegen import Call, py_str
from backendkit.errors import UsageError
from backendkit.migrate.column_schema import ColumnSchema, backfill_imports
from backendkit.migrate.names import Inference
from backendkit.migrate.op_text import (
    RevisionText,
    batch,
    call_line,
    column_schemas,
    constraints_added,
    create_index,
    drop_columns,
    execute,
)

ON_POSTGRESQL = '    on_postgresql = op.get_context().dialect.name == "postgresql"\n'


def add_column_text(inference: Inference, backfill: dict[str, str]) -> RevisionText:
    """The upgrade and downgrade that add INFERENCE's columns (BACKFILL: column -> value)."""
    table, columns = inference.table, column_schemas(inference)
    values = _backfill_values(columns, backfill)
    text = RevisionText()
    for literal in values.values():
        text.imports.update(
            {k: v or text.imports.get(k, False) for k, v in backfill_imports(literal).items()}
        )
    added: list[str] = []
    for column in columns:
        stays_nullable = column.needs_backfill and column.name not in values
        if stays_nullable:
            added.append(
                "        # Added nullable: a NOT NULL column without a default fails on a live\n"
                f"        # table. Backfill {column.name}, then make it NOT NULL in a later "
                "revision.\n"
            )
        nullable = column.field.optional or column.needs_backfill
        added.append(call_line("batch_op.add_column", column.column(nullable=nullable)))
        added.extend(constraints_added(column, not_valid=True))
    text.upgrade += batch(table, added)
    filled = [c for c in columns if c.name in values]
    text.upgrade += "".join(
        _backfill(table, c, values[c.name], first=i == 0) for i, c in enumerate(filled)
    )
    text.imports["from typing import Any"] = bool(filled)
    text.upgrade += _postgresql_finish(table, columns, set(values))
    text.upgrade += "".join(
        create_index(table, c.index, concurrently=True) for c in columns if c.index
    )
    text.downgrade = drop_columns(table, columns, concurrently=False)
    return text


def _backfill_values(columns: list[ColumnSchema], backfill: dict[str, str]) -> dict[str, str]:
    """Column -> the Python literal its rows are filled with."""
    by_key = {key: c for c in columns for key in (c.field.name, c.name)}
    values: dict[str, str] = {}
    for key, raw in backfill.items():
        column = by_key.get(key)
        if column is None or not column.needs_backfill:
            raise UsageError(
                f"backfill {key}: only a required field without a default that this revision "
                "adds is backfilled"
            )
        values[column.name] = column.backfill_literal(raw)
    return values


def _backfill(table: str, column: ColumnSchema, literal: str, *, first: bool) -> str:
    """Fill COLUMN where it is NULL with LITERAL (a bound value of the column's type)."""
    # Annotated once: each backfill assigns values of another type to the same names.
    column_type, value_type = (": sa.ColumnClause[Any]", ": Any") if first else ("", "")
    column_clause = Call(f"column{column_type} = sa.column", (py_str(column.name), column.type))
    return (
        f"    # Fill {column.name} in the rows there are, then make it NOT NULL.\n"
        + column_clause.render(4)
        + f"\n    value{value_type} = {literal}\n"
        + f"    rows = sa.table({py_str(table)}, column)\n"
        + "    op.execute(rows.update().where(column.is_(None)).values({column: value}))\n"
    )


def _postgresql_finish(table: str, columns: list[ColumnSchema], filled: set[str]) -> str:
    """Validate the new constraints, then add unique constraints and NOT NULL.

    On PostgreSQL without long locks; on SQLite in one batch block.
    """
    not_null = [c.name for c in columns if c.name in filled]
    unique = [(c.name, c.unique_constraint) for c in columns if c.unique_constraint]
    checks = [c.check[0] for c in columns if c.check]
    keys = [c.foreign_key[0] for c in columns if c.foreign_key]
    validated = [*checks, *keys, *(f"nn_{table}_{name}" for name in not_null)]
    if not validated and not unique:
        return ""
    text = ON_POSTGRESQL + "    if on_postgresql:\n"
    for name in not_null:
        sql = f'ALTER TABLE {table} ADD CONSTRAINT nn_{table}_{name} CHECK ("{name}" IS NOT NULL)'
        text += execute(f"{sql} NOT VALID", 8)
    text += "        with op.get_context().autocommit_block():\n"
    text += "".join(execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {n}", 12) for n in validated)
    for column, constraint in unique:
        text += call_line(
            "op.create_index",
            f"op.f({py_str(constraint)})",
            py_str(table),
            f"[{py_str(column)}]",
            "unique=True",
            "postgresql_concurrently=True",
            "if_not_exists=True",
            indent=12,
        )
    for _, constraint in unique:
        sql = f"ALTER TABLE {table} ADD CONSTRAINT {constraint} UNIQUE USING INDEX {constraint}"
        text += execute(sql, 8)
    return text + batch(table, _finish_in_batch(table, unique, not_null))


def _finish_in_batch(table: str, unique: list[tuple[str, str]], not_null: list[str]) -> list[str]:
    lines: list[str] = []
    for column, constraint in unique:
        lines.append("        if not on_postgresql:\n")
        lines.append(
            call_line(
                "batch_op.create_unique_constraint",
                f"batch_op.f({py_str(constraint)})",
                f"[{py_str(column)}]",
                indent=12,
            )
        )
    if not_null:
        lines.append(
            "        # NOT NULL is proven by the validated CHECK: setting it scans nothing.\n"
            "        # backendkit-lint: ignore[adding-not-nullable-field, ban-drop-constraint]\n"
        )
    for column in not_null:
        lines.append(call_line("batch_op.alter_column", py_str(column), "nullable=False"))
        lines.append("        if on_postgresql:\n")
        check = f"batch_op.f({py_str(f'nn_{table}_{column}')})"
        lines.append(call_line("batch_op.drop_constraint", check, 'type_="check"', indent=12))
    return lines
