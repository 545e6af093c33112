"""``backendkit migrate create_event_tables``: the events' tables (outbox, inbox, dead letters)
for a database that applied the initial migration before the service had a message broker.

``update --set broker=...`` gives the initial migration the tables, which a database made
afterwards gets from it; a database that had already applied it needs a revision of its own.
This revision creates them when they are absent and does nothing where the initial migration
made them, so both kinds of database reach the same head.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from backendkit.context.codegen import py_str
from backendkit.errors import UsageError
from backendkit.migrate.inferred import TIMEOUTS

NAME = "create_event_tables"
MACROS = "shared/event_migrations.jinja"


def render_event_tables(template_root: Path, *, revision: str, down_revision: str | None) -> str:
    """The revision module, with the template's own table definitions."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_root), keep_trailing_newline=True
    )
    macros = environment.get_template(MACROS).module
    create = str(macros.create_event_tables()).strip("\n")  # type: ignore[attr-defined]
    down = py_str(down_revision) if down_revision else "None"
    return (
        f'"""{NAME}: the events\' tables, where the initial migration did not make them.\n\n'
        f'Revision ID: {revision}\nRevises: {down_revision or ""}\n"""\n\n'
        "from __future__ import annotations\n\n"
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n"
        f"revision = {py_str(revision)}\n"
        f"down_revision: str | None = {down}\n"
        "branch_labels: str | None = None\n"
        "depends_on: str | None = None\n\n\n"
        f"def upgrade() -> None:\n{TIMEOUTS}"
        "    # A database made after the broker was added has them from the initial migration\n"
        "    # (offline, --sql, there is no database to ask: the tables are written out).\n"
        "    offline = op.get_context().as_sql\n"
        '    if not offline and sa.inspect(op.get_bind()).has_table("outbox_events"):\n'
        "        return\n"
        f"{create}\n\n\n"
        "def downgrade() -> None:\n"
        "    # Kept: where the initial migration made them, they are its to drop.\n"
        "    pass\n"
    )


def write_event_tables(
    root: Path, versions: Path, template_root: Path, *, revision: str, head: str | None
) -> Path:
    """Write the revision into VERSIONS; refused when the project has no broker."""
    if not (root / "app/events/models.py").is_file():
        raise UsageError(
            f"{NAME}: this project has no message broker (backendkit update --set broker=...)"
        )
    target = versions / f"{revision}.py"
    text = render_event_tables(template_root, revision=revision, down_revision=head)
    try:
        with target.open("x") as handle:  # never overwrite
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"refusing to overwrite {target}") from None
    return target
