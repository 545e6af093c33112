"""Alembic's environment: the application's metadata and settings, an async engine."""

from __future__ import annotations

import asyncio
import re
from logging.config import fileConfig
from typing import Any

import sqlalchemy as sa
from alembic import context
from alembic.autogenerate import comparators, renderers
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op
from alembic.operations import ops
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import conv

from app.core.config import get_settings
from app.core.database import create_engine
from app.core.discovery import import_models
from app.core.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

import_models()
target_metadata = Base.metadata


def database_url() -> str:
    """``-x url=...`` or ``sqlalchemy.url`` when given, else the service's DATABASE_URL."""
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    return url or get_settings().database_url


def _enum_checks(table: sa.Table) -> dict[str, list[str]]:
    """The CHECK constraint each non-native enum column needs: name -> allowed values."""
    return {
        f"ck_{table.name}_{column.name}": list(column.type.enums)
        for column in table.columns
        if isinstance(column.type, sa.Enum) and not column.type.native_enum
    }


def _check(
    table_name: str, schema: str | None, name: str, sqltext: str, *, not_valid: bool = False
) -> sa.CheckConstraint:
    column = name.removeprefix(f"ck_{table_name}_")
    # conv(): the name is final; the naming convention must not be applied to it again.
    constraint = sa.CheckConstraint(
        sa.text(sqltext), name=conv(name), postgresql_not_valid=not_valid
    )
    sa.Table(table_name, sa.MetaData(), sa.Column(column), constraint, schema=schema)
    return constraint


def _compare_enum_checks(
    autogen_context: AutogenContext,
    modify_table_ops: ops.ModifyTableOps,
    schema: str | None,
    table_name: str,
    conn_table: sa.Table | None,
    metadata_table: sa.Table | None,
) -> None:
    """Alembic compares no CHECK constraints; an enum's values live in one, so compare it."""
    if conn_table is None or metadata_table is None or autogen_context.inspector is None:
        return
    reflected = {
        check["name"]: check["sqltext"]
        for check in autogen_context.inspector.get_check_constraints(table_name, schema=schema)
        if check.get("name")
    }
    for name, values in sorted(_enum_checks(metadata_table).items()):
        old = reflected.get(name)
        if old is not None and set(re.findall(r"'((?:[^']|'')*)'", old)) == set(values):
            continue
        column = name.removeprefix(f"ck_{table_name}_")
        if old is not None:
            # Rewritten from its values: the downgrade recreates it on SQLite and PostgreSQL
            # alike (PostgreSQL reflects it as "(col)::text = ANY (ARRAY[...])").
            old_values = re.findall(r"'((?:[^']|'')*)'", old)
            old_check = _check(table_name, schema, name, _in_list(column, old_values))
            modify_table_ops.ops.append(ops.DropConstraintOp.from_constraint(old_check))
        # NOT VALID: existing rows are not scanned under a lock; new and updated rows are checked.
        new_check = _check(table_name, schema, name, _in_list(column, values), not_valid=True)
        modify_table_ops.ops.append(ops.CreateCheckConstraintOp.from_constraint(new_check))


def _in_list(column: str, values: list[str]) -> str:
    allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({allowed})"


class CheckOp(ops.CreateCheckConstraintOp):
    """A CHECK constraint whose SQL is written in short pieces: ruff can break no string."""


def _render_check(autogen_context: AutogenContext, op: CheckOp) -> str:
    plain = ops.CreateCheckConstraintOp(
        op.constraint_name, op.table_name, sa.text("CONDITION"), schema=op.schema, **op.kw
    )
    condition = _short_strings(str(getattr(op.condition, "text", op.condition)))
    rendered = render_op(autogen_context, plain)[0]
    return re.sub(r"([\'\"])CONDITION\1", lambda _: condition, rendered)


def _short_strings(text: str, width: int = 60) -> str:
    """TEXT as a Python string literal, in pieces of about WIDTH characters when longer."""
    pieces: list[str] = []
    for part in re.split(r"(?<=, )", text):
        if pieces and len(pieces[-1]) + len(part) <= width:
            pieces[-1] += part
        else:
            pieces.append(part)
    quoted = " ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in pieces)
    return f"({quoted})" if len(pieces) > 1 else quoted


def _short_checks(container: ops.OpContainer) -> None:
    for index, op in enumerate(container.ops):
        if isinstance(op, ops.OpContainer):
            _short_checks(op)
        elif type(op) is ops.CreateCheckConstraintOp:
            container.ops[index] = CheckOp(
                op.constraint_name, op.table_name, op.condition, schema=op.schema, **op.kw
            )


class ConcurrentIndexOp(ops.MigrateOperation):
    """An index made or dropped on a table in use: CONCURRENTLY, outside the transaction."""

    def __init__(self, index: ops.CreateIndexOp | ops.DropIndexOp) -> None:
        self.index = index

    def reverse(self) -> ops.MigrateOperation:
        return self.index.reverse()

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return self.index.to_diff_tuple()


def _render_concurrent_index(autogen_context: AutogenContext, op: ConcurrentIndexOp) -> list[str]:
    index = op.index
    concurrent: ops.MigrateOperation
    if isinstance(index, ops.CreateIndexOp):
        concurrent = ops.CreateIndexOp(
            index.index_name,
            index.table_name,
            index.columns,
            schema=index.schema,
            unique=index.unique,
            if_not_exists=True,
            postgresql_concurrently=True,
            **index.kw,
        )
    else:
        concurrent = ops.DropIndexOp(
            index.index_name,
            table_name=index.table_name,
            schema=index.schema,
            if_exists=True,
            postgresql_concurrently=True,
            **index.kw,
        )
    # A plain CREATE or DROP INDEX blocks every write to the table while it runs.
    return [
        "with op.get_context().autocommit_block():",
        *render_op(autogen_context, concurrent),
        "",
    ]


def _concurrent_indexes(upgrade_ops: ops.UpgradeOps) -> None:
    """Take index changes on tables in use out of their table's block, made concurrent.

    Drops go first (before the table's columns change), creations after.
    """
    kept = {
        op.table_name
        for op in upgrade_ops.ops
        if isinstance(op, ops.CreateTableOp | ops.DropTableOp)
    }
    index_ops = (ops.CreateIndexOp, ops.DropIndexOp)
    rewritten: list[ops.MigrateOperation] = []
    for op in upgrade_ops.ops:
        if isinstance(op, ops.ModifyTableOps) and op.table_name not in kept:
            moved = [o for o in op.ops if isinstance(o, index_ops)]
            op.ops = [o for o in op.ops if not isinstance(o, index_ops)]
            drops = [ConcurrentIndexOp(o) for o in moved if isinstance(o, ops.DropIndexOp)]
            creates = [ConcurrentIndexOp(o) for o in moved if isinstance(o, ops.CreateIndexOp)]
            rewritten.extend([*drops, *([op] if op.ops else []), *creates])
        elif isinstance(op, index_ops) and op.table_name not in kept:
            rewritten.append(ConcurrentIndexOp(op))
        else:
            rewritten.append(op)
    upgrade_ops.ops = rewritten


renderers.dispatch_for(ConcurrentIndexOp)(_render_concurrent_index)
renderers.dispatch_for(CheckOp)(_render_check)
# env.py runs once per Alembic command, and comparators add up: register this one only once.
if not getattr(comparators, "_enum_checks_registered", False):
    comparators.dispatch_for("table")(_compare_enum_checks)
    comparators._enum_checks_registered = True  # type: ignore[attr-defined]


def _plain_enum_types(container: ops.OpContainer) -> None:
    """A non-native enum column is a VARCHAR whose values live in its CHECK constraint.

    Altered as an ``sa.Enum`` it would create that constraint a second time; the comparator
    above already replaces it, so the column is altered as the VARCHAR it is.
    """
    for op in container.ops:
        if isinstance(op, ops.OpContainer):
            _plain_enum_types(op)
        elif isinstance(op, ops.AlterColumnOp):
            for attribute in ("modify_type", "existing_type"):
                value = getattr(op, attribute, None)
                if isinstance(value, sa.Enum) and not value.native_enum:
                    setattr(op, attribute, sa.String(value.length))
            if isinstance(op.kw.get("existing_type"), sa.Enum):
                op.kw["existing_type"] = sa.String(op.kw["existing_type"].length)


def _revision_directives(_: Any, __: Any, directives: list[Any]) -> None:
    """Drop an empty revision when asked (``skip_empty``); make new indexes concurrent."""
    script = directives[0]
    if config.attributes.get("skip_empty") and script.upgrade_ops.is_empty():
        directives[:] = []
        return
    _concurrent_indexes(script.upgrade_ops)
    for container in (script.upgrade_ops, script.downgrade_ops):
        _plain_enum_types(container)
        _short_checks(container)


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        # Type changes and server defaults count as differences, not only added/dropped columns.
        compare_type=True,
        compare_server_default=True,
        # SQLite alters a table by copying it, which batch mode does; on PostgreSQL the same
        # operations are plain ALTERs. So a revision written against either runs on both.
        render_as_batch=True,
        process_revision_directives=_revision_directives,
        **options,
    )


def run_offline() -> None:
    """Emit SQL instead of running it (``alembic upgrade head --sql``)."""
    url = database_url()
    _configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        # Alembic's own table holds 32 characters; descriptive revision ids need more.
        version_table = sa.Table(
            "alembic_version",
            sa.MetaData(),
            sa.Column("version_num", sa.String(255), nullable=False),
            sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
        )
        version_table.create(connection, checkfirst=True)
        context.run_migrations()


async def run_online() -> None:
    engine = create_engine(database_url(), pool_size=1)
    try:
        try:
            connection = await engine.connect()
        except (DBAPIError, OSError) as exc:
            # One line, not a traceback: the usual cause is a database not created yet.
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise SystemExit(
                f"cannot connect to the database: {reason} "
                "(create it, e.g. createdb <name>, or set DATABASE_URL)"
            ) from None
        try:
            await connection.run_sync(_run_sync)
        finally:
            await connection.close()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    asyncio.run(run_online())
