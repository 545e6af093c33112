"""One resource as the templates see it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from backendkit.config import ResourceSpec
from backendkit.context.action_view import ActionView
from backendkit.context.codegen import Call, py_str
from backendkit.context.field_view import FieldView
from backendkit.context.literals import indefinite_article
from backendkit.naming import ResourceNames


@dataclass(frozen=True)
class ResourceView:
    """One resource as the templates see it."""

    spec: ResourceSpec
    revision: str
    down_revision: str | None
    # Plurals other resources declared (name -> plural): refs to them use their tables.
    declared_plurals: tuple[tuple[str, str], ...] = ()

    @cached_property
    def names(self) -> ResourceNames:
        return self.spec.names

    def __getattr__(self, item: str) -> Any:
        # Lets templates write resource.plural, resource.class_name, resource.path, ...
        if item.startswith("_"):
            raise AttributeError(item)
        return getattr(self.names, item)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def table(self) -> str:
        return self.names.plural

    @property
    def a_label(self) -> str:
        """The label with its indefinite article: "a user", "an order"."""
        return f"{indefinite_article(self.names.label)} {self.names.label}"

    @property
    def owned(self) -> bool:
        return self.spec.owned

    @property
    def soft_delete(self) -> bool:
        return self.spec.soft_delete

    @property
    def events(self) -> bool:
        """Whether its writes publish <name>.created/updated/deleted through the outbox."""
        return self.spec.events

    @cached_property
    def fields(self) -> list[FieldView]:
        plurals = dict(self.declared_plurals)
        return [
            FieldView(spec, self.names, self.spec.soft_delete, plurals.get(spec.ref or ""))
            for spec in self.spec.fields
        ]

    @property
    def enum_fields(self) -> list[FieldView]:
        return [f for f in self.fields if f.type == "enum"]

    @property
    def unique_fields(self) -> list[FieldView]:
        return [f for f in self.fields if f.unique]

    @property
    def filterable_fields(self) -> list[FieldView]:
        return [f for f in self.fields if f.filterable]

    @property
    def required_fields(self) -> list[FieldView]:
        return [f for f in self.fields if f.required]

    @property
    def sortable_columns(self) -> list[str]:
        """Columns ``?sort=`` accepts: declared sortable fields and the timestamps."""
        return sorted({f.name for f in self.fields if f.sortable} | {"created_at", "updated_at"})

    @property
    def keyset_sortable_columns(self) -> list[str]:
        """Columns cursor pages sort by: the sortable ones that are never NULL."""
        return sorted(
            {f.name for f in self.fields if f.sortable and not f.optional}
            | {"created_at", "updated_at"}
        )

    @property
    def nullable_sortable_columns(self) -> list[str]:
        """Sortable columns that may be NULL: offset pages only."""
        return sorted(f.name for f in self.fields if f.sortable and f.optional)

    @property
    def indexed_fields(self) -> list[FieldView]:
        """Fields with an index of their own (unique+index makes it a unique index)."""
        return [f for f in self.fields if f.index and not f.partial_unique]

    @property
    def unique_constraint_fields(self) -> list[FieldView]:
        """Unique fields enforced by a constraint rather than a unique index."""
        return [f for f in self.fields if f.unique and not f.index and not f.partial_unique]

    @property
    def partial_unique_fields(self) -> list[FieldView]:
        """Unique fields of a soft-deleted resource: unique among the rows not deleted."""
        return [f for f in self.fields if f.partial_unique]

    @property
    def ref_fields(self) -> list[FieldView]:
        """Foreign keys to other resources, each with nested routes under its parent."""
        return [f for f in self.fields if f.parent is not None]

    def graphql_links(self, auth: str) -> list[FieldView]:
        """The refs GraphQL resolves both ways: all but those to the sign-in user (jwt), which
        has no GraphQL type and stays a plain id."""
        return [
            f
            for f in self.ref_fields
            if not (auth == "jwt" and f.parent and f.parent.singular == "user")
        ]

    @property
    def indexes(self) -> list[tuple[str, list[str], bool, bool]]:
        """Every index the migration creates: (name, columns, unique, only rows not deleted)."""
        found = [(f"idx_{self.table}_created_at_id", ["created_at", "id"], False, False)]
        for field in self.fields:
            if field.partial_unique or field.index:
                name = f"idx_{self.table}_{field.name}"
                found.append((name, [field.name], field.unique, field.partial_unique))
        return found

    def uses(self, *types: str) -> bool:
        """Whether any field has one of TYPES (templates import only what they use)."""
        return any(f.type in types for f in self.fields)

    @cached_property
    def actions(self) -> list[ActionView]:
        """Its custom actions (``POST .../{id}/<verb>``), in the order they were added."""
        return [ActionView(spec, self.names, self.a_label) for spec in self.spec.actions]

    @property
    def input_fields(self) -> list[FieldView]:
        """Every field a request schema declares: the resource's and its actions' bodies."""
        return [*self.fields, *(f for action in self.actions for f in action.body)]

    def body_uses(self, *types: str) -> bool:
        """Whether any action's body has a field of one of TYPES."""
        return any(action.uses(*types) for action in self.actions)

    def schema_uses(self, *types: str) -> bool:
        """Whether any request schema has a field of one of TYPES (its imports)."""
        return any(f.type in types for f in self.input_fields)

    def test_constants(self) -> str:
        """What the generated tests hold the API to, as module-level constants."""

        def strings(names: Iterable[str]) -> tuple[str, ...]:
            return tuple(py_str(n) for n in names)

        filterable = self.filterable_fields
        constants = [
            ("ECHOED: list[str] = ", strings(f.camel for f in self.fields if f.echoes_input), "[]"),
            (
                "SNAKE_CASE: dict[str, str] = ",
                tuple(f"{py_str(f.camel)}: {py_str(f.name)}" for f in self.fields),
                "{}",
            ),
            ("REQUIRED: list[str] = ", strings(f.camel for f in self.required_fields), "[]"),
            ("UNIQUE: list[str] = ", strings(f.camel for f in self.unique_fields), "[]"),
            (
                "DEFAULTS: dict[str, Any] = ",
                tuple(f"{py_str(f.camel)}: {f.default_json}" for f in self.fields if f.has_default),
                "{}",
            ),
            (
                "NULL_WHEN_OMITTED: list[str] = ",
                strings(f.camel for f in self.fields if f.optional and not f.has_default),
                "[]",
            ),
            (
                "NOT_NULL: list[str] = ",
                strings(f.camel for f in self.fields if not f.optional),
                "[]",
            ),
            (
                "INVALID_VALUES: list[tuple[str, Any]] = ",
                tuple(f"({py_str(f.camel)}, {f.invalid_example})" for f in self.fields),
                "[]",
            ),
            ("FILTERS: list[str] = ", strings(f.camel for f in filterable), "[]"),
            (
                "TYPED_FILTERS: list[str] = ",
                strings(f.camel for f in filterable if f.type not in {"str", "email", "url"}),
                "[]",
            ),
            ("SORTABLE: list[str] = ", strings(self.sortable_columns), "[]"),
        ]
        return "\n".join(
            Call(head, items, brackets[0], brackets[1]).render()
            for head, items, brackets in constants
        )

    def factory_payload(self, *, required_only: bool = False) -> str:
        """The body of a test factory: a valid create payload built from ``n``."""
        chosen = self.required_fields if required_only else self.fields
        fields = [f for f in chosen if f.parent is None]
        entries = tuple(f"{py_str(f.camel)}: {f.example}" for f in fields)
        lines = []
        if any(re.search(r"\bn\b", f.example) for f in fields):
            lines.append("    n = next(_numbers)")
        lines.append(Call("payload: dict[str, Any] = ", entries, "{", "}").render(4))
        return "\n".join(lines)
