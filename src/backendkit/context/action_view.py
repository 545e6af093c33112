"""One custom action of a resource as the templates see it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from backendkit.actions import ActionSpec
from backendkit.context.codegen import Call, py_str
from backendkit.context.field_view import FieldView
from backendkit.context.graphql_names import camel
from backendkit.naming import ResourceNames, pascal


@dataclass(frozen=True)
class BodyFieldView(FieldView):
    """A field of an action's request body: it has no column, so an enum is a Literal (the
    resource's models hold enum classes for its own columns only)."""

    @property
    def python_type(self) -> str:
        if self.spec.type == "enum":
            return f"Literal[{', '.join(py_str(c) for c in self.choices)}]"
        return super().python_type

    @property
    def default_literal(self) -> str:
        if self.spec.type == "enum" and self.spec.default is not None:
            return py_str(str(self.spec.default))
        return super().default_literal


@dataclass(frozen=True)
class ActionView:
    """``POST /api/v1/<plural>/{id}/<path>``: its route, service function, schema and tests."""

    spec: ActionSpec
    resource: ResourceNames
    a_label: str  # the resource's label with its article: "an order"

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def path(self) -> str:
        return self.spec.path

    @property
    def function(self) -> str:
        """The route's and the service's function: ``<verb>_<resource>``."""
        return f"{self.spec.name}_{self.resource.singular}"

    @property
    def request_class(self) -> str:
        return f"{self.resource.class_name}{pascal(self.spec.name)}Request"

    @property
    def graphql_mutation(self) -> str:
        """Its GraphQL mutation: the service function in camelCase (``markPaidOrder``)."""
        return camel(self.function)

    @property
    def graphql_input(self) -> str:
        """The GraphQL input type of its body (``MarkPaidOrderInput``)."""
        return f"{pascal(self.spec.name)}{self.resource.class_name}Input"

    @property
    def summary(self) -> str:
        return f"{self.spec.name.replace('_', ' ').capitalize()} {self.a_label}"

    @cached_property
    def body(self) -> list[BodyFieldView]:
        return [BodyFieldView(spec, self.resource) for spec in self.spec.body]

    def uses(self, *types: str) -> bool:
        return any(f.type in types for f in self.body)

    @property
    def required_keys(self) -> list[str]:
        """The JSON keys a client must send (tests drop each in turn)."""
        return [f.camel for f in self.body if f.required]

    def required_parametrize(self) -> str:
        """The decorator that runs a test once per required key."""
        keys = Call("", tuple(py_str(k) for k in self.required_keys), "[", "]")
        return Call("@pytest.mark.parametrize", ('"key"', keys)).render()

    def invalid_parametrize(self) -> str:
        """The decorator that runs a test once per ``(key, refused value)``, unknown keys too."""
        cases = [f"({py_str(f.camel)}, {f.invalid_example})" for f in self.body]
        values = Call("", (*cases, '("noSuchField", 1)'), "[", "]")
        return Call("@pytest.mark.parametrize", ('("key", "value")', values)).render()

    @property
    def numbered(self) -> bool:
        """Whether its test body takes a fresh number (``n``) to vary its values."""
        return any(re.search(r"\bn\b", f.example) for f in self.body)

    def body_payload(self) -> str:
        """The body of a test helper: a valid request body built from ``n``."""
        entries = tuple(f"{py_str(f.camel)}: {f.example}" for f in self.body)
        lines = []
        if self.numbered:
            lines.append("    n = next(_numbers)")
        lines.append(Call("body: dict[str, Any] = ", entries, "{", "}").render(4))
        return "\n".join(lines)
