"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

from __future__ import annotations

% if "sa." in (upgrades or "") + (downgrades or ""):
import sqlalchemy as sa
% endif
from alembic import op
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision: str | None = ${repr(down_revision)}
branch_labels: str | None = ${repr(branch_labels)}
depends_on: str | None = ${repr(depends_on)}


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every query behind us.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")
    ${upgrades if upgrades else ""}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
