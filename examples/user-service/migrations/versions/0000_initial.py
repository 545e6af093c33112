"""The empty schema every resource's migration builds on.

Revision ID: 0000_initial
Revises:
"""

from __future__ import annotations

from alembic import op

revision = "0000_initial"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every query behind us.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")


def downgrade() -> None:
    pass
