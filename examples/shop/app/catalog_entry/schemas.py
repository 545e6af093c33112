"""What clients send and receive for catalog entries: camelCase JSON, validated."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, EmailStr, Field, StrictBool, StrictFloat

from app.catalog_entry.models import CatalogEntryStatus
from app.core.pagination import ListQuery, sort_field
from app.core.schemas import CamelModel, Envelope, ListEnvelope, patch_field
from app.core.types import (
    DateTimeInUTC,
    DecimalScale,
    HttpUrlStr,
    Int32,
    Int64,
    IsoDate,
    JsonObject,
    PlainStr,
    QueryInt32,
    QueryInt64,
    StoredJson,
)

# The columns a list may be sorted by: the schema states them, the repository enforces them.
SORTABLE = (
    "contact",
    "cost",
    "created_at",
    "external_id",
    "homepage",
    "published_at",
    "published_on",
    "rank",
    "score",
    "status",
    "title",
    "updated_at",
    "views",
)


class CatalogEntryCreate(CamelModel):
    """A new catalog entry: the body of create (POST) and replace (PUT)."""

    model_config = ConfigDict(extra="forbid")

    title: PlainStr = Field(min_length=1, max_length=120)
    body: PlainStr | None = Field(default=None, max_length=65535)
    rank: Int32 = 0
    views: Int64 = 0
    score: StrictFloat | None = Field(default=None, allow_inf_nan=False)
    cost: Annotated[Decimal, DecimalScale(12, 3)] | None = None
    active: StrictBool = True
    published_on: IsoDate | None = None
    published_at: DateTimeInUTC | None = None
    external_id: uuid.UUID | None = None
    contact: EmailStr | None = Field(default=None, max_length=320)
    homepage: HttpUrlStr | None = Field(default=None, max_length=2048)
    attributes: JsonObject | None = None
    status: CatalogEntryStatus = CatalogEntryStatus.DRAFT


class CatalogEntryUpdate(CamelModel):
    """A partial update (PATCH): only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    title: PlainStr = patch_field(min_length=1, max_length=120)
    body: PlainStr | None = Field(default=None, max_length=65535)
    rank: Int32 = patch_field()
    views: Int64 = patch_field()
    score: StrictFloat | None = Field(default=None, allow_inf_nan=False)
    cost: Annotated[Decimal, DecimalScale(12, 3)] | None = None
    active: StrictBool = patch_field()
    published_on: IsoDate | None = None
    published_at: DateTimeInUTC | None = None
    external_id: uuid.UUID | None = None
    contact: EmailStr | None = Field(default=None, max_length=320)
    homepage: HttpUrlStr | None = Field(default=None, max_length=2048)
    attributes: JsonObject | None = None
    status: CatalogEntryStatus = patch_field()


class CatalogEntryRead(CamelModel):
    """A catalog entry as the API returns it."""

    id: uuid.UUID
    title: str
    body: str | None
    rank: int
    views: int
    score: float | None
    cost: Decimal | None
    active: bool
    published_on: dt.date | None
    published_at: dt.datetime | None
    external_id: uuid.UUID | None
    contact: str | None
    homepage: str | None
    attributes: StoredJson | None
    status: CatalogEntryStatus
    created_at: dt.datetime
    updated_at: dt.datetime


# The response bodies, named once: a subscripted generic model looks its class up again on
# every use, which cost a GET by id 2 % of its instructions.
CatalogEntryEnvelope = Envelope[CatalogEntryRead]
CatalogEntryListEnvelope = ListEnvelope[CatalogEntryRead]


class CatalogEntryListQuery(ListQuery):
    """The list's query: paging, sorting, and equality filters on declared fields."""

    sort: str | None = sort_field(SORTABLE)
    title: PlainStr | None = None
    rank: QueryInt32 | None = None
    views: QueryInt64 | None = None
    score: float | None = None
    cost: Annotated[Decimal, DecimalScale(12, 3)] | None = None
    active: bool | None = None
    published_on: IsoDate | None = None
    published_at: DateTimeInUTC | None = None
    external_id: uuid.UUID | None = None
    contact: PlainStr | None = None
    homepage: PlainStr | None = None
    status: CatalogEntryStatus | None = None
