"""What clients send and receive for users: camelCase JSON, validated."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import ConfigDict, EmailStr, Field, StrictBool

from app.core.pagination import ListQuery, sort_field
from app.core.passwords import NewPassword
from app.core.schemas import CamelModel, Envelope, ListEnvelope, patch_field
from app.core.types import PlainStr
from app.user.models import UserRole

# The columns a list may be sorted by: the schema states them, the repository enforces them.
SORTABLE = ("created_at", "email", "name", "role", "updated_at")


class UserCreate(CamelModel):
    """A new user: the body of create (POST) and replace (PUT)."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    name: PlainStr = Field(min_length=1, max_length=100)
    role: UserRole = UserRole.USER
    is_active: StrictBool = True
    # Write-only: stored as an argon2id hash, never returned.
    password: NewPassword


class UserUpdate(CamelModel):
    """A partial update (PATCH): only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr = patch_field(max_length=320)
    name: PlainStr = patch_field(min_length=1, max_length=100)
    role: UserRole = patch_field()
    is_active: StrictBool = patch_field()
    password: NewPassword = patch_field()


class UserRead(CamelModel):
    """A user as the API returns it."""

    id: uuid.UUID
    email: str
    name: str
    role: UserRole
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


# The response bodies, named once: a subscripted generic model looks its class up again on
# every use, which cost a GET by id 2 % of its instructions.
UserEnvelope = Envelope[UserRead]
UserListEnvelope = ListEnvelope[UserRead]


class UserListQuery(ListQuery):
    """The list's query: paging, sorting, and equality filters on declared fields."""

    sort: str | None = sort_field(SORTABLE)
    email: PlainStr | None = None
    name: PlainStr | None = None
    role: UserRole | None = None
    is_active: bool | None = None
