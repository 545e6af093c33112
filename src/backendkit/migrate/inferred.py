"""The text of a revision whose operations come from its name (add_x_to_table and friends)."""

from __future__ import annotations

from backendkit.context.codegen import Call, py_str
from backendkit.context.field_view import FieldView
from backendkit.fields import FieldSpec
from backendkit.migrate.names import Inference
from backendkit.naming import ResourceNames

# Every revision backendkit writes starts this way on PostgreSQL (the linter checks for it).
TIMEOUTS = """\
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every query behind us.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")
"""
IGNORE_DROP = "  # backendkit-lint: ignore[ban-drop-column]"


def render_inferred(inference: Inference, *, revision: str, down_revision: str | None) -> str:
    """A complete revision module for INFERENCE."""
    upgrade, downgrade = _OPERATIONS[inference.kind](inference)
    uses_postgresql = "postgresql." in upgrade + downgrade
    imports = "import sqlalchemy as sa\nfrom alembic import op\n"
    if uses_postgresql:
        imports += "from sqlalchemy.dialects import postgresql\n"
    down = py_str(down_revision) if down_revision else "None"
    return (
        f'"""{revision.split("_", 1)[-1]}\n\nRevision ID: {revision}\n'
        f'Revises: {down_revision or ""}\n"""\n\n'
        f"from __future__ import annotations\n\n{imports}\n"
        f"revision = {py_str(revision)}\n"
        f"down_revision: str | None = {down}\n"
        "branch_labels: str | None = None\n"
        "depends_on: str | None = None\n\n\n"
        f"def upgrade() -> None:\n{TIMEOUTS}{upgrade}\n\n"
        f"def downgrade() -> None:\n{downgrade}"
    )


def _view(field: FieldSpec, table: str) -> FieldView:
    return FieldView(field, ResourceNames(table))


def _column(field: FieldSpec, table: str, *, nullable: bool) -> Call:
    view = _view(field, table)
    args: list[str | Call] = [py_str(view.name), view.migration_type]
    args.extend(view._server_default_arg())
    args.append(f"nullable={nullable}")
    return Call("sa.Column", tuple(args))


def _index_name(table: str, column: str) -> str:
    return f"op.f({py_str(f'idx_{table}_{column}')})"


def _create_index(table: str, column: str, *, unique: bool) -> str:
    call = Call(
        "op.create_index",
        (
            _index_name(table, column),
            py_str(table),
            f"[{py_str(column)}]",
            f"unique={unique}",
            "postgresql_concurrently=True",
            "if_not_exists=True",
        ),
    )
    # CONCURRENTLY cannot run in a transaction; the index build then blocks no writes.
    return "    with op.get_context().autocommit_block():\n" + call.render(8) + "\n"


def _drop_index(table: str, column: str) -> str:
    call = Call("op.drop_index", (_index_name(table, column), f"table_name={py_str(table)}"))
    return call.render(4) + "\n"


def _add_column(inference: Inference) -> tuple[str, str]:
    table = inference.table
    upgrade, downgrade = "", ""
    for field in inference.fields:
        view = _view(field, table)
        required_without_default = not field.optional and view.server_default is None
        if required_without_default:
            upgrade += (
                "    # Added nullable: a NOT NULL column without a default fails on a live\n"
                f"    # table. Backfill {view.name}, then make it NOT NULL in a later revision.\n"
            )
        column = _column(field, table, nullable=field.optional or required_without_default)
        upgrade += Call("op.add_column", (py_str(table), column)).render(4) + "\n"
        downgrade = f"    op.drop_column({py_str(table)}, {py_str(view.name)})\n" + downgrade
        if field.index or field.unique:
            upgrade += _create_index(table, view.name, unique=field.unique)
            downgrade = _drop_index(table, view.name) + downgrade
    return upgrade, downgrade


def _remove_column(inference: Inference) -> tuple[str, str]:
    table = inference.table
    typed = {f.column: f for f in inference.fields}
    upgrade, downgrade = "", ""
    for column in inference.columns:
        upgrade += (
            f"    # Deploy code that no longer reads {column} before this runs.\n"
            f"    op.drop_column({py_str(table)}, {py_str(column)}){IGNORE_DROP}\n"
        )
        field = typed.get(column)
        restored: str | Call = (
            _column(field, table, nullable=True)
            if field
            else Call("sa.Column", (py_str(column), "sa.Text()", "nullable=True"))
        )
        downgrade += Call("op.add_column", (py_str(table), restored)).render(4) + "\n"
    return upgrade, downgrade


def _add_index(inference: Inference) -> tuple[str, str]:
    table = inference.table
    upgrade = "".join(_create_index(table, c, unique=False) for c in inference.columns)
    downgrade = "".join(_drop_index(table, c) for c in reversed(inference.columns))
    return upgrade, downgrade


_OPERATIONS = {"add_column": _add_column, "remove_column": _remove_column, "add_index": _add_index}
