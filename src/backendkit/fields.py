"""The field syntax: ``name:type[(args)][:modifier...][=default]``, parsed into FieldSpec."""

from __future__ import annotations

import datetime as dt
import math
import re
import shlex
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args

from backendkit.errors import UsageError
from backendkit.naming import validate_field_name, validate_resource_name
from backendkit.records import FrozenRecord
from backendkit.reserved import reserved_field_reason

FieldType = Literal[
    "str", "text", "int", "bigint", "float", "decimal", "bool", "date", "datetime", "uuid",
    "email", "url", "json", "enum", "ref",
]  # fmt: skip
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)
MODIFIERS = ("unique", "index", "optional")
# What the generated columns hold: a default beyond them would fail at insert (or round).
INT_RANGES = {"int": (-(2**31), 2**31 - 1), "bigint": (-(2**63), 2**63 - 1)}
EMAIL_LENGTH = 320
URL_LENGTH = 2048
# The same rule as the generated service's HttpUrlStr: an absolute http(s) URL.
_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#\x00]+[^\s\x00]*")
# A plain address (local@domain.tld) that any email validator accepts.
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
)

DEFAULT_STR_LENGTH = 255
DEFAULT_DECIMAL = (10, 2)
_TOKEN = re.compile(
    r"(?P<name>[^:=()]*):(?P<type>[a-z]+)(?:\((?P<args>[^()]*)\))?(?P<rest>.*)", re.DOTALL
)
_ENUM_VALUE = re.compile(r"[a-z][a-z0-9_]*")


class FieldSpec(FrozenRecord, frozen=True, kw_only=True):
    """One declared field of a resource."""

    name: str
    type: FieldType
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    choices: tuple[str, ...] = ()
    ref: str | None = None
    unique: bool = False
    index: bool = False
    optional: bool = False
    default: Any = None

    def __post_init__(self) -> None:
        if self.type == "enum" and not self.choices:
            raise ValueError("enum needs values, e.g. enum(draft,active)")
        if self.type == "ref" and not self.ref:
            raise ValueError("ref needs a resource, e.g. ref(category)")

    @property
    def column(self) -> str:
        """The database column name (a ref gets ``<parent>_id``)."""
        return f"{self.name}_id" if self.type == "ref" else self.name

    def to_token(self) -> str:
        """The field in the command-line syntax it was parsed from."""
        args = ""
        if self.type == "str" and self.length is not None:
            args = f"({self.length})"
        elif self.type == "decimal" and self.precision is not None:
            args = f"({self.precision},{self.scale})"
        elif self.type == "enum":
            args = f"({','.join(self.choices)})"
        elif self.type == "ref":
            args = f"({self.ref})"
        modifiers = "".join(f":{m}" for m in MODIFIERS if getattr(self, m))
        default = "" if self.default is None else f"={_format_default(self.default)}"
        return f"{self.name}:{self.type}{args}{modifiers}{default}"


def split_fields(text: str, *, source: str = "--fields") -> list[str]:
    """Split a ``--fields`` string into tokens (shell quoting allowed)."""
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise UsageError(f"{source}: {exc}") from None


def split_field_arguments(arguments: list[str]) -> list[str]:
    """Field tokens from positional FIELD arguments, each split like ``--fields``: a quoted
    ``"name:str email:email:unique"`` is two fields, as it is after ``--fields``."""
    return [token for argument in arguments for token in split_fields(argument, source=argument)]


def parse_fields(tokens: Iterable[str]) -> list[FieldSpec]:
    """Parse field tokens, rejecting duplicates and reserved names."""
    fields: list[FieldSpec] = []
    seen: set[str] = set()
    for token in tokens:
        spec = parse_field(token)
        if spec.column in seen or spec.name in seen:
            raise UsageError(f"field {token!r}: {spec.name!r} is declared twice")
        seen.update({spec.name, spec.column})
        fields.append(spec)
    return fields


def parse_field(token: str) -> FieldSpec:
    """Parse one ``name:type[(args)][:modifier...][=default]`` token."""
    match = _TOKEN.fullmatch(token)
    if not match:
        raise UsageError(
            f"invalid field {token!r}: expected name:type[(args)][:modifier...][=default], "
            "e.g. price:decimal(10,2) or status:enum(draft,active)=draft"
        )
    name, type_, args, rest = match.group("name", "type", "args", "rest")
    try:
        validate_field_name(name)
    except UsageError as exc:
        raise UsageError(f"field {token!r}: {exc}") from None
    if reason := reserved_field_reason(name):
        raise UsageError(f"field {token!r}: {name!r} is reserved: {reason}")
    if type_ not in FIELD_TYPES:
        raise UsageError(
            f"field {token!r}: unknown type {type_!r}; valid types: {', '.join(FIELD_TYPES)}"
        )
    raw_default: str | None = None
    if "=" in rest:
        rest, raw_default = rest.split("=", 1)
    modifiers = [m for m in rest.split(":") if m]
    if rest and not rest.startswith(":"):
        raise UsageError(f"field {token!r}: unexpected {rest!r} after the type")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            raise UsageError(
                f"field {token!r}: unknown modifier {modifier!r}; valid modifiers: "
                + ", ".join(MODIFIERS)
            )
    values: dict[str, Any] = {"name": name, "type": type_}
    values.update(_type_arguments(token, type_, args))
    values.update(dict.fromkeys(modifiers, True))
    if raw_default is not None:
        values["default"] = _parse_default(token, values, raw_default)
    try:
        return FieldSpec(**values)
    except ValueError as exc:
        raise UsageError(f"field {token!r}: {exc}") from None


def _type_arguments(token: str, type_: str, args: str | None) -> dict[str, Any]:
    parts = [part.strip() for part in args.split(",")] if args is not None else []
    if type_ == "str":
        if not parts:
            return {}
        if len(parts) == 1 and parts[0].isdigit() and 0 < int(parts[0]) <= 10485760:
            return {"length": int(parts[0])}
        raise UsageError(f"field {token!r}: str takes one positive length, e.g. str(80)")
    if type_ == "decimal":
        if not parts:
            return {}
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            precision, scale = int(parts[0]), int(parts[1])
            if 0 < precision <= 38 and 0 <= scale <= precision:
                return {"precision": precision, "scale": scale}
        raise UsageError(
            f"field {token!r}: decimal takes (precision,scale) with 0 < precision <= 38 and "
            "0 <= scale <= precision, e.g. decimal(10,2)"
        )
    if type_ == "enum":
        if not parts or not all(_ENUM_VALUE.fullmatch(p) for p in parts):
            raise UsageError(
                f"field {token!r}: enum takes lowercase identifiers, e.g. enum(draft,active)"
            )
        if len(set(parts)) != len(parts):
            raise UsageError(f"field {token!r}: enum values repeat")
        return {"choices": tuple(parts)}
    if type_ == "ref":
        if len(parts) != 1:
            raise UsageError(f"field {token!r}: ref takes one resource, e.g. ref(category)")
        try:
            validate_resource_name(parts[0])
        except UsageError as exc:
            raise UsageError(f"field {token!r}: {exc}") from None
        return {"ref": parts[0]}
    if args is not None:
        raise UsageError(f"field {token!r}: type {type_!r} takes no arguments")
    return {}


def _parse_default(token: str, values: dict[str, Any], raw: str) -> Any:
    """Turn the text after '=' into a value of the field's type that its column can hold."""
    type_ = values["type"]
    invalid = UsageError(f"field {token!r}: default {raw!r} is not a valid {type_}")
    if type_ in {"str", "text", "email", "url"}:
        return _text_default(token, type_, values.get("length", DEFAULT_STR_LENGTH), raw)
    if type_ in {"int", "bigint"}:
        try:
            number = int(raw)
        except ValueError:
            raise invalid from None
        low, high = INT_RANGES[type_]
        if not low <= number <= high:
            raise UsageError(
                f"field {token!r}: default {raw!r} does not fit the {type_} column "
                f"({low} to {high})"
            )
        return number
    if type_ == "float":
        try:
            value = float(raw)
        except ValueError:
            raise invalid from None
        if not math.isfinite(value):
            raise UsageError(f"field {token!r}: default {raw!r} is not a finite number")
        return value
    if type_ == "decimal":
        return _decimal_default(token, values, raw)
    if type_ == "bool":
        lowered = raw.lower()
        if lowered in {"true", "1", "yes"}:
            return True
        if lowered in {"false", "0", "no"}:
            return False
        raise UsageError(f"field {token!r}: default {raw!r} is not a bool (true or false)")
    if type_ == "enum":
        if raw not in values["choices"]:
            raise UsageError(
                f"field {token!r}: default {raw!r} is not one of {', '.join(values['choices'])}"
            )
        return raw
    if type_ == "date":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise invalid from None
    if type_ == "uuid":
        try:
            return uuid.UUID(raw)
        except ValueError:
            raise invalid from None
    raise UsageError(f"field {token!r}: a {type_} field cannot have a default")


def _text_default(token: str, type_: str, length: int, raw: str) -> str:
    if any(ord(c) < 32 or ord(c) == 127 for c in raw):
        raise UsageError(f"field {token!r}: a default cannot hold control characters")
    limit = {"str": length, "email": EMAIL_LENGTH, "url": URL_LENGTH}.get(type_)
    if limit is not None and len(raw) > limit:
        raise UsageError(f"field {token!r}: default is longer than {limit} characters")
    if type_ == "email" and not _EMAIL.fullmatch(raw):
        raise UsageError(
            f"field {token!r}: default {raw!r} is not an email address (e.g. team@example.com)"
        )
    if type_ == "url" and not _URL.fullmatch(raw):
        raise UsageError(
            f"field {token!r}: default {raw!r} is not an absolute http(s) URL "
            "(e.g. https://example.com)"
        )
    return raw


def _decimal_default(token: str, values: dict[str, Any], raw: str) -> Decimal:
    invalid = UsageError(f"field {token!r}: default {raw!r} is not a valid decimal")
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        raise invalid from None
    if not value.is_finite():
        raise invalid
    precision, scale = values.get("precision"), values.get("scale")
    if precision is None or scale is None:
        precision, scale = DEFAULT_DECIMAL
    _, digits, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    places = max(0, -exponent)
    whole = max(0, len(digits) + exponent)
    if places > scale or whole > precision - scale:
        raise UsageError(
            f"field {token!r}: default {raw!r} does not fit decimal({precision},{scale}) "
            f"(at most {precision - scale} digits before the point and {scale} after)"
        )
    # Written out in full (1E+2 is 100), as the generated code and the SQL default spell it.
    return Decimal(format(value, "f"))


def _format_default(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
