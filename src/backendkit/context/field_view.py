"""One field as the templates see it: spellings, types and examples for every layer."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Context, Decimal

from backendkit.context.codegen import Call, inline, py_str
from backendkit.context.literals import INVALID_VALUES, example_value, python_literal, sql_literal
from backendkit.fields import DEFAULT_DECIMAL, DEFAULT_STR_LENGTH, FieldSpec
from backendkit.naming import ResourceNames, json_key, pascal

EMAIL_LENGTH = 320
URL_LENGTH = 2048
TEXT_LENGTH = 65535

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
# What deleting a parent with children does: refused (409), never a silent cascade.
REF_ON_DELETE = "RESTRICT"


@dataclass(frozen=True)
class FieldView:
    """One field as the templates see it."""

    spec: FieldSpec
    resource: ResourceNames
    # Unique fields of a soft-deleted resource are unique among the rows not deleted.
    soft_delete: bool = False
    # The plural the parent of a ref declared, if it declared one.
    parent_plural: str | None = None

    @property
    def name(self) -> str:
        return self.spec.column

    @property
    def camel(self) -> str:
        """The JSON key, as the generated schemas' alias generator spells it."""
        return json_key(self.spec.column)

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
    def partial_unique(self) -> bool:
        """Unique only among live rows: a partial unique index ``WHERE deleted_at IS NULL``."""
        return self.spec.unique and self.soft_delete

    @property
    def parent(self) -> ResourceNames | None:
        """The resource a ref points at (None for other types)."""
        return ResourceNames(self.spec.ref, self.parent_plural) if self.spec.ref else None

    @property
    def foreign_key(self) -> str:
        """``<parents>.id``, the column a ref points at."""
        assert self.parent is not None, "only refs have a foreign key"
        return f"{self.parent.plural}.id"

    @property
    def foreign_key_name(self) -> str:
        """The constraint's name by the naming convention (fk_<table>_<column>_<parents>)."""
        assert self.parent is not None, "only refs have a foreign key"
        return f"fk_{self.resource.plural}_{self.name}_{self.parent.plural}"

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
    def graphql_type(self) -> str:
        """The annotation in the resource's GraphQL types (without Optional)."""
        special = {"bigint": "BigInt", "json": "JSON", "ref": "strawberry.ID"}
        return special.get(self.spec.type, self.python_type)

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
        if self.spec.type in {"datetime", "date"}:
            return _INPUT_TYPES[self.spec.type]
        if self.spec.type in {"int", "bigint"}:
            # A query string holds every value as text, which a JSON body's integer refuses.
            return "Query" + _INPUT_TYPES[self.spec.type]
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
        return inline(self._model_type())

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
        if self.parent is not None:
            args.append(
                Call("sa.ForeignKey", (py_str(self.foreign_key), f'ondelete="{REF_ON_DELETE}"'))
            )
        # A partial unique index is declared beside the model (see the models template).
        if self.unique and not self.partial_unique:
            args.append("unique=True")
        if self.index and not self.partial_unique:
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
    def foreign_key_line(self) -> str:
        """The ``sa.ForeignKeyConstraint(...)`` of a ref in the create-table migration."""
        return Call(
            "sa.ForeignKeyConstraint",
            (
                f"[{py_str(self.name)}]",
                f"[{py_str(self.foreign_key)}]",
                Call("name=op.f", (py_str(self.foreign_key_name),)),
                f'ondelete="{REF_ON_DELETE}"',
            ),
        ).render(8, ",")

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
        # A stored json value is repaired for the response if it breaks the input's rules.
        annotation = "StoredJson" if self.spec.type == "json" else self.python_type
        return f"    {self.name}: {annotation}" + (" | None" if self.optional else "")

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
        return INVALID_VALUES[self.spec.type]

    @property
    def echoes_input(self) -> bool:
        """Does the API return exactly the JSON value a client sent (tests compare them)."""
        return self.spec.type not in {"decimal", "datetime"}
