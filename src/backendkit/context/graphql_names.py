"""How Strawberry spells the generated Python names in the GraphQL schema."""

from __future__ import annotations


def camel(name: str) -> str:
    """A Python name as Strawberry's ``auto_camel_case`` spells it (``a_b2c`` is ``aB2c``)."""
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() if part else "_" for part in rest)
