"""The pieces revision text is made of: Alembic calls laid out as ruff formats them, batch
blocks, index and constraint operations (shared by the inferred revisions' renderers)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backendkit.context.codegen import LINE_LENGTH, Call, py_str
from backendkit.migrate.column_schema import ColumnSchema, Index
from backendkit.migrate.names import Inference


@dataclass
class RevisionText:
    """The bodies of upgrade() and downgrade(), and the imports they need."""

    upgrade: str = ""
    downgrade: str = ""
    imports: dict[str, bool] = field(default_factory=dict)


def column_schemas(inference: Inference) -> list[ColumnSchema]:
    """The typed columns INFERENCE names."""
    return [ColumnSchema(f, inference.table, inference.soft_delete) for f in inference.fields]


def batch(table: str, lines: list[str]) -> str:
    """LINES (each indented 8 and ending in a newline) in one batch block on TABLE."""
    if not lines:
        return ""
    return f"    with op.batch_alter_table({py_str(table)}) as batch_op:\n" + "".join(lines)


@dataclass(frozen=True)
class Breakable:
    """A string argument that may need breaking into pieces (ruff can break no string)."""

    value: str


def call_line(head: str, *args: str | Call | Breakable, indent: int = 8) -> str:
    """``HEAD(ARGS)`` laid out as ruff formats it, ending in a newline."""
    plain = tuple(py_str(a.value) if isinstance(a, Breakable) else a for a in args)
    text = Call(head, plain).render(indent)
    if all(len(line) <= LINE_LENGTH for line in text.splitlines()):
        return text + "\n"
    pad, inner = " " * indent, " " * (indent + 4)
    lines = [f"{pad}{head}("]
    for arg, rendered in zip(args, plain, strict=True):
        if isinstance(arg, Breakable) and len(inner) + len(py_str(arg.value)) + 1 > LINE_LENGTH:
            pieces = [py_str(p) for p in string_pieces(arg.value, LINE_LENGTH - len(inner) - 6)]
            if len(args) == 1:  # the pieces alone, one per line
                lines += [inner + p for p in pieces]
            else:  # the pieces in parentheses, one per line
                lines += [inner + "(", *(inner + "    " + p for p in pieces), inner + "),"]
        elif isinstance(rendered, Call):
            lines.append(rendered.render(indent + 4, ","))
        else:
            lines.append(f"{inner}{rendered},")
    return "\n".join([*lines, f"{pad})"]) + "\n"


def string_pieces(text: str, width: int) -> list[str]:
    """TEXT in pieces of at most about WIDTH characters, broken after spaces."""
    pieces: list[str] = []
    for word in re.split(r"(?<= )", text):
        if pieces and len(pieces[-1]) + len(word) <= width:
            pieces[-1] += word
        else:
            pieces.append(word)
    return pieces


def execute(sql: str, indent: int) -> str:
    return call_line("op.execute", Breakable(sql), indent=indent)


def constraints_added(column: ColumnSchema, *, not_valid: bool) -> list[str]:
    """The CHECK and foreign key of COLUMN, inside a batch block."""
    lines = []
    later = ("postgresql_not_valid=True",) if not_valid else ()
    if column.check:
        name, sql = column.check
        lines.append(
            call_line(
                "batch_op.create_check_constraint",
                f"batch_op.f({py_str(name)})",
                Breakable(sql),
                *later,
            )
        )
    if column.foreign_key:
        name, parent = column.foreign_key
        lines.append(
            call_line(
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


def constraints_dropped(column: ColumnSchema) -> list[str]:
    """COLUMN's constraints, dropped inside a batch block before the column goes."""
    named = [
        (column.unique_constraint, "unique"),
        (column.foreign_key[0] if column.foreign_key else None, "foreignkey"),
        (column.check[0] if column.check else None, "check"),
    ]
    return [
        call_line("batch_op.drop_constraint", f"batch_op.f({py_str(name)})", f'type_="{kind}"')
        for name, kind in named
        if name
    ]


def create_index(table: str, index: Index, *, concurrently: bool) -> str:
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
        return call_line("op.create_index", *args, indent=4)
    args += ["postgresql_concurrently=True", "if_not_exists=True"]
    # CONCURRENTLY cannot run in a transaction; the index build then blocks no writes.
    return "    with op.get_context().autocommit_block():\n" + call_line("op.create_index", *args)


def drop_index(table: str, name: str, *, concurrently: bool) -> str:
    args = [f"op.f({py_str(name)})", f"table_name={py_str(table)}"]
    if not concurrently:
        return call_line("op.drop_index", *args, indent=4)
    args += ["postgresql_concurrently=True", "if_exists=True"]
    return "    with op.get_context().autocommit_block():\n" + call_line("op.drop_index", *args)


def drop_columns(table: str, columns: list[ColumnSchema], *, concurrently: bool) -> str:
    """Drop COLUMNS, their indexes and constraints first."""
    text = "".join(
        drop_index(table, c.index.name, concurrently=concurrently)
        for c in reversed(columns)
        if c.index
    )
    dropped: list[str] = []
    for column in reversed(columns):
        dropped.extend(constraints_dropped(column))
        dropped.append(f"        batch_op.drop_column({py_str(column.name)})\n")
    return text + batch(table, dropped)
