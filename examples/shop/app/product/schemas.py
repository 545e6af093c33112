"""What clients send and receive for products: camelCase JSON, validated."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field, StrictBool

from app.core.pagination import ListQuery, sort_field
from app.core.schemas import CamelModel, Envelope, ListEnvelope, patch_field
from app.core.types import DecimalScale, PlainStr

# The columns a list may be sorted by: the schema states them, the repository enforces them.
SORTABLE = ("category_id", "created_at", "name", "price", "sku", "updated_at")


class ProductCreate(CamelModel):
    """A new product: the body of create (POST) and replace (PUT)."""

    model_config = ConfigDict(extra="forbid")

    category_id: uuid.UUID
    name: PlainStr = Field(min_length=1, max_length=255)
    sku: PlainStr = Field(min_length=1, max_length=32)
    price: Annotated[Decimal, DecimalScale(10, 2)]
    in_stock: StrictBool = True


class ProductCreateInCategory(CamelModel):
    """The body of a create under one category: the path names the parent."""

    model_config = ConfigDict(extra="forbid")

    name: PlainStr = Field(min_length=1, max_length=255)
    sku: PlainStr = Field(min_length=1, max_length=32)
    price: Annotated[Decimal, DecimalScale(10, 2)]
    in_stock: StrictBool = True


class ProductUpdate(CamelModel):
    """A partial update (PATCH): only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    category_id: uuid.UUID = patch_field()
    name: PlainStr = patch_field(min_length=1, max_length=255)
    sku: PlainStr = patch_field(min_length=1, max_length=32)
    price: Annotated[Decimal, DecimalScale(10, 2)] = patch_field()
    in_stock: StrictBool = patch_field()


class ProductRead(CamelModel):
    """A product as the API returns it."""

    id: uuid.UUID
    category_id: uuid.UUID
    name: str
    sku: str
    price: Decimal
    in_stock: bool
    created_at: dt.datetime
    updated_at: dt.datetime


# The response bodies, named once: a subscripted generic model looks its class up again on
# every use, which cost a GET by id 2 % of its instructions.
ProductEnvelope = Envelope[ProductRead]
ProductListEnvelope = ListEnvelope[ProductRead]


class ProductListQuery(ListQuery):
    """The list's query: paging, sorting, and equality filters on declared fields."""

    sort: str | None = sort_field(SORTABLE)
    category_id: uuid.UUID | None = None
    name: PlainStr | None = None
    sku: PlainStr | None = None
    price: Annotated[Decimal, DecimalScale(10, 2)] | None = None
    in_stock: bool | None = None
