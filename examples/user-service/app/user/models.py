"""The users table."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Entity
from app.core.types import enum_values


class UserRole(enum.StrEnum):
    """Values of ``User.role``."""

    USER = "user"
    ADMIN = "admin"


class User(Entity):
    """A user."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[UserRole] = mapped_column(
        sa.Enum(
            UserRole,
            native_enum=False,
            create_constraint=True,
            length=5,
            values_callable=enum_values,
            name="role",
        ),
        default=UserRole.USER,
        server_default=sa.text("'user'"),
    )
    is_active: Mapped[bool] = mapped_column(sa.Boolean(), default=True, server_default=sa.true())
    # The account's password: argon2id, with its parameters and salt (never returned).
    password_hash: Mapped[str] = mapped_column(sa.String(255))
