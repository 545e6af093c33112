"""Create the users table.

Revision ID: 0001_create_users
Revises: 0000_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_create_users"
down_revision: str | None = "0000_initial"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every query behind us.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(5), server_default=sa.text("'user'"), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.CheckConstraint("role IN ('user', 'admin')", name=op.f("ck_users_role")),
    )
    op.create_index(op.f("idx_users_created_at"), "users", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("idx_users_created_at"), table_name="users")
    op.drop_table("users")
