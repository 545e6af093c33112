"""Alembic's environment: the application's metadata and settings, an async engine."""

from __future__ import annotations

import asyncio
from logging.config import fileConfig
from typing import Any

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection

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


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite alters tables by copying them; batch mode does that for every operation.
        render_as_batch=database_url().startswith("sqlite"),
        **options,
    )


def run_offline() -> None:
    """Emit SQL instead of running it (``alembic upgrade head --sql``)."""
    _configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
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
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    asyncio.run(run_online())
