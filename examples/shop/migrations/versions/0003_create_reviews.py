"""Create the reviews table.

Revision ID: 0003_create_reviews
Revises: 0002_create_products
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_create_reviews"
down_revision: str | None = "0002_create_products"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every query behind us.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")
    op.create_table(
        "reviews",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
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
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_reviews_product_id_products"),
            ondelete="RESTRICT",
        ),
    )
    op.create_index(
        op.f("idx_reviews_created_at_id"), "reviews", ["created_at", "id"], unique=False
    )
    op.create_index(op.f("idx_reviews_product_id"), "reviews", ["product_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("idx_reviews_product_id"), table_name="reviews")
    op.drop_index(op.f("idx_reviews_created_at_id"), table_name="reviews")
    op.drop_table("reviews")
