"""The text of a revision whose operations come from its name (add_x_to_table and friends).

Every column or constraint change goes through ``op.batch_alter_table``: SQLite (the default
database) alters a table by copying it, which batch mode does, and on PostgreSQL the same block
is plain ALTERs. On PostgreSQL nothing blocks writes for long: indexes are built concurrently,
constraints are added NOT VALID and validated outside the transaction, a unique constraint is
made from a concurrently built index, and NOT NULL is proven by a validated CHECK first.
"""

from __future__ import annotations

from backendkit.context.codegen import py_str, python_imports
from backendkit.errors import UsageError
from backendkit.migrate.add_column_text import add_column_text
from backendkit.migrate.column_schema import Index
from backendkit.migrate.names import Inference
from backendkit.migrate.op_text import RevisionText, create_index, drop_index
from backendkit.migrate.remove_column_text import remove_column_text

# Every revision backendkit writes starts this way on PostgreSQL (the linter checks for it).
TIMEOUTS = """\
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every query behind us.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")
"""


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
        text = add_column_text(inference, backfill or {})
    elif backfill:
        raise UsageError(f"a backfill applies only to added columns, not to {inference.kind}")
    elif inference.kind == "remove_column":
        text = remove_column_text(inference)
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


def _add_index(inference: Inference) -> RevisionText:
    table = inference.table
    indexes = [Index(f"idx_{table}_{c}", c, unique=False) for c in inference.columns]
    return RevisionText(
        upgrade="".join(create_index(table, i, concurrently=True) for i in indexes),
        downgrade="".join(drop_index(table, i.name, concurrently=False) for i in reversed(indexes)),
    )
