"""What clients send and receive to sign up, sign in and manage their own account.

Every request schema forbids unknown keys (``extra="forbid"``): a client that sends ``role``,
``id`` or ``passwordHash`` gets a 400 naming the field rather than a silent partial success.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import ConfigDict, EmailStr, Field

from app.auth.models import UserRole
from app.core.passwords import MAX_PASSWORD_LENGTH, NewPassword
from app.core.schemas import CamelModel, patch_field
from app.core.types import PlainStr

__all__ = [
    "AccountRead",
    "AccountUpdate",
    "LoginRequest",
    "NewPassword",
    "RefreshRequest",
    "RegisterRequest",
    "TokenPair",
]

# A login checks any password up to the maximum: a rule tightened later never locks anyone out.
GivenPassword = Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


class RegisterRequest(CamelModel):
    """A new account; it always gets the ``user`` role."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    password: NewPassword
    name: PlainStr = Field(min_length=1, max_length=100)


class LoginRequest(CamelModel):
    """Credentials to exchange for tokens."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    password: GivenPassword


class RefreshRequest(CamelModel):
    """A refresh token: to rotate (refresh) or to revoke (logout)."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=200)


class TokenPair(CamelModel):
    """A short-lived access token and the refresh token that renews it."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")


class AccountRead(CamelModel):
    """An account as its owner sees it (never the password hash)."""

    id: uuid.UUID
    email: str
    name: str
    role: UserRole
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class AccountUpdate(CamelModel):
    """Changes to one's own account; the role and active flag are an admin's to change."""

    # The schema states the rule the service enforces: no new password without the current.
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"dependentRequired": {"password": ["currentPassword"]}}
    )

    name: PlainStr = patch_field(min_length=1, max_length=100)
    password: NewPassword = patch_field()
    current_password: GivenPassword | None = Field(
        default=None, description="Required to change the password"
    )
