"""Keyset pagination: opaque cursors and the WHERE clause that continues after one.

A cursor is base64url JSON holding the sort it was made for and the last row's sort values and
id, then a dot and an HMAC-SHA256 of it (128 bits) under a key derived from SECRET_KEY: a cursor
the service did not issue is a 400 before it is even parsed, so no forged one can make a
query expensive. Continuing after it is a range condition on indexed columns, so page 1,000
costs what page 1 does, and rows inserted meanwhile never shift a page (unlike an offset).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from app.core.errors import BadRequestError
from app.core.pagination import SortKey
from app.core.schemas import ErrorDetail

# A cursor is a few dozen bytes; anything far longer is not one of ours.
MAX_CURSOR_LENGTH = 2000
# Cursors of one service's processes must agree: create_app derives the key from SECRET_KEY.
# Until then (a script using the repository directly) a random key serves this process.
_signing_key = secrets.token_bytes(32)
_KEY_PURPOSE = b"cursor signing key"
_SIGNATURE_BYTES = 16


def use_secret(secret: str) -> None:
    """Sign and check cursors with a key derived from SECRET (SECRET_KEY, never used as is)."""
    global _signing_key
    _signing_key = hmac.new(secret.encode(), _KEY_PURPOSE, hashlib.sha256).digest()


def _signature(payload: bytes) -> bytes:
    digest = hmac.new(_signing_key, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=")


@dataclass(frozen=True)
class Cursor:
    """Where the previous page ended: its sort and the last row's sort values, then its id."""

    sort: str
    values: tuple[Any, ...]


def invalid_cursor(message: str = "not a cursor this API issued") -> BadRequestError:
    return BadRequestError(
        "The request is not valid", [ErrorDetail(field="cursor", message=message)]
    )


def encode_cursor(
    sort: str, columns: Sequence[sa.ColumnElement[Any]], row: Mapping[str, Any]
) -> str:
    """The cursor after ROW (a row's columns by name: the sort columns, then the id)."""
    values = [_to_json(row[str(column.key)]) for column in columns]
    raw = json.dumps({"s": sort, "v": values}, separators=(",", ":")).encode()
    payload = base64.urlsafe_b64encode(raw).rstrip(b"=")
    return (payload + b"." + _signature(payload)).decode()


def read_cursor(text: str) -> tuple[str, list[Any]]:
    """The sort a cursor was made for and its raw values; a 400 for anything else.

    The signature is checked first, in constant time: nothing unsigned is decoded.
    """
    if len(text) > MAX_CURSOR_LENGTH or not text.isascii():
        raise invalid_cursor()
    payload, _, signature = text.encode().partition(b".")
    if not hmac.compare_digest(signature, _signature(payload)):
        raise invalid_cursor()
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError):
        raise invalid_cursor() from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("s"), str)
        or not isinstance(data.get("v"), list)
    ):
        raise invalid_cursor()
    return data["s"], data["v"]


def typed_cursor(sort: str, values: list[Any], columns: Sequence[sa.ColumnElement[Any]]) -> Cursor:
    """VALUES checked against COLUMNS: a forged cursor is a 400, never a 500."""
    if len(values) != len(columns):
        raise invalid_cursor()
    return Cursor(sort, tuple(_from_json(c, v) for c, v in zip(columns, values, strict=True)))


def after(
    sort: Sequence[SortKey], columns: Sequence[sa.ColumnElement[Any]], cursor: Cursor
) -> sa.ColumnElement[bool]:
    """Rows that come after CURSOR in the order SORT (then id, in the last key's direction).

    One direction throughout is a row comparison, ``(a, id) < (x, y)``, which PostgreSQL
    answers with a range scan of the (a, id) index; mixed directions expand to
    ``(a > x) OR (a = x AND b < y) OR ...``.
    """
    directions = [key.descending for key in sort]
    directions.append(directions[-1] if directions else False)
    if len(set(directions)) == 1:
        bound = sa.tuple_(
            *(sa.literal(v, type_=c.type) for c, v in zip(columns, cursor.values, strict=True))
        )
        row = sa.tuple_(*columns)
        return row < bound if directions[0] else row > bound
    alternatives: list[sa.ColumnElement[bool]] = []
    for position, (column, descending) in enumerate(zip(columns, directions, strict=True)):
        value = cursor.values[position]
        beyond = column < value if descending else column > value
        ties = [columns[i] == cursor.values[i] for i in range(position)]
        alternatives.append(sa.and_(*ties, beyond))
    return sa.or_(*alternatives)


def _to_json(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | Decimal | uuid.UUID):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def _python_type(column: sa.ColumnElement[Any]) -> Any:
    column_type = column.type
    # A TypeDecorator (e.g. UTCDateTime) says what it stores through its implementation.
    implementation = getattr(column_type, "impl_instance", column_type)
    return implementation.python_type


def _from_json(column: sa.ColumnElement[Any], value: Any) -> Any:
    """VALUE as the Python type COLUMN holds; a 400 for anything else."""
    expected = _python_type(column)
    wrong = invalid_cursor()
    if value is None:
        raise wrong
    try:
        if expected is dt.datetime:
            parsed = dt.datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise wrong
            return parsed
        if expected is dt.date:
            return dt.date.fromisoformat(value)
        if expected is Decimal:
            number = Decimal(value)
            if not number.is_finite():
                raise wrong
            return number
        if expected is uuid.UUID:
            return uuid.UUID(value)
        if isinstance(expected, type) and issubclass(expected, enum.Enum):
            return expected(value)
        if expected is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if expected is int and type(value) is int:
            # Bound like the column, so a forged cursor never overflows a SQL parameter.
            bits = 63 if isinstance(column.type, sa.BigInteger) else 31
            if -(2**bits) <= value < 2**bits:
                return value
        if expected is str and isinstance(value, str) and "\x00" not in value:
            return value
    except (TypeError, ValueError, InvalidOperation):
        raise wrong from None
    raise wrong
