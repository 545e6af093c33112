"""What clients send and receive for categories: camelCase JSON, validated."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import ConfigDict, Field

from app.core.pagination import ListQuery, sort_field
from app.core.schemas import CamelModel, Envelope, ListEnvelope, patch_field
from app.core.types import PlainStr

# The columns a list may be sorted by: the schema states them, the repository enforces them.
SORTABLE = ("created_at", "name", "updated_at")


class CategoryCreate(CamelModel):
    """A new category: the body of create (POST) and replace (PUT)."""

    model_config = ConfigDict(extra="forbid")

    name: PlainStr = Field(min_length=1, max_length=80)
    description: PlainStr | None = Field(default=None, max_length=65535)


class CategoryUpdate(CamelModel):
    """A partial update (PATCH): only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    name: PlainStr = patch_field(min_length=1, max_length=80)
    description: PlainStr | None = Field(default=None, max_length=65535)


class CategoryRead(CamelModel):
    """A category as the API returns it."""

    id: uuid.UUID
    name: str
    description: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


# The response bodies, named once: a subscripted generic model looks its class up again on
# every use, which cost a GET by id 2 % of its instructions.
CategoryEnvelope = Envelope[CategoryRead]
CategoryListEnvelope = ListEnvelope[CategoryRead]


class CategoryListQuery(ListQuery):
    """The list's query: paging, sorting, and equality filters on declared fields."""

    sort: str | None = sort_field(SORTABLE)
    name: PlainStr | None = None
