"""Typed records validated from plain data, with one-line errors that name the bad setting.

Built on msgspec rather than pydantic: every command reads the config and the state file, and
msgspec imports and validates in a few milliseconds where pydantic takes about a hundred, which
is most of what ``backendkit check`` would otherwise spend.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Self, get_args, get_origin, get_type_hints

import msgspec
import msgspec.inspect

_LOCATION = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_PATH_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[\.\.\.\]")
_UNKNOWN_FIELD = re.compile(r"^Object contains unknown field `(?P<name>[^`]+)`$")
_MISSING_FIELD = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")
_INVALID_CHOICE = re.compile(r"^Invalid enum value (?P<value>.+)$")


class RecordError(ValueError):
    """Data that does not fit a record: LOCATION is the dotted path to the bad value."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}" if location else message)
        self.location = location
        self.message = message


class _Validated:
    """What every record can do: ``model_validate`` builds one from plain data, checking it."""

    __slots__ = ()
    __struct_fields__: tuple[str, ...]

    @classmethod
    def prepare(cls, data: Any) -> Any:
        """Turn shorthand spellings in DATA into the record's own shape (before validation)."""
        return data

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """A record built from DATA; a RecordError names the first value that does not fit."""
        try:
            return msgspec.convert(cls.prepare(data), cls, strict=False)
        except msgspec.ValidationError as exc:
            raise _record_error(cls, str(exc)) from None

    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        """The record as plain data: Python values, or JSON-safe ones with ``mode="json"``."""
        if mode == "json":
            return msgspec.to_builtins(self)  # type: ignore[no-any-return]
        return {name: _dump(getattr(self, name)) for name in self.__struct_fields__}


class Record(_Validated, msgspec.Struct, forbid_unknown_fields=True):
    """A typed record that may change after it is built."""


class FrozenRecord(_Validated, msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A typed record that never changes once built (and so can be hashed)."""


def _dump(value: Any) -> Any:
    if isinstance(value, _Validated):
        return value.model_dump()
    if isinstance(value, tuple | list):
        return type(value)(_dump(item) for item in value)
    if isinstance(value, dict):
        return {key: _dump(item) for key, item in value.items()}
    return value


def _record_error(root: type[_Validated], text: str) -> RecordError:
    """msgspec's message rewritten as ``location: problem`` in our words."""
    match = _LOCATION.match(text)
    message, path = (match.group("message"), match.group("path") or "") if match else (text, "")
    parts = [name or index for name, index in _PATH_PART.findall(path)]
    if unknown := _UNKNOWN_FIELD.match(message):
        record = _type_at(root, parts)
        valid = ", ".join(getattr(record, "__struct_fields__", ()))
        parts.append(unknown.group("name"))
        message = f"unknown setting; valid settings: {valid}"
    elif missing := _MISSING_FIELD.match(message):
        parts.append(missing.group("name"))
        message = "a value is required"
    elif choice := _INVALID_CHOICE.match(message):
        choices = _choices_at(root, parts)
        message = f"{choice.group('value')} is not valid; choose one of: {choices}"
    else:
        message = message[:1].lower() + message[1:]
    return RecordError(".".join(parts), message)


def _type_at(root: type[_Validated], parts: list[str]) -> Any:
    """The msgspec type info of the value at PARTS below ROOT."""
    info: Any = msgspec.inspect.type_info(root)
    for part in parts:
        while isinstance(info, msgspec.inspect.UnionType):
            info = next(t for t in info.types if not isinstance(t, msgspec.inspect.NoneType))
        if isinstance(info, msgspec.inspect.StructType):
            info = next(f.type for f in info.fields if f.name == part)
        elif isinstance(info, msgspec.inspect.DictType):
            info = info.value_type
        elif isinstance(info, msgspec.inspect.VarTupleType | msgspec.inspect.ListType):
            info = info.item_type
    return getattr(info, "cls", info)


def _choices_at(root: type[_Validated], parts: list[str]) -> str:
    """The valid values of the Literal field at PARTS, in their declared order."""
    last = max(i for i, part in enumerate(parts) if not part.isdigit())
    owner = _type_at(root, parts[:last])
    hint = get_type_hints(owner)[parts[last]]
    while get_origin(hint) is not Literal:
        hint = get_args(hint)[0]
    values = [repr(v) for v in get_args(hint)]
    if len(values) < 2:
        return "".join(values)
    return f"{', '.join(values[:-1])} or {values[-1]}"
