"""Values as the generated code spells them: Python and SQL literals, and test examples."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from backendkit.context.codegen import py_str
from backendkit.fields import DEFAULT_STR_LENGTH

if TYPE_CHECKING:
    from backendkit.context.field_view import FieldView

# A value each type refuses (a Python expression), for the generated 400 tests.
INVALID_VALUES = {
    "text": "12345", "email": '"not-an-email"', "url": '"not a url"', "int": '"abc"',
    "bigint": str(2**63), "float": '"abc"', "decimal": '"abc"', "bool": '"maybe"',
    "date": '"2024-13-45"', "datetime": '"not-a-date"', "uuid": '"not-a-uuid"',
    "json": '"not an object"', "enum": '"not_a_choice"', "ref": '"not-a-uuid"',
}  # fmt: skip


def indefinite_article(word: str) -> str:
    """ "a" or "an" by the sound a word usually starts with (a user, an update)."""
    if word.startswith(("uni", "use", "usa", "usu", "uti", "ura", "ure", "uro", "eu", "one")):
        return "a"
    return "an" if word[:1] in {"a", "e", "i", "o", "u"} else "a"


def python_literal(value: Any) -> str:
    """A Python expression for VALUE (templates paste it into code)."""
    if isinstance(value, Decimal):
        return f"Decimal({py_str(str(value))})"
    if isinstance(value, dt.date):
        return f"dt.date({value.year}, {value.month}, {value.day})"
    if isinstance(value, uuid.UUID):
        return f"uuid.UUID({py_str(str(value))})"
    if isinstance(value, str):
        return py_str(value)
    return repr(value)


def sql_literal(value: Any) -> str:
    """VALUE as a SQL literal for a server default."""
    if isinstance(value, int | float | Decimal):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def example_value(field: FieldView) -> str:
    """A valid JSON-ready example for FIELD, as a Python expression using ``n`` for variety."""
    t, name = field.type, field.name
    if t == "str":
        length = field.length or DEFAULT_STR_LENGTH
        if length >= len(name) + 9:
            return f'f"{name}-{{n}}"'
        return f"str(n)[-{length}:]"
    if t == "decimal":
        precision, scale = field.precision
        digits = min(precision - scale, 4)
        if not digits:
            return '"0.5"'
        whole = f"{{n % {10**digits}}}"
        # Halves are exact in binary, so SQLite's float storage returns them unchanged.
        return f'f"{whole}.5"' if scale else f'f"{whole}"'
    return {
        "text": f'f"{name} {{n}}"',
        "email": f'f"{name}-{{n}}@example.com"',
        "url": f'f"https://example.com/{name}/{{n}}"',
        "int": "n",
        "bigint": "n * 1000",
        "float": "n + 0.5",
        "bool": "n % 2 == 0",
        "date": 'f"2024-01-{n % 28 + 1:02d}"',
        "datetime": 'f"2024-01-15T10:{n % 60:02d}:00+00:00"',
        "uuid": "str(uuid.uuid4())",
        "json": '{"n": n}',
        "enum": py_str(field.choices[0]) if field.choices else "None",
        "ref": "None",
    }[t]
