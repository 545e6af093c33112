"""What one field is in the database: its column and the named constraints and index around it.

The names and options are those of the resource's create-table migration and of the models'
naming convention, so a revision built from them leaves nothing for autogenerate to find.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from backendkit.context.codegen import Call, py_str
from backendkit.context.field_view import REF_ON_DELETE, FieldView
from backendkit.context.literals import python_literal
from backendkit.errors import UsageError
from backendkit.fields import FieldSpec
from backendkit.naming import ResourceNames


@dataclass(frozen=True)
class Index:
    """An index of its own on the column: ``idx_<table>_<column>``."""

    name: str
    column: str
    unique: bool
    live_rows_only: bool = False  # a soft-deleted resource's unique field: deleted_at IS NULL


@dataclass(frozen=True)
class ColumnSchema:
    """FIELD's column in TABLE, with what the models declare around it."""

    field: FieldSpec
    table: str
    soft_delete: bool = False

    @property
    def view(self) -> FieldView:
        return FieldView(self.field, ResourceNames(self.table), self.soft_delete)

    @property
    def name(self) -> str:
        return self.field.column

    @property
    def type(self) -> str:
        return self.view.migration_type

    @property
    def has_server_default(self) -> bool:
        return self.view.server_default is not None

    @property
    def needs_backfill(self) -> bool:
        """A NOT NULL column that no server default fills on a table with rows."""
        return not self.field.optional and not self.has_server_default

    def column(self, *, nullable: bool) -> Call:
        """The ``sa.Column(...)``, as in the create-table migration."""
        args: list[str | Call] = [py_str(self.name), self.type]
        args.extend(self.view._server_default_arg())
        args.append(f"nullable={nullable}")
        return Call("sa.Column", tuple(args))

    @property
    def check(self) -> tuple[str, str] | None:
        """An enum's CHECK constraint: (name, SQL)."""
        sql = self.view.check_constraint
        return (f"ck_{self.table}_{self.name}", sql) if sql else None

    @property
    def foreign_key(self) -> tuple[str, str] | None:
        """A ref's foreign key: (name, the parent's table)."""
        parent = self.view.parent
        if parent is None:
            return None
        return f"fk_{self.table}_{self.name}_{parent.plural}", parent.plural

    @property
    def on_delete(self) -> str:
        return REF_ON_DELETE

    @property
    def unique_constraint(self) -> str | None:
        """The name of a unique field's constraint (a unique index when also indexed)."""
        view = self.view
        if view.unique and not view.index and not view.partial_unique:
            return f"uq_{self.table}_{self.name}"
        return None

    @property
    def index(self) -> Index | None:
        view = self.view
        if view.index or view.partial_unique:
            name = f"idx_{self.table}_{self.name}"
            return Index(name, self.name, view.unique, view.partial_unique)
        return None

    def backfill_literal(self, raw: str) -> str:
        """RAW (command-line text) as a Python expression of the column's type."""
        return _literal(self.field, raw)


def backfill_imports(literal: str) -> dict[str, bool]:
    """The imports a backfill LITERAL needs."""
    return {
        "import datetime as dt": literal.startswith("dt."),
        "import uuid": literal.startswith("uuid."),
        "from decimal import Decimal": literal.startswith("Decimal("),
    }


def _literal(field: FieldSpec, raw: str) -> str:
    invalid = UsageError(f"backfill {field.name}={raw!r}: not a valid {field.type}")
    kind = field.type
    if kind in {"str", "text", "email", "url"}:
        length = FieldView(field, ResourceNames("x")).length
        if length is not None and len(raw) > length:
            raise UsageError(f"backfill {field.name}: longer than {length} characters")
        return py_str(raw)
    if kind == "enum":
        if raw not in field.choices:
            raise UsageError(
                f"backfill {field.name}={raw!r}: not one of {', '.join(field.choices)}"
            )
        return py_str(raw)
    try:
        value = _parse(kind, raw)
    except (ValueError, InvalidOperation):
        raise invalid from None
    if kind == "datetime":
        return f"dt.datetime.fromisoformat({py_str(value.isoformat())})"
    if kind == "json":
        # JSON has no SQL literal form (the --sql output db lint reads): cast from text.
        text = json.dumps(value, separators=(",", ":"))
        return f"sa.cast(sa.literal({py_str(text)}), column.type)"
    return python_literal(value)


def _parse(kind: str, raw: str) -> Any:
    if kind in {"int", "bigint"}:
        return int(raw)
    if kind == "float":
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(raw)
        return value
    if kind == "decimal":
        decimal = Decimal(raw)
        if not decimal.is_finite():
            raise ValueError(raw)
        return decimal
    if kind == "bool":
        truth = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
        return truth[raw.lower()] if raw.lower() in truth else _fail(raw)
    if kind == "date":
        return dt.date.fromisoformat(raw)
    if kind == "datetime":
        moment = dt.datetime.fromisoformat(raw)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    if kind in {"uuid", "ref"}:
        return uuid.UUID(raw)
    if kind == "json":
        value = json.loads(raw)
        return value if isinstance(value, dict) else _fail(raw)
    raise ValueError(raw)


def _fail(raw: str) -> Any:
    raise ValueError(raw)
