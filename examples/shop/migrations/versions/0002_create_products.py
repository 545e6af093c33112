"""Create the products table.

Revision ID: 0002_create_products
Revises: 0001_create_categories
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_create_products"
down_revision: str | None = "0001_create_categories"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every query behind us.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")
    op.create_table(
        "products",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
        sa.Column("in_stock", sa.Boolean(), server_default=sa.true(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("sku", name=op.f("uq_products_sku")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_products_category_id_categories"),
            ondelete="RESTRICT",
        ),
    )
    op.create_index(
        op.f("idx_products_created_at_id"), "products", ["created_at", "id"], unique=False
    )
    op.create_index(op.f("idx_products_category_id"), "products", ["category_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("idx_products_category_id"), table_name="products")
    op.drop_index(op.f("idx_products_created_at_id"), table_name="products")
    op.drop_table("products")
