"""The empty schema every resource's migration builds on.

Revision ID: 0000_initial
Revises:
"""

from __future__ import annotations

revision = "0000_initial"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
