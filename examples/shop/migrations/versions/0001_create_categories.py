"""Create the categories table.

Revision ID: 0001_create_categories
Revises: 0000_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_create_categories"
down_revision: str | None = "0000_initial"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every query behind us.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")
    op.create_table(
        "categories",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_categories_name")),
    )
    op.create_index(
        op.f("idx_categories_created_at_id"), "categories", ["created_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("idx_categories_created_at_id"), table_name="categories")
    op.drop_table("categories")
