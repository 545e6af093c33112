"""Column and input types shared by every resource."""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Annotated, Any

import sqlalchemy as sa
from annotated_types import Ge, Le
from pydantic import (
    AfterValidator,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema
from sqlalchemy.dialects.postgresql import JSONB

# PostgreSQL rejects NUL in text; refusing it at the edge keeps that a 400, not a 500.
NO_NUL_PATTERN = r"^[^\x00]*$"
PlainStr = Annotated[str, StringConstraints(pattern=NO_NUL_PATTERN)]


def _json_integer(value: object) -> object:
    # JSON Schema's integer is 5 or 5.0; pydantic would also take true and "5".
    if isinstance(value, bool | str):
        raise ValueError("must be an integer")
    return value


# Integers the columns can hold (INTEGER, BIGINT): larger ones are a 400, not a 500.
QueryInt32 = Annotated[int, Ge(-(2**31)), Le(2**31 - 1)]
# BIGINT's top, 2**63 - 1, has no exact double: the OpenAPI document (numbers as doubles)
# would state 2**63. The largest double below it is the bound both agree on.
QueryInt64 = Annotated[int, Ge(-(2**63)), Le(2**63 - 1024)]
# In a JSON body; a query string (above) holds every value as text.
Int32 = Annotated[QueryInt32, BeforeValidator(_json_integer)]
Int64 = Annotated[QueryInt64, BeforeValidator(_json_integer)]

JsonVariant = sa.JSON().with_variant(JSONB(), "postgresql")

# An absolute http(s) URL, stored exactly as sent. A pattern rather than pydantic's HttpUrl
# (which rewrites the value) so that the OpenAPI schema states the whole rule.
HTTP_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#\x00]+[^\s\x00]*$"
HttpUrlStr = Annotated[str, StringConstraints(pattern=HTTP_URL_PATTERN)]
# What a value that misses each pattern is told (a raw regex helps no client).
PATTERN_MESSAGES = {
    NO_NUL_PATTERN: "must not contain NUL characters",
    HTTP_URL_PATTERN: "must be an absolute http(s) URL, e.g. https://example.com/page",
}


# A json field's value: nested at most this deep, with at most this many values in all. The
# body limit bounds its bytes; these bound the work of storing and serialising it.
MAX_JSON_DEPTH = 32
MAX_JSON_VALUES = 10_000


def _bad_text(text: str) -> bool:
    """Text that no database or JSON encoder takes: NUL, or a lone surrogate (not UTF-8)."""
    if "\x00" in text:
        return True
    if text.isascii():
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def _json_problem(value: object) -> str | None:
    """What makes VALUE unfit to store as JSON, or None."""
    pending: list[tuple[object, int]] = [(value, 0)]
    count = 0
    while pending:
        item, depth = pending.pop()
        count += 1
        if count > MAX_JSON_VALUES:
            return f"must hold at most {MAX_JSON_VALUES} values"
        if isinstance(item, str):
            if _bad_text(item):
                return "must not contain NUL characters or unpaired surrogates"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "must not contain NaN or Infinity"
        elif isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                return f"must be nested at most {MAX_JSON_DEPTH} levels deep"
            if isinstance(item, dict):
                pending.extend((key, depth) for key in item)
                pending.extend((child, depth + 1) for child in item.values())
            else:
                pending.extend((child, depth + 1) for child in item)
    return None


def _check_json(value: dict[str, Any]) -> dict[str, Any]:
    if (problem := _json_problem(value)) is not None:
        raise ValueError(problem)
    return value


# A json field as clients send it: a 400 for what no database stores faithfully.
JsonObject = Annotated[dict[str, Any], AfterValidator(_check_json)]


def _readable(value: Any, depth: int = 0) -> Any:
    """VALUE with unpaired surrogates replaced (U+FFFD), NaN/Infinity as null, depth cut."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth >= MAX_JSON_DEPTH:
        return None
    if isinstance(value, dict):
        return {_readable(k): _readable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_readable(item, depth + 1) for item in value]
    return value


def _stored_json(value: dict[str, Any]) -> dict[str, Any]:
    # Rows written before JsonObject's rules (or by other programs) may break them: such a
    # value is repaired for the response, so one stored row can never fail a list.
    if _json_problem(value) is None:
        return value
    repaired: dict[str, Any] = _readable(value)
    return repaired


# A json field as the API returns it.
StoredJson = Annotated[dict[str, Any], AfterValidator(_stored_json)]


@dataclass(frozen=True)
class DecimalScale:
    """``Annotated[Decimal, DecimalScale(p, s)]``: fits NUMERIC(p, s), returned at scale s.

    Quantized, so a response never changes shape between create and read (12.5 -> 12.50);
    the OpenAPI schema states the same bounds.
    """

    precision: int
    scale: int

    @property
    def text_pattern(self) -> str:
        """Decimal text as the schema states it: ASCII digits, an optional minus, no exponent."""
        whole = self.precision - self.scale
        digits = f"[0-9]{{1,{whole}}}" if whole else "0"
        fraction = rf"(\.[0-9]{{1,{self.scale}}})?" if self.scale else ""
        return rf"^-?{digits}{fraction}$"

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # Python's Decimal() would also take "1_000", " 5 ", "12.500" and Arabic-Indic digits.
        text = re.compile(self.text_pattern)
        example = "1.50" if self.scale else "15"

        def plain_text(value: object) -> object:
            if isinstance(value, str) and not text.match(value):
                raise ValueError(
                    f"must be a decimal number like {example}: digits 0-9, an optional minus, "
                    f"at most {self.precision - self.scale} before the point and "
                    f"{self.scale} after"
                )
            return value

        quantized = core_schema.no_info_after_validator_function(self._quantize, handler(source))
        return core_schema.no_info_before_validator_function(plain_text, quantized)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        limit = 10 ** (self.precision - self.scale)
        # The smallest step at this scale, as a number whose JSON spelling is exact (0.01).
        step: int | float = 1 if not self.scale else float(f"1e-{self.scale}")
        return {
            "anyOf": [
                {
                    "type": "number",
                    "exclusiveMinimum": -limit,
                    "exclusiveMaximum": limit,
                    "multipleOf": step,
                },
                {"type": "string", "pattern": self.text_pattern},
            ]
        }

    def _quantize(self, value: Decimal) -> Decimal:
        limit = Decimal(10) ** (self.precision - self.scale)
        if not value.is_finite() or abs(value) >= limit:
            raise ValueError(f"must be a number below {limit} in magnitude")
        exponent = Decimal(1).scaleb(-self.scale)
        scaled = value.quantize(exponent, context=Context(prec=self.precision + 1))
        if scaled != value:
            raise ValueError(f"must have at most {self.scale} decimal places")
        # -0.00 is 0.00: one value, one spelling.
        return scaled.copy_abs() if scaled.is_zero() else scaled


_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


def _iso_text(value: object) -> object:
    # pydantic would read a number as a Unix timestamp; the schema promises ISO 8601 text.
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.match(value)):
        raise ValueError("must be an ISO 8601 date or date-time")
    return value


def _as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


# Datetimes are stored and returned in UTC; a naive input is taken to be UTC already.
DateTimeInUTC = Annotated[dt.datetime, BeforeValidator(_iso_text), AfterValidator(_as_utc)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_text)]


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
