"""The jinja context of a render: the config, with every derived spelling and type mapping.

The FastAPI template reads Python, SQLAlchemy and pydantic spellings from here so that the
templates stay declarative and the mapping is tested as code.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Context, Decimal
from functools import cached_property
from typing import Any

from pydantic.alias_generators import to_camel

from backendkit import __version__
from backendkit.config import ResourceSpec, ServiceConfig
from backendkit.deploy import deploy_context
from backendkit.fields import DEFAULT_DECIMAL, DEFAULT_STR_LENGTH, FieldSpec
from backendkit.naming import ResourceNames, pascal

EMAIL_LENGTH = 320
URL_LENGTH = 2048
TEXT_LENGTH = 65535
SERVICE_PORT = 8000
# The generated project's ruff line length: generated code is laid out the way ruff would.
LINE_LENGTH = 100

# The annotation in models and read schemas.
_PYTHON_TYPES = {
    "str": "str", "text": "str", "int": "int", "bigint": "int", "float": "float",
    "decimal": "Decimal", "bool": "bool", "date": "dt.date", "datetime": "dt.datetime",
    "uuid": "uuid.UUID", "email": "str", "url": "str", "json": "dict[str, Any]", "enum": "str",
    "ref": "uuid.UUID",
}  # fmt: skip
# The annotation in create/update schemas (validated input), where it differs.
_INPUT_TYPES = {
    "str": "PlainStr", "text": "PlainStr", "email": "EmailStr", "url": "HttpUrlStr",
    "json": "JsonObject", "datetime": "DateTimeInUTC", "int": "Int32", "bigint": "Int64",
    "date": "IsoDate", "bool": "StrictBool", "float": "StrictFloat",
}  # fmt: skip
# Column types shared by models and migrations, where the two agree.
_COLUMN_TYPES = {
    "text": "sa.Text()", "int": "sa.Integer()", "bigint": "sa.BigInteger()",
    "float": "sa.Float()", "bool": "sa.Boolean()", "date": "sa.Date()", "uuid": "sa.Uuid()",
    "ref": "sa.Uuid()",
}  # fmt: skip
# A value each type refuses (a Python expression), for the generated 400 tests.
_INVALID_VALUES = {
    "text": "12345", "email": '"not-an-email"', "url": '"not a url"', "int": '"abc"',
    "bigint": str(2**63), "float": '"abc"', "decimal": '"abc"', "bool": '"maybe"',
    "date": '"2024-13-45"', "datetime": '"not-a-date"', "uuid": '"not-a-uuid"',
    "json": '"not an object"', "enum": '"not_a_choice"',
}  # fmt: skip


@dataclass(frozen=True)
class Call:
    """A call or bracketed literal, rendered the way ruff format lays it out."""

    head: str
    args: tuple[str | Call, ...]
    open: str = "("
    close: str = ")"

    def inline(self) -> str:
        return f"{self.head}{self.open}{', '.join(_inline(a) for a in self.args)}{self.close}"

    def render(self, indent: int = 0, tail: str = "") -> str:
        """One line if it fits; else the arguments on one indented line; else one per line."""
        pad = " " * indent
        flat = f"{pad}{self.inline()}{tail}"
        if len(flat) <= LINE_LENGTH or not self.args:
            return flat
        inner = " " * (indent + 4)
        hugged = inner + ", ".join(_inline(a) for a in self.args)
        is_call = self.open == "(" and not self.head.endswith((" ", "="))
        single_param_def = len(self.args) == 1 and self.head.lstrip().startswith(
            ("def ", "async def ")
        )
        if len(hugged) <= LINE_LENGTH and is_call and not single_param_def:
            return f"{pad}{self.head}{self.open}\n{hugged}\n{pad}{self.close}{tail}"
        lines = [f"{pad}{self.head}{self.open}"]
        for arg in self.args:
            if isinstance(arg, Call):
                lines.append(arg.render(indent + 4, ","))
            else:
                lines.append(f"{inner}{arg},")
        lines.append(f"{pad}{self.close}{tail}")
        return "\n".join(lines)


def _inline(arg: str | Call) -> str:
    return arg.inline() if isinstance(arg, Call) else arg


def render_call(head: str, args: Iterable[str], indent: int = 0, tail: str = "") -> str:
    """Templates' entry to Call: ``{{ render_call("foo", [...], 4) }}``."""
    return Call(head, tuple(args)).render(indent, tail)


def render_collection(
    head: str, items: Iterable[str], indent: int = 0, brackets: str = "[]"
) -> str:
    """A list, tuple, set or dict literal after HEAD (e.g. ``NAMES = ``), laid out as ruff does."""
    return Call(head, tuple(items), brackets[0], brackets[1]).render(indent)


def python_imports(wanted: Mapping[str, bool]) -> str:
    """The import block for the WANTED lines (``import x`` / ``from x import a``), isort-style.

    Sections: ``__future__``, standard library, third party, first party (``app``, ``tests``),
    each sorted as ruff's isort does, long ``from`` imports wrapped one name per line.
    """
    plain: dict[str, set[str]] = {}
    members: dict[str, set[str]] = {}
    for line, include in wanted.items():
        if not include:
            continue
        if line.startswith("from "):
            module, imported = line[5:].split(" import ")
            members.setdefault(module, set()).update(n.strip() for n in imported.split(","))
        else:
            statement = line.removeprefix("import ")
            plain.setdefault(statement.split(" as ")[0], set()).add(line)
    sections: dict[int, list[str]] = {}
    for module, lines in plain.items():
        sections.setdefault(_section(module), []).extend(
            f"0{module.lower()}\t{line}" for line in lines
        )
    for module, names in members.items():
        ordered = sorted(names, key=_member_key)
        statement = f"from {module} import {', '.join(ordered)}"
        if len(statement) > LINE_LENGTH:
            wrapped = "".join(f"    {n},\n" for n in ordered)
            statement = f"from {module} import (\n{wrapped})"
        sections.setdefault(_section(module), []).append(f"1{module.lower()}\t{statement}")
    blocks = [
        "\n".join(entry.split("\t", 1)[1] for entry in sorted(sections[key]))
        for key in sorted(sections)
    ]
    return "\n\n".join(blocks)


def _section(module: str) -> int:
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    if top in sys.stdlib_module_names:
        return 1
    if top in {"app", "tests"}:
        return 3
    return 2


def _member_key(name: str) -> tuple[int, str]:
    if len(name) > 1 and name.isupper():
        return (0, name.lower())
    if name[:1].isupper():
        return (1, name.lower())
    return (2, name.lower())


def py_str(value: str) -> str:
    """VALUE as a Python string literal in ruff's preferred quotes."""
    if '"' in value and "'" not in value:
        return repr(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


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
        """The JSON key: pydantic's own to_camel, which the generated schemas use."""
        return to_camel(self.spec.column)

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
    def schema_type(self) -> str:
        """The annotation in create/update schemas: validated input."""
        if self.spec.type == "decimal":
            precision, scale = self.precision
            return f"Annotated[Decimal, DecimalScale({precision}, {scale})]"
        return _INPUT_TYPES.get(self.spec.type, self.python_type)

    @property
    def filter_type(self) -> str:
        """The annotation of the list's equality filter."""
        if self.spec.type in {"str", "email", "url"}:
            return "PlainStr"
        if self.spec.type in {"datetime", "date", "int", "bigint"}:
            return _INPUT_TYPES[self.spec.type]
        if self.spec.type == "decimal":
            # Bounded like the column, so an absurd value is a 400 and never reaches SQL.
            return self.schema_type
        return self.python_type

    @property
    def filterable(self) -> bool:
        """Equality filters apply to declared scalar fields."""
        return self.spec.type not in {"json", "text"}

    @property
    def sortable(self) -> bool:
        return self.spec.type not in {"json", "text", "bool"}

    @property
    def sa_type(self) -> str:
        """The SQLAlchemy column type expression in models (``sa`` is sqlalchemy)."""
        return _inline(self._model_type())

    def _model_type(self) -> str | Call:
        t = self.spec.type
        if t == "enum":
            return Call(
                "sa.Enum",
                (
                    self.enum_class,
                    "native_enum=False",
                    "create_constraint=True",
                    f"length={self.enum_length}",
                    "values_callable=enum_values",
                    f"name={py_str(self.name)}",
                ),
            )
        if t == "datetime":
            return "UTCDateTime()"
        if t == "json":
            return "JsonVariant"
        return self.migration_type

    @property
    def migration_type(self) -> str:
        """The column type in a migration: plain SQLAlchemy, no application imports."""
        t = self.spec.type
        if t in {"str", "email", "url"}:
            return f"sa.String({self.length})"
        if t == "enum":
            return f"sa.String({self.enum_length})"
        if t == "decimal":
            precision, scale = self.precision
            return f"sa.Numeric({precision}, {scale})"
        if t == "datetime":
            return "sa.DateTime(timezone=True)"
        if t == "json":
            return 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
        return _COLUMN_TYPES[t]

    @property
    def enum_length(self) -> int:
        return max(len(c) for c in self.choices)

    @property
    def check_constraint(self) -> str | None:
        """The SQL of the enum's CHECK constraint (None for other types)."""
        if self.spec.type != "enum":
            return None
        values = ", ".join(f"'{c}'" for c in self.choices)
        return f"{self.name} IN ({values})"

    @property
    def default_literal(self) -> str:
        """The default as a Python expression (``None`` when there is none)."""
        value = self.spec.default
        if value is None:
            return "None"
        if self.spec.type == "enum":
            return f"{self.enum_class}.{str(value).upper()}"
        if self.spec.type == "decimal":
            return f"Decimal({py_str(str(self._quantized(value)))})"
        return python_literal(value)

    def _quantized(self, value: Decimal) -> Decimal:
        precision, scale = self.precision
        return value.quantize(Decimal(1).scaleb(-scale), context=Context(prec=precision + 1))

    @property
    def default_json(self) -> str:
        """What the API returns for the default, as a Python expression (tests compare it)."""
        value = self.spec.default
        if value is None:
            return "None"
        if isinstance(value, bool | int | float):
            return repr(value)
        if isinstance(value, Decimal):
            return py_str(str(self._quantized(value)))
        if isinstance(value, dt.date):
            return py_str(value.isoformat())
        return py_str(str(value))

    @property
    def server_default(self) -> str | None:
        """The default as a ``server_default=`` value (None when there is none or it varies).

        A UUID default is Python-only: SQLite stores UUIDs as hex without dashes.
        """
        value = self.spec.default
        if value is None or isinstance(value, uuid.UUID):
            return None
        if isinstance(value, bool):
            return "sa.true()" if value else "sa.false()"
        if isinstance(value, Decimal):
            value = self._quantized(value)
        if isinstance(value, dt.date):
            value = value.isoformat()
        return f"sa.text({py_str(sql_literal(value))})"

    def _server_default_arg(self) -> list[str | Call]:
        expression = self.server_default
        if expression is None:
            return []
        if expression.startswith("sa.text("):
            return [Call("server_default=sa.text", (expression[len("sa.text(") : -1],))]
        return [f"server_default={expression}"]

    @property
    def model_line(self) -> str:
        """The model's attribute: ``name: Mapped[...] = mapped_column(...)``."""
        annotation = self.python_type + (" | None" if self.optional else "")
        args: list[str | Call] = [self._model_type()]
        if self.unique:
            args.append("unique=True")
        if self.index:
            args.append("index=True")
        if self.has_default:
            args.append(f"default={self.default_literal}")
            args.extend(self._server_default_arg())
        return Call(f"{self.name}: Mapped[{annotation}] = mapped_column", tuple(args)).render(4)

    @property
    def migration_line(self) -> str:
        """The ``sa.Column(...)`` in the resource's create-table migration."""
        args: list[str | Call] = [py_str(self.name), self.migration_type]
        args.extend(self._server_default_arg())
        args.append(f"nullable={self.optional}")
        return Call("sa.Column", tuple(args)).render(8, ",")

    @property
    def constraints(self) -> list[str]:
        """Keyword arguments for pydantic's ``Field(...)`` on input schemas."""
        t = self.spec.type
        if t == "str":
            return ["min_length=1", f"max_length={self.length}"]
        if t in {"email", "url"}:
            return [f"max_length={self.length}"]
        if t == "text":
            return [f"max_length={TEXT_LENGTH}"]
        if t == "float":
            return ["allow_inf_nan=False"]
        return []

    @property
    def create_line(self) -> str:
        """The attribute in ``<R>Create`` (also the PUT body)."""
        annotation = self.schema_type + (" | None" if self.optional else "")
        head = f"{self.name}: {annotation}"
        default = self.default_literal if (self.has_default or self.optional) else None
        if not self.constraints:
            return f"    {head}" + (f" = {default}" if default is not None else "")
        args = ([f"default={default}"] if default is not None else []) + self.constraints
        return Call(f"{head} = Field", tuple(args)).render(4)

    @property
    def update_line(self) -> str:
        """The attribute in ``<R>Update`` (PATCH): absent means unchanged, null only if optional."""
        if self.optional:
            head = f"{self.name}: {self.schema_type} | None"
            if not self.constraints:
                return f"    {head} = None"
            return Call(f"{head} = Field", ("default=None", *self.constraints)).render(4)
        return Call(
            f"{self.name}: {self.schema_type} = patch_field", tuple(self.constraints)
        ).render(4)

    @property
    def read_line(self) -> str:
        """The attribute in ``<R>Read``."""
        return f"    {self.name}: {self.python_type}" + (" | None" if self.optional else "")

    @property
    def filter_line(self) -> str:
        """The attribute in ``<R>ListQuery``: an optional equality filter."""
        return f"    {self.name}: {self.filter_type} | None = None"

    @property
    def example(self) -> str:
        """A valid input value as a Python expression; ``n`` (an int) makes it distinct."""
        return example_value(self)

    @property
    def invalid_example(self) -> str:
        """A value this field refuses, as a Python expression."""
        if self.spec.type == "str":
            return f'"x" * {(self.length or 0) + 1}'
        return _INVALID_VALUES[self.spec.type]

    @property
    def echoes_input(self) -> bool:
        """Does the API return exactly the JSON value a client sent (tests compare them)."""
        return self.spec.type not in {"decimal", "datetime"}


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
    def a_label(self) -> str:
        """The label with its indefinite article: "a user", "an order"."""
        return f"{indefinite_article(self.names.label)} {self.names.label}"

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
    def indexed_fields(self) -> list[FieldView]:
        """Fields with an index of their own (unique+index makes it a unique index)."""
        return [f for f in self.fields if f.index]

    @property
    def unique_constraint_fields(self) -> list[FieldView]:
        """Unique fields enforced by a constraint rather than a unique index."""
        return [f for f in self.fields if f.unique and not f.index]

    def uses(self, *types: str) -> bool:
        """Whether any field has one of TYPES (templates import only what they use)."""
        return any(f.type in types for f in self.fields)

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
        fields = self.required_fields if required_only else self.fields
        entries = tuple(f"{py_str(f.camel)}: {f.example}" for f in fields)
        lines = []
        if any(re.search(r"\bn\b", f.example) for f in fields):
            lines.append("    n = next(_numbers)")
        lines.append(Call("payload: dict[str, Any] = ", entries, "{", "}").render(4))
        return "\n".join(lines)


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
        # Helpers that lay generated Python out the way ruff would.
        "python_imports": python_imports,
        "render_call": render_call,
        "render_collection": render_collection,
        "py_str": py_str,
        # Values the Dockerfile, compose, Kubernetes and CI files share (see deploy.py).
        **deploy_context(config),
    }


INITIAL_REVISION = "0000_initial"
