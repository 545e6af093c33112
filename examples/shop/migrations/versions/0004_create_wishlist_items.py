"""Create the wishlist_items table.

Revision ID: 0004_create_wishlist_items
Revises: 0003_create_reviews
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_create_wishlist_items"
down_revision: str | None = "0003_create_reviews"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every query behind us.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")
    op.create_table(
        "wishlist_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wishlist_items")),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_wishlist_items_owner_id_users"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        op.f("idx_wishlist_items_created_at_id"),
        "wishlist_items",
        ["created_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("idx_wishlist_items_owner_id"), "wishlist_items", ["owner_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("idx_wishlist_items_owner_id"), table_name="wishlist_items")
    op.drop_index(op.f("idx_wishlist_items_created_at_id"), table_name="wishlist_items")
    op.drop_table("wishlist_items")
