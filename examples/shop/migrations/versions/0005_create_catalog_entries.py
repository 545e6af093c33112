"""Create the catalog_entries table.

Revision ID: 0005_create_catalog_entries
Revises: 0004_create_wishlist_items
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_create_catalog_entries"
down_revision: str | None = "0004_create_wishlist_items"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every query behind us.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")
    op.create_table(
        "catalog_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("rank", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("views", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("cost", sa.Numeric(12, 3), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("external_id", sa.Uuid(), nullable=True),
        sa.Column("contact", sa.String(320), nullable=True),
        sa.Column("homepage", sa.String(2048), nullable=True),
        sa.Column(
            "attributes", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("status", sa.String(7), server_default=sa.text("'draft'"), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_entries")),
        sa.CheckConstraint(
            "status IN ('draft', 'live', 'retired')", name=op.f("ck_catalog_entries_status")
        ),
    )
    op.create_index(
        op.f("idx_catalog_entries_created_at_id"),
        "catalog_entries",
        ["created_at", "id"],
        unique=False,
    )
    op.create_index(op.f("idx_catalog_entries_title"), "catalog_entries", ["title"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("idx_catalog_entries_title"), table_name="catalog_entries")
    op.drop_index(op.f("idx_catalog_entries_created_at_id"), table_name="catalog_entries")
    op.drop_table("catalog_entries")
