"""Custom actions of a resource: ``POST /api/v1/<plural>/{id}/<verb>``, and what a verb may be."""

from __future__ import annotations

import keyword
import re
from typing import Any

from backendkit.errors import UsageError
from backendkit.fields import FieldSpec, parse_fields, split_fields
from backendkit.records import FrozenRecord

_VERB = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
# The verbs of the generated routes and service functions (``<verb>_<resource>``): an action
# named so would replace one of them.
RESERVED_VERBS = frozenset({"list", "get", "read", "create", "replace", "update", "delete"})
# Modifiers that describe a column; a request body has none.
_COLUMN_MODIFIERS = ("unique", "index")


class ActionSpec(FrozenRecord, frozen=True, kw_only=True):
    """One action: its verb (snake_case) and the fields of its request body, if any."""

    name: str
    body: tuple[FieldSpec, ...] = ()

    @classmethod
    def prepare(cls, data: Any) -> Any:
        """Accept a bare verb, and a body in the field syntax: one string or a list of tokens."""
        if isinstance(data, str):
            return {"name": data}
        if not isinstance(data, dict) or "body" not in data:
            return data
        value = data["body"]
        if isinstance(value, str):
            value = tuple(parse_fields(split_fields(value)))
        elif isinstance(value, list | tuple):
            value = tuple(parse_fields(value) if all(isinstance(v, str) for v in value) else value)
        return {**data, "body": value}

    def __post_init__(self) -> None:
        validate_verb(self.name)
        names = [f.name for f in self.body]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"action {self.name!r}: body fields repeat: {', '.join(repeated)}")
        for field in self.body:
            _check_body_field(self.name, field)

    @property
    def path(self) -> str:
        """The last segment of its URL: kebab-case (``mark_paid`` -> ``mark-paid``)."""
        return self.name.replace("_", "-")

    def body_tokens(self) -> list[str]:
        return [f.to_token() for f in self.body]


def validate_verb(name: str) -> str:
    """Return NAME if it is a usable action verb, else raise UsageError."""
    if not _VERB.match(name):
        raise UsageError(
            f"invalid action name {name!r}: use a lowercase snake_case verb such as "
            "'activate' or 'mark_paid'"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UsageError(f"invalid action name {name!r}: it is a Python keyword")
    if name in RESERVED_VERBS:
        raise UsageError(
            f"invalid action name {name!r}: the generated {name} route already has it; "
            "choose another verb"
        )
    return name


def check_actions(resource: str, actions: tuple[ActionSpec, ...], *, parents: list[str]) -> None:
    """Refuse actions of RESOURCE that repeat, or whose names its nested routes already use."""
    names = [a.name for a in actions]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"actions of {resource!r} repeat: {', '.join(repeated)}")
    for action in actions:
        for parent in parents:
            # The nested routes' functions are create_<parent>_<resource> and list_<parent>_...
            if action.name in {f"create_{parent}", f"list_{parent}"}:
                raise ValueError(
                    f"action {action.name!r} of {resource!r}: the nested route under "
                    f"{parent!r} already has that name; choose another verb"
                )


def _check_body_field(action: str, field: FieldSpec) -> None:
    if field.ref is not None:
        raise ValueError(
            f"action {action!r}: body field {field.to_token()!r}: a body cannot hold a ref; "
            f"use {field.name}_id:uuid and look the row up in the service"
        )
    modifiers = [m for m in _COLUMN_MODIFIERS if getattr(field, m)]
    if modifiers:
        raise ValueError(
            f"action {action!r}: body field {field.to_token()!r}: {', '.join(modifiers)} "
            "describes a column; a request body takes :optional and =default only"
        )
