"""Revision names, and the operations a name like ``add_role_to_users`` implies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from backendkit.errors import UsageError
from backendkit.fields import FieldSpec, parse_field, parse_fields
from backendkit.naming import validate_field_name

_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
MAX_NAME_LENGTH = 100
_PATTERNS: tuple[tuple[Literal["add_index", "add_column", "remove_column"], str], ...] = (
    ("add_index", r"add_index_to_(?P<table>\w+)"),
    ("add_column", r"add_(?P<what>\w+?)_to_(?P<table>\w+)"),
    ("remove_column", r"remove_(?P<what>\w+?)_from_(?P<table>\w+)"),
)


@dataclass(frozen=True)
class Inference:
    """What a revision name and its FIELD arguments ask for."""

    kind: Literal["add_index", "add_column", "remove_column"]
    table: str
    fields: tuple[FieldSpec, ...] = ()  # add_column; remove_column when typed
    columns: tuple[str, ...] = ()  # add_index; remove_column
    # The table's resource is soft-deleted: a unique field is unique among live rows only.
    soft_delete: bool = False


def validate_name(name: str) -> str:
    """NAME when it can be a revision name: snake_case letters, digits and underscores."""
    if not _NAME.match(name) or len(name) > MAX_NAME_LENGTH:
        raise UsageError(
            f"migration name {name!r} is not valid: use snake_case letters, digits and "
            f"underscores, at most {MAX_NAME_LENGTH} characters (e.g. add_role_to_users)"
        )
    return name


def name_kind(
    name: str,
) -> tuple[Literal["add_index", "add_column", "remove_column"], str] | None:
    """The operation kind and table a revision NAME implies (None for any other name)."""
    for kind, pattern in _PATTERNS:
        match = re.fullmatch(pattern, name)
        if match is not None:
            return kind, match["table"]
    return None


def infer(name: str, tokens: list[str]) -> Inference | None:
    """The operations NAME and TOKENS describe, or None when the name implies none."""
    for kind, pattern in _PATTERNS:
        match = re.fullmatch(pattern, name)
        if match is None:
            continue
        table = match["table"]
        if not tokens:
            raise UsageError(
                f"{name}: name the columns, e.g. '{_example(kind, table)}' "
                "(or change the model and run migrate without them)"
            )
        if kind == "add_index":
            return Inference(kind, table, columns=tuple(validate_field_name(t) for t in tokens))
        if kind == "add_column":
            return Inference(kind, table, fields=tuple(parse_fields(tokens)))
        typed = tuple(parse_field(t) for t in tokens if ":" in t)
        columns = tuple(
            parse_field(t).column if ":" in t else validate_field_name(t) for t in tokens
        )
        return Inference(kind, table, fields=typed, columns=columns)
    if tokens:
        raise UsageError(
            f"fields are only read for names like add_<x>_to_<table>, remove_<x>_from_<table> "
            f"or add_index_to_<table>; {name!r} is none of these"
        )
    return None


def _example(kind: str, table: str) -> str:
    return {
        "add_index": f"migrate add_index_to_{table} email",
        "add_column": f"migrate add_role_to_{table} role:str",
        "remove_column": f"migrate remove_role_from_{table} role",
    }[kind]
