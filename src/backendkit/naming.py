"""Names: validation of service and resource names, and the forms derived from them."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from functools import cached_property

import inflection

from backendkit.errors import UsageError

_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
MAX_SERVICE_NAME = 50
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")

# Names that would shadow the generated service's own packages or the libraries it imports.
RESERVED_MODULE_NAMES = frozenset(
    {
        "app", "core", "api", "auth", "health", "metrics", "tests", "test", "migrations",
        "alembic", "config", "settings", "database", "models", "schemas", "typing", "datetime",
        "decimal", "uuid", "enum", "json", "sqlalchemy", "fastapi", "pydantic", "logging",
    }
)  # fmt: skip
# Table names (the plural) that SQL reserves and that would need quoting everywhere.
RESERVED_TABLE_NAMES = frozenset(
    {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "both", "case", "cast",
        "check", "collate", "column", "constraint", "create", "default", "desc", "distinct", "do",
        "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group",
        "having", "in", "into", "is", "join", "leading", "limit", "not", "null", "offset", "on",
        "only", "or", "order", "primary", "references", "select", "some", "table", "then", "to",
        "trailing", "true", "union", "unique", "user", "using", "when", "where", "window", "with",
    }
)  # fmt: skip


def validate_service_name(name: str) -> str:
    """Return NAME if it is a usable service name, else raise UsageError."""
    if not name:
        raise UsageError("service name is empty: use lowercase letters, digits and hyphens")
    if len(name) > MAX_SERVICE_NAME:
        raise UsageError(
            f"service name {name!r} is {len(name)} characters long; at most {MAX_SERVICE_NAME} "
            "(Kubernetes names such as <name>-migrate must fit in 63)"
        )
    if not _SERVICE_NAME.match(name):
        raise UsageError(
            f"invalid service name {name!r}: use lowercase letters, digits, '-' or '_', "
            "starting with a letter (e.g. book-club)"
        )
    return name


def validate_resource_name(name: str) -> str:
    """Return NAME if it is a usable resource name, else raise UsageError."""
    if not name:
        raise UsageError("resource name is empty: use a lowercase identifier such as 'order'")
    if not _IDENTIFIER.match(name):
        raise UsageError(
            f"invalid resource name {name!r}: use a lowercase identifier "
            "(letters, digits, single underscores, starting with a letter), e.g. status_update"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UsageError(f"invalid resource name {name!r}: it is a Python keyword")
    if name in RESERVED_MODULE_NAMES:
        raise UsageError(
            f"invalid resource name {name!r}: it is reserved for the service's own packages"
        )
    if plural(name) in RESERVED_TABLE_NAMES:
        raise UsageError(
            f"invalid resource name {name!r}: its table {plural(name)!r} is an SQL keyword"
        )
    if singular(name) != name:
        raise UsageError(
            f"invalid resource name {name!r}: name resources in the singular "
            f"(did you mean {singular(name)!r}?)"
        )
    return name


def validate_field_name(name: str) -> str:
    """Return NAME if it is a usable column name, else raise UsageError."""
    if not _IDENTIFIER.match(name):
        raise UsageError(
            f"invalid field name {name!r}: use a lowercase identifier such as 'unit_price'"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UsageError(f"invalid field name {name!r}: it is a Python keyword")
    return name


def plural(word: str) -> str:
    """English plural of a snake_case word (only the last part is inflected)."""
    head, _, last = word.rpartition("_")
    inflected: str = inflection.pluralize(last)
    return f"{head}_{inflected}" if head else inflected


def singular(word: str) -> str:
    """English singular of a snake_case word (only the last part is inflected)."""
    head, _, last = word.rpartition("_")
    inflected: str = inflection.singularize(last)
    return f"{head}_{inflected}" if head else inflected


def camel(snake: str) -> str:
    """lowerCamelCase of a snake_case name."""
    result: str = inflection.camelize(snake, uppercase_first_letter=False)
    return result


def json_key(column: str) -> str:
    """The camelCase JSON key of COLUMN, exactly as pydantic's ``to_camel`` (which the generated
    schemas use as their alias generator) spells it; kept here so the CLI need not import pydantic.
    """
    if re.match(r"^[a-z]+[A-Za-z0-9]*$", column) and not re.search(r"\d[a-z]", column):
        return column
    pascal_form = re.sub(r"([0-9A-Za-z])_(?=[0-9A-Z])", lambda m: m.group(1), column.title())
    return re.sub(r"(^_*[A-Z])", lambda m: m.group(1).lower(), pascal_form)


def pascal(snake: str) -> str:
    """PascalCase of a snake_case name."""
    result: str = inflection.camelize(snake)
    return result


@dataclass(frozen=True)
class ResourceNames:
    """Every spelling of one resource name that the templates need."""

    singular: str

    @cached_property
    def plural(self) -> str:
        return plural(self.singular)

    @cached_property
    def class_name(self) -> str:
        return pascal(self.singular)

    @cached_property
    def camel(self) -> str:
        return camel(self.singular)

    @cached_property
    def camel_plural(self) -> str:
        return camel(self.plural)

    @cached_property
    def path(self) -> str:
        return self.plural.replace("_", "-")

    @cached_property
    def label(self) -> str:
        return self.singular.replace("_", " ")

    @cached_property
    def label_plural(self) -> str:
        return self.plural.replace("_", " ")
