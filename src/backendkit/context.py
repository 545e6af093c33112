"""The jinja context of a render: the config, with every derived spelling and type mapping.

The FastAPI template reads Python, SQLAlchemy and pydantic spellings from here so that the
templates stay declarative and the mapping is tested as code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from backendkit import __version__
from backendkit.config import ResourceSpec, ServiceConfig
from backendkit.deploy import deploy_context
from backendkit.fields import DEFAULT_DECIMAL, DEFAULT_STR_LENGTH, FieldSpec
from backendkit.naming import ResourceNames, camel, pascal

EMAIL_LENGTH = 320
URL_LENGTH = 2048
SERVICE_PORT = 8000

# field type -> (python annotation, SQLAlchemy column type, example value source)
_PYTHON_TYPES = {
    "str": "str", "text": "str", "int": "int", "bigint": "int", "float": "float",
    "decimal": "Decimal", "bool": "bool", "date": "dt.date", "datetime": "dt.datetime",
    "uuid": "uuid.UUID", "email": "str", "url": "str", "json": "dict[str, Any]", "enum": "str",
    "ref": "uuid.UUID",
}  # fmt: skip


@dataclass(frozen=True)
class FieldView:
    """One field as the templates see it."""

    spec: FieldSpec
    resource: ResourceNames

    @property
    def name(self) -> str:
        return self.spec.column

    @property
    def camel(self) -> str:
        return camel(self.spec.column)

    @property
    def type(self) -> str:
        return self.spec.type

    @property
    def optional(self) -> bool:
        return self.spec.optional

    @property
    def unique(self) -> bool:
        return self.spec.unique

    @property
    def index(self) -> bool:
        return self.spec.index or (self.spec.type == "ref" and not self.spec.unique)

    @property
    def has_default(self) -> bool:
        return self.spec.default is not None

    @property
    def required(self) -> bool:
        """Must a client send it on create."""
        return not (self.spec.optional or self.has_default)

    @property
    def length(self) -> int | None:
        if self.spec.type == "str":
            return self.spec.length or DEFAULT_STR_LENGTH
        return {"email": EMAIL_LENGTH, "url": URL_LENGTH}.get(self.spec.type)

    @property
    def precision(self) -> tuple[int, int]:
        if self.spec.precision is not None and self.spec.scale is not None:
            return (self.spec.precision, self.spec.scale)
        return DEFAULT_DECIMAL

    @property
    def enum_class(self) -> str:
        """Name of the generated enum class (enum fields only)."""
        return self.resource.class_name + pascal(self.spec.name)

    @property
    def choices(self) -> tuple[str, ...]:
        return self.spec.choices

    @property
    def python_type(self) -> str:
        """The annotation in models and read schemas (without Optional)."""
        if self.spec.type == "enum":
            return self.enum_class
        return _PYTHON_TYPES[self.spec.type]

    @property
    def sa_type(self) -> str:
        """The SQLAlchemy column type expression (``sa`` is the sqlalchemy module)."""
        t = self.spec.type
        if t in {"str", "email", "url"}:
            return f"sa.String({self.length})"
        if t == "decimal":
            precision, scale = self.precision
            return f"sa.Numeric({precision}, {scale})"
        if t == "enum":
            return (
                f"sa.Enum({self.enum_class}, native_enum=False, create_constraint=True, "
                f"length={max(len(c) for c in self.choices)}, "
                f"values_callable=enum_values)"
            )
        return {
            "text": "sa.Text()", "int": "sa.Integer()", "bigint": "sa.BigInteger()",
            "float": "sa.Float()", "bool": "sa.Boolean()", "date": "sa.Date()",
            "datetime": "sa.DateTime(timezone=True)", "uuid": "sa.Uuid()",
            "json": "JSONVariant", "ref": "sa.Uuid()",
        }[t]  # fmt: skip

    @property
    def schema_type(self) -> str:
        """The annotation in create/update schemas: validated input."""
        t = self.spec.type
        if t == "email":
            return "EmailStr"
        if t == "url":
            return "HttpUrlStr"
        return self.python_type

    @property
    def constraints(self) -> str:
        """Keyword arguments for pydantic's ``Field(...)`` on input schemas."""
        parts: list[str] = []
        if self.spec.type in {"str", "email", "url"}:
            parts.append("min_length=1" if self.spec.type == "str" else "")
            parts.append(f"max_length={self.length}")
        elif self.spec.type == "text":
            parts.append("max_length=65535")
        elif self.spec.type == "decimal":
            precision, scale = self.precision
            parts.append(f"max_digits={precision}, decimal_places={scale}")
        elif self.spec.type == "int":
            parts.append("ge=-(2**31), le=2**31 - 1")
        elif self.spec.type == "bigint":
            parts.append("ge=-(2**63), le=2**63 - 1")
        elif self.spec.type == "float":
            parts.append("allow_inf_nan=False")
        return ", ".join(p for p in parts if p)

    @property
    def default_literal(self) -> str:
        """The default as a Python expression (``None`` when there is none)."""
        value = self.spec.default
        if value is None:
            return "None"
        if self.spec.type == "enum":
            return f"{self.enum_class}.{str(value).upper()}"
        return python_literal(value)

    @property
    def server_default(self) -> str | None:
        """The default as SQL text for ``server_default`` (None when there is none)."""
        value = self.spec.default
        if value is None:
            return None
        if isinstance(value, bool):
            return "sa.true()" if value else "sa.false()"
        return f"sa.text({python_literal(sql_literal(value))})"

    @property
    def filterable(self) -> bool:
        """Equality filters apply to declared scalar fields."""
        return self.spec.type not in {"json", "text"}

    @property
    def sortable(self) -> bool:
        return self.spec.type not in {"json", "text", "bool"}

    @property
    def example(self) -> str:
        """A valid input value as a Python expression, distinct per call site via ``n``."""
        return example_value(self)


def python_literal(value: Any) -> str:
    """A Python expression for VALUE (templates paste it into code)."""
    if isinstance(value, Decimal):
        return f'Decimal("{value}")'
    if isinstance(value, dt.date):
        return f"dt.date({value.year}, {value.month}, {value.day})"
    if isinstance(value, uuid.UUID):
        return f'uuid.UUID("{value}")'
    return repr(value)


def sql_literal(value: Any) -> str:
    """VALUE as a SQL literal for a server default."""
    if isinstance(value, int | float | Decimal):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def example_value(field: FieldView) -> str:
    """A valid JSON-ready example for FIELD, as a Python expression using ``n`` for variety."""
    t = field.type
    if t in {"str", "text"}:
        return f'f"{field.name}-{{n}}"'[: (field.length or 60) + 6]
    return {
        "email": 'f"user{n}@example.com"',
        "url": 'f"https://example.com/{n}"',
        "int": "n",
        "bigint": "n * 1000",
        "float": "n + 0.5",
        "decimal": '"12.50"',
        "bool": "n % 2 == 0",
        "date": '"2024-01-15"',
        "datetime": '"2024-01-15T10:30:00+00:00"',
        "uuid": "str(uuid.uuid4())",
        "json": '{"n": n}',
        "enum": repr(field.choices[0]) if field.choices else "None",
        "ref": "None",
    }[t]


@dataclass(frozen=True)
class ResourceView:
    """One resource as the templates see it."""

    spec: ResourceSpec
    revision: str
    down_revision: str | None

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
    def owned(self) -> bool:
        return self.spec.owned

    @property
    def soft_delete(self) -> bool:
        return self.spec.soft_delete

    @cached_property
    def fields(self) -> list[FieldView]:
        return [FieldView(spec, self.names) for spec in self.spec.fields]

    @property
    def enum_fields(self) -> list[FieldView]:
        return [f for f in self.fields if f.type == "enum"]

    @property
    def unique_fields(self) -> list[FieldView]:
        return [f for f in self.fields if f.unique]

    def uses(self, *types: str) -> bool:
        """Whether any field has one of TYPES (templates import only what they use)."""
        return any(f.type in types for f in self.fields)


def service_context(
    config: ServiceConfig,
    migrations: dict[str, tuple[str, str | None]],
    *,
    template_version: str,
    secret_key: str,
) -> dict[str, Any]:
    """The context every file of the project is rendered with."""
    resources = [ResourceView(spec, *migrations[spec.name]) for spec in config.resources]
    slug = config.name.replace("-", "_")
    return {
        **config.answers(),
        "project_name": config.name,
        "project_slug": slug,
        "project_title": config.name.replace("-", " ").replace("_", " ").title(),
        "resources": resources,
        "port": SERVICE_PORT,
        "secret_key": secret_key,
        "backendkit_version": __version__,
        "template_version": template_version,
        "initial_revision": INITIAL_REVISION,
        # Values the Dockerfile, compose, Kubernetes and CI files share (see deploy.py).
        **deploy_context(config),
    }


INITIAL_REVISION = "0000_initial"
