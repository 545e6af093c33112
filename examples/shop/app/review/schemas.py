"""What clients send and receive for reviews: camelCase JSON, validated."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import ConfigDict, Field

from app.core.pagination import ListQuery, sort_field
from app.core.schemas import CamelModel, Envelope, ListEnvelope, patch_field
from app.core.types import Int32, PlainStr, QueryInt32

# The columns a list may be sorted by: the schema states them, the repository enforces them.
SORTABLE = ("created_at", "product_id", "rating", "updated_at")


class ReviewCreate(CamelModel):
    """A new review: the body of create (POST) and replace (PUT)."""

    model_config = ConfigDict(extra="forbid")

    product_id: uuid.UUID
    rating: Int32
    body: PlainStr | None = Field(default=None, max_length=65535)


class ReviewCreateInProduct(CamelModel):
    """The body of a create under one product: the path names the parent."""

    model_config = ConfigDict(extra="forbid")

    rating: Int32
    body: PlainStr | None = Field(default=None, max_length=65535)


class ReviewUpdate(CamelModel):
    """A partial update (PATCH): only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    product_id: uuid.UUID = patch_field()
    rating: Int32 = patch_field()
    body: PlainStr | None = Field(default=None, max_length=65535)


class ReviewRead(CamelModel):
    """A review as the API returns it."""

    id: uuid.UUID
    product_id: uuid.UUID
    rating: int
    body: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


# The response bodies, named once: a subscripted generic model looks its class up again on
# every use, which cost a GET by id 2 % of its instructions.
ReviewEnvelope = Envelope[ReviewRead]
ReviewListEnvelope = ListEnvelope[ReviewRead]


class ReviewListQuery(ListQuery):
    """The list's query: paging, sorting, and equality filters on declared fields."""

    sort: str | None = sort_field(SORTABLE)
    product_id: uuid.UUID | None = None
    rating: QueryInt32 | None = None
