"""The field syntax: ``name:type[(args)][:modifier...][=default]``, parsed into FieldSpec."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args

from backendkit.errors import UsageError
from backendkit.naming import validate_field_name, validate_resource_name
from backendkit.records import FrozenRecord

FieldType = Literal[
    "str", "text", "int", "bigint", "float", "decimal", "bool", "date", "datetime", "uuid",
    "email", "url", "json", "enum", "ref",
]  # fmt: skip
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)
MODIFIERS = ("unique", "index", "optional")
# Columns every table already has; a field may not redefine them.
IMPLICIT_COLUMNS = frozenset({"id", "created_at", "updated_at", "deleted_at", "owner_id"})

DEFAULT_STR_LENGTH = 255
DEFAULT_DECIMAL = (10, 2)
_TOKEN = re.compile(r"^(?P<name>[^:=()]*):(?P<type>[a-z]+)(?:\((?P<args>[^()]*)\))?(?P<rest>.*)$")
_ENUM_VALUE = re.compile(r"^[a-z][a-z0-9_]*$")


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
    match = _TOKEN.match(token)
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
    if name in IMPLICIT_COLUMNS:
        raise UsageError(f"field {token!r}: {name!r} is added to every table automatically")
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
        if not parts or not all(_ENUM_VALUE.match(p) for p in parts):
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
    """Turn the text after '=' into a value of the field's type."""
    type_ = values["type"]
    invalid = UsageError(f"field {token!r}: default {raw!r} is not a valid {type_}")
    if type_ in {"str", "text", "email", "url"}:
        length = values.get("length", DEFAULT_STR_LENGTH)
        if type_ == "str" and len(raw) > length:
            raise UsageError(f"field {token!r}: default is longer than {length} characters")
        return raw
    if type_ in {"int", "bigint"}:
        try:
            return int(raw)
        except ValueError:
            raise invalid from None
    if type_ == "float":
        try:
            return float(raw)
        except ValueError:
            raise invalid from None
    if type_ == "decimal":
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise invalid from None
        if not value.is_finite():
            raise invalid
        return value
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


def _format_default(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
