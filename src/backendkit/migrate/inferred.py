"""The text of a revision whose operations come from its name (add_x_to_table and friends).

Every column or constraint change goes through ``op.batch_alter_table``: SQLite (the default
database) alters a table by copying it, which batch mode does, and on PostgreSQL the same block
is plain ALTERs. On PostgreSQL nothing blocks writes for long: indexes are built concurrently,
constraints are added NOT VALID and validated outside the transaction, a unique constraint is
made from a concurrently built index, and NOT NULL is proven by a validated CHECK first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backendkit.context.codegen import LINE_LENGTH, Call, py_str, python_imports
from backendkit.errors import UsageError
from backendkit.migrate.column_schema import ColumnSchema, Index, backfill_imports
from backendkit.migrate.names import Inference

# Every revision backendkit writes starts this way on PostgreSQL (the linter checks for it).
TIMEOUTS = """\
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every query behind us.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")
"""
ON_POSTGRESQL = '    on_postgresql = op.get_context().dialect.name == "postgresql"\n'
IGNORE_DROP = "  # backendkit-lint: ignore[ban-drop-column]"


@dataclass
class _Text:
    """The bodies of upgrade() and downgrade(), and the imports they need."""

    upgrade: str = ""
    downgrade: str = ""
    imports: dict[str, bool] = field(default_factory=dict)


def render_inferred(
    inference: Inference,
    *,
    revision: str,
    down_revision: str | None,
    backfill: dict[str, str] | None = None,
) -> str:
    """A complete revision module for INFERENCE.

    BACKFILL maps a required field without a server default (by name or column) to the value
    its existing rows get: the column is added nullable, filled, then made NOT NULL, so the
    table ends exactly as the model declares it. Without one, such a column stays nullable.
    """
    if inference.kind == "add_column":
        text = _add_column(inference, backfill or {})
    elif backfill:
        raise UsageError(f"a backfill applies only to added columns, not to {inference.kind}")
    elif inference.kind == "remove_column":
        text = _remove_column(inference)
    else:
        text = _add_index(inference)
    code = text.upgrade + text.downgrade
    imports = python_imports(
        {
            "from __future__ import annotations": True,
            **text.imports,
            "import sqlalchemy as sa": "sa." in code,
            "from alembic import op": True,
            "from sqlalchemy.dialects import postgresql": "postgresql." in code,
        }
    )
    down = py_str(down_revision) if down_revision else "None"
    return (
        f'"""{revision.split("_", 1)[-1]}\n\nRevision ID: {revision}\n'
        f'Revises: {down_revision or ""}\n"""\n\n'
        f"{imports}\n\n"
        f"revision = {py_str(revision)}\n"
        f"down_revision: str | None = {down}\n"
        "branch_labels: str | None = None\n"
        "depends_on: str | None = None\n\n\n"
        f"def upgrade() -> None:\n{TIMEOUTS}{text.upgrade}\n\n"
        f"def downgrade() -> None:\n{text.downgrade}"
    )


def _schemas(inference: Inference) -> list[ColumnSchema]:
    return [ColumnSchema(f, inference.table, inference.soft_delete) for f in inference.fields]


def _batch(table: str, lines: list[str]) -> str:
    """LINES (each indented 8 and ending in a newline) in one batch block on TABLE."""
    if not lines:
        return ""
    return f"    with op.batch_alter_table({py_str(table)}) as batch_op:\n" + "".join(lines)


@dataclass(frozen=True)
class _Str:
    """A string argument that may need breaking into pieces (ruff can break no string)."""

    value: str


def _line(head: str, *args: str | Call | _Str, indent: int = 8) -> str:
    """``HEAD(ARGS)`` laid out as ruff formats it, ending in a newline."""
    plain = tuple(py_str(a.value) if isinstance(a, _Str) else a for a in args)
    text = Call(head, plain).render(indent)
    if all(len(line) <= LINE_LENGTH for line in text.splitlines()):
        return text + "\n"
    pad, inner = " " * indent, " " * (indent + 4)
    lines = [f"{pad}{head}("]
    for arg, rendered in zip(args, plain, strict=True):
        if isinstance(arg, _Str) and len(inner) + len(py_str(arg.value)) + 1 > LINE_LENGTH:
            pieces = [py_str(p) for p in _pieces(arg.value, LINE_LENGTH - len(inner) - 6)]
            if len(args) == 1:  # the pieces alone, one per line
                lines += [inner + p for p in pieces]
            else:  # the pieces in parentheses, one per line
                lines += [inner + "(", *(inner + "    " + p for p in pieces), inner + "),"]
        elif isinstance(rendered, Call):
            lines.append(rendered.render(indent + 4, ","))
        else:
            lines.append(f"{inner}{rendered},")
    return "\n".join([*lines, f"{pad})"]) + "\n"


def _pieces(text: str, width: int) -> list[str]:
    """TEXT in pieces of at most about WIDTH characters, broken after spaces."""
    pieces: list[str] = []
    for word in re.split(r"(?<= )", text):
        if pieces and len(pieces[-1]) + len(word) <= width:
            pieces[-1] += word
        else:
            pieces.append(word)
    return pieces


def _constraints_added(column: ColumnSchema, *, not_valid: bool) -> list[str]:
    """The CHECK and foreign key of COLUMN, inside a batch block."""
    lines = []
    later = ("postgresql_not_valid=True",) if not_valid else ()
    if column.check:
        name, sql = column.check
        lines.append(
            _line(
                "batch_op.create_check_constraint",
                f"batch_op.f({py_str(name)})",
                _Str(sql),
                *later,
            )
        )
    if column.foreign_key:
        name, parent = column.foreign_key
        lines.append(
            _line(
                "batch_op.create_foreign_key",
                f"batch_op.f({py_str(name)})",
                py_str(parent),
                f"[{py_str(column.name)}]",
                '["id"]',
                f'ondelete="{column.on_delete}"',
                *later,
            )
        )
    return lines


def _constraints_dropped(column: ColumnSchema) -> list[str]:
    """COLUMN's constraints, dropped inside a batch block before the column goes."""
    named = [
        (column.unique_constraint, "unique"),
        (column.foreign_key[0] if column.foreign_key else None, "foreignkey"),
        (column.check[0] if column.check else None, "check"),
    ]
    return [
        _line("batch_op.drop_constraint", f"batch_op.f({py_str(name)})", f'type_="{kind}"')
        for name, kind in named
        if name
    ]


def _create_index(table: str, index: Index, *, concurrently: bool) -> str:
    args = [
        f"op.f({py_str(index.name)})",
        py_str(table),
        f"[{py_str(index.column)}]",
        f"unique={index.unique}",
    ]
    if index.live_rows_only:
        args += [
            'sqlite_where=sa.text("deleted_at IS NULL")',
            'postgresql_where=sa.text("deleted_at IS NULL")',
        ]
    if not concurrently:
        return _line("op.create_index", *args, indent=4)
    args += ["postgresql_concurrently=True", "if_not_exists=True"]
    # CONCURRENTLY cannot run in a transaction; the index build then blocks no writes.
    return "    with op.get_context().autocommit_block():\n" + _line("op.create_index", *args)


def _drop_index(table: str, name: str, *, concurrently: bool) -> str:
    args = [f"op.f({py_str(name)})", f"table_name={py_str(table)}"]
    if not concurrently:
        return _line("op.drop_index", *args, indent=4)
    args += ["postgresql_concurrently=True", "if_exists=True"]
    return "    with op.get_context().autocommit_block():\n" + _line("op.drop_index", *args)


def _add_column(inference: Inference, backfill: dict[str, str]) -> _Text:
    table, columns = inference.table, _schemas(inference)
    values = _backfill_values(columns, backfill)
    text = _Text()
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
        added.append(_line("batch_op.add_column", column.column(nullable=nullable)))
        added.extend(_constraints_added(column, not_valid=True))
    text.upgrade += _batch(table, added)
    filled = [c for c in columns if c.name in values]
    text.upgrade += "".join(
        _backfill(table, c, values[c.name], first=i == 0) for i, c in enumerate(filled)
    )
    text.imports["from typing import Any"] = bool(filled)
    text.upgrade += _postgresql_finish(table, columns, set(values))
    text.upgrade += "".join(
        _create_index(table, c.index, concurrently=True) for c in columns if c.index
    )
    text.downgrade = _drop_columns(table, columns, concurrently=False)
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
        text += _execute(f"{sql} NOT VALID", 8)
    text += "        with op.get_context().autocommit_block():\n"
    text += "".join(_execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {n}", 12) for n in validated)
    for column, constraint in unique:
        text += _line(
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
        text += _execute(sql, 8)
    return text + _batch(table, _finish_in_batch(table, unique, not_null))


def _finish_in_batch(table: str, unique: list[tuple[str, str]], not_null: list[str]) -> list[str]:
    lines: list[str] = []
    for column, constraint in unique:
        lines.append("        if not on_postgresql:\n")
        lines.append(
            _line(
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
        lines.append(_line("batch_op.alter_column", py_str(column), "nullable=False"))
        lines.append("        if on_postgresql:\n")
        check = f"batch_op.f({py_str(f'nn_{table}_{column}')})"
        lines.append(_line("batch_op.drop_constraint", check, 'type_="check"', indent=12))
    return lines


def _execute(sql: str, indent: int) -> str:
    return _line("op.execute", _Str(sql), indent=indent)


def _drop_columns(table: str, columns: list[ColumnSchema], *, concurrently: bool) -> str:
    """Drop COLUMNS, their indexes and constraints first."""
    text = "".join(
        _drop_index(table, c.index.name, concurrently=concurrently)
        for c in reversed(columns)
        if c.index
    )
    dropped: list[str] = []
    for column in reversed(columns):
        dropped.extend(_constraints_dropped(column))
        dropped.append(f"        batch_op.drop_column({py_str(column.name)})\n")
    return text + _batch(table, dropped)


def _remove_column(inference: Inference) -> _Text:
    table = inference.table
    typed = {key: c for c in _schemas(inference) for key in (c.field.name, c.name)}
    columns: list[ColumnSchema | str] = [typed.get(name, name) for name in inference.columns]
    known = [c for c in columns if isinstance(c, ColumnSchema)]
    text = _Text()
    text.upgrade = "".join(
        _drop_index(table, c.index.name, concurrently=True) for c in known if c.index
    )
    what = "these columns" if len(columns) > 1 else _name(columns[0])
    dropped = [f"        # Deploy code that no longer reads {what} before this runs.\n"]
    if known:
        dropped.append("        # backendkit-lint: ignore[ban-drop-constraint]\n")
    for column in columns:
        if isinstance(column, ColumnSchema):
            dropped.extend(_constraints_dropped(column))
        dropped.append(f"        batch_op.drop_column({py_str(_name(column))}){IGNORE_DROP}\n")
    text.upgrade += _batch(table, dropped)
    restored: list[str] = []
    for column in columns:
        if isinstance(column, ColumnSchema):
            # The rows' values are gone: NOT NULL only where a server default fills them.
            nullable = column.field.optional or not column.has_server_default
            restored.append(_line("batch_op.add_column", column.column(nullable=nullable)))
            restored.extend(_constraints_added(column, not_valid=False))
            if column.unique_constraint:
                restored.append(
                    _line(
                        "batch_op.create_unique_constraint",
                        f"batch_op.f({py_str(column.unique_constraint)})",
                        f"[{py_str(column.name)}]",
                    )
                )
        else:
            untyped = Call("sa.Column", (py_str(column), "sa.Text()", "nullable=True"))
            restored.append(_line("batch_op.add_column", untyped))
    text.downgrade = _batch(table, restored) + "".join(
        _create_index(table, c.index, concurrently=False) for c in known if c.index
    )
    return text


def _name(column: ColumnSchema | str) -> str:
    return column.name if isinstance(column, ColumnSchema) else column


def _add_index(inference: Inference) -> _Text:
    table = inference.table
    indexes = [Index(f"idx_{table}_{c}", c, unique=False) for c in inference.columns]
    return _Text(
        upgrade="".join(_create_index(table, i, concurrently=True) for i in indexes),
        downgrade="".join(
            _drop_index(table, i.name, concurrently=False) for i in reversed(indexes)
        ),
    )
