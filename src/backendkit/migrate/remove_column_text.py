"""A removed column's revision text: its index dropped concurrently, its constraints and then
the column dropped; the downgrade restores the column (its values are gone)."""

from __future__ import annotations

from backendkit.context.codegen import Call, py_str
from backendkit.migrate.column_schema import ColumnSchema
from backendkit.migrate.names import Inference
from backendkit.migrate.op_text import (
    RevisionText,
    batch,
    call_line,
    column_schemas,
    constraints_added,
    constraints_dropped,
    create_index,
    drop_index,
)

IGNORE_DROP = "  # backendkit-lint: ignore[ban-drop-column]"


def remove_column_text(inference: Inference) -> RevisionText:
    """The upgrade and downgrade that drop INFERENCE's columns."""
    table = inference.table
    typed = {key: c for c in column_schemas(inference) for key in (c.field.name, c.name)}
    columns: list[ColumnSchema | str] = [typed.get(name, name) for name in inference.columns]
    known = [c for c in columns if isinstance(c, ColumnSchema)]
    text = RevisionText()
    text.upgrade = "".join(
        drop_index(table, c.index.name, concurrently=True) for c in known if c.index
    )
    what = "these columns" if len(columns) > 1 else _name(columns[0])
    dropped = [f"        # Deploy code that no longer reads {what} before this runs.\n"]
    if known:
        dropped.append("        # backendkit-lint: ignore[ban-drop-constraint]\n")
    for column in columns:
        if isinstance(column, ColumnSchema):
            dropped.extend(constraints_dropped(column))
        dropped.append(f"        batch_op.drop_column({py_str(_name(column))}){IGNORE_DROP}\n")
    text.upgrade += batch(table, dropped)
    restored: list[str] = []
    for column in columns:
        if isinstance(column, ColumnSchema):
            # The rows' values are gone: NOT NULL only where a server default fills them.
            nullable = column.field.optional or not column.has_server_default
            restored.append(call_line("batch_op.add_column", column.column(nullable=nullable)))
            restored.extend(constraints_added(column, not_valid=False))
            if column.unique_constraint:
                restored.append(
                    call_line(
                        "batch_op.create_unique_constraint",
                        f"batch_op.f({py_str(column.unique_constraint)})",
                        f"[{py_str(column.name)}]",
                    )
                )
        else:
            untyped = Call("sa.Column", (py_str(column), "sa.Text()", "nullable=True"))
            restored.append(call_line("batch_op.add_column", untyped))
    text.downgrade = batch(table, restored) + "".join(
        create_index(table, c.index, concurrently=False) for c in known if c.index
    )
    return text


def _name(column: ColumnSchema | str) -> str:
    return column.name if isinstance(column, ColumnSchema) else column
