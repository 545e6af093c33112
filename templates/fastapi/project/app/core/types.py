"""Column and input types shared by every resource."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Context, Decimal
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    Field,
    HttpUrl,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from sqlalchemy.dialects.postgresql import JSONB

# PostgreSQL rejects NUL in text; refusing it at the edge keeps that a 400, not a 500.
PlainStr = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
# Integers the columns can hold (INTEGER, BIGINT): larger ones are a 400, not a 500.
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]

JsonVariant = sa.JSON().with_variant(JSONB(), "postgresql")

_http_url = TypeAdapter(HttpUrl)


def _check_url(value: str) -> str:
    try:
        _http_url.validate_python(value)
    except ValidationError:
        raise ValueError("must be an absolute http or https URL") from None
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# Validated as a URL, stored exactly as sent (pydantic's HttpUrl would append a slash).
HttpUrlStr = Annotated[str, AfterValidator(_check_url)]


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _check_json(value: dict[str, Any]) -> dict[str, Any]:
    if _has_nul(value):
        raise ValueError("must not contain NUL characters")
    return value


JsonObject = Annotated[dict[str, Any], AfterValidator(_check_json)]


def scaled_decimal(precision: int, scale: int) -> AfterValidator:
    """Quantize to SCALE places, as the column stores it, so responses never change shape."""
    exponent = Decimal(1).scaleb(-scale)
    context = Context(prec=precision + 1)

    def quantize(value: Decimal) -> Decimal:
        return value.quantize(exponent, context=context)

    return AfterValidator(quantize)


def _as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


# Datetimes are stored and returned in UTC; a naive input is taken to be UTC already.
DateTimeInUTC = Annotated[dt.datetime, AfterValidator(_as_utc)]


def enum_values(enum_class: type[enum.Enum]) -> list[str]:
    """Store an enum's values, not its member names."""
    return [str(member.value) for member in enum_class]


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Timezone-aware datetimes in UTC on every database (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: sa.Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
