"""Names the generated code already uses, in one place: a resource or field may not take them.

Each list says why its names are taken; tests/unit/test_reserved_names.py derives them again
from the templates and the libraries the generated service uses, so the lists cannot fall
behind the code they protect.
"""

from __future__ import annotations

# Resource packages are app/<name>/ and tests/<name>/: these would shadow the service's own
# modules (app/main.py, tests/conftest.py), its packages or the libraries it imports.
RESERVED_MODULE_NAMES = frozenset(
    {
        "app", "core", "api", "auth", "health", "metrics", "tests", "test", "migrations",
        "alembic", "config", "settings", "database", "models", "schemas", "typing", "datetime",
        "decimal", "uuid", "enum", "json", "sqlalchemy", "fastapi", "pydantic", "logging",
        "main", "conftest", "cache", "accounts", "factories", "routing", "errors", "pagination",
        "events", "consumers", "jobs", "faststream",
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

# Tables the template itself defines, by the auth choice that brings them.
TEMPLATE_TABLES: dict[str, frozenset[str]] = {"jwt": frozenset({"refresh_tokens"})}
# Tables a message broker brings (app/events/models.py).
EVENT_TABLES = frozenset({"outbox_events", "inbox_events", "dead_letters"})

# The classes a resource's modules define: <Resource><suffix>.
RESOURCE_CLASS_SUFFIXES = (
    "", "Create", "CreateIn", "Update", "Read", "Envelope", "ListEnvelope", "ListQuery",
    "Repository",
    # GraphQL (--api rest,graphql): app/<resource>/graphql.py.
    "Node", "CreateInput", "UpdateInput", "Filter", "Payload",
)  # fmt: skip
# Names the resource templates import: a generated class of the same name would replace them.
TEMPLATE_IMPORTED_NAMES = frozenset(
    {
        "Annotated", "Any", "APIRouter", "AsyncClient", "AsyncIterator", "AsyncSession", "Cache",
        "CacheDep", "CamelModel", "ConfigDict", "CurrentPrincipal", "CursorPagination",
        "Database", "DateTimeInUTC", "Decimal", "DecimalScale", "EmailStr", "Entity", "Envelope",
        "FakeRedis", "FastAPI", "Field", "HttpUrlStr", "Int32", "Int64", "IsoDate", "JsonObject",
        "JsonVariant", "ListEnvelope", "ListQuery", "Literal", "Mapped", "Mapping", "NewPassword",
        "OutboxEvent",
        "NotFoundError", "OwnerScope", "OwnerScopeDep", "Pagination", "PlainStr", "QueryInt32",
        "QueryInt64", "Repository", "SessionDep", "SoftDeletable", "StoredJson", "StrictBool",
        "StrictFloat", "UTCDateTime", "sort_field",
        # GraphQL modules and their tests.
        "BigInt", "ChildPageKey", "Connection", "DeletePayload", "FieldError", "GraphQLContext",
        "Info", "JSON", "Iterator", "AsyncEngine",
    }
)  # fmt: skip

# Attributes of pydantic's BaseModel, which every generated schema subclasses.
PYDANTIC_ATTRIBUTES = frozenset(
    {
        "construct", "copy", "dict", "from_orm", "json", "model_computed_fields", "model_config",
        "model_construct", "model_copy", "model_dump", "model_dump_json", "model_extra",
        "model_fields", "model_fields_set", "model_json_schema", "model_parametrized_name",
        "model_post_init", "model_rebuild", "model_validate", "model_validate_json",
        "model_validate_strings", "parse_file", "parse_obj", "parse_raw", "schema",
        "schema_json", "update_forward_refs", "validate",
    }
)  # fmt: skip
# Prefixes pydantic protects: a field starting with one is refused by pydantic itself.
PYDANTIC_PROTECTED_PREFIXES = ("model_validate", "model_dump")
# Attributes of SQLAlchemy's DeclarativeBase, which every generated model subclasses.
SQLALCHEMY_ATTRIBUTES = frozenset({"metadata", "registry"})
# The list endpoint's own query parameters and the ListQuery members beside them.
QUERY_WORDS = frozenset({"page", "limit", "sort", "cursor", "page_params", "filters"})
# Names the generated class bodies look up while they are built (columns, defaults, types):
# a field of the same name would replace them for every line below it.
CLASS_BODY_NAMES = frozenset(
    {
        "sa",
        "dt",
        "uuid",
        "enum",
        "mapped_column",
        "patch_field",
        "enum_values",
        "sort_field",
        "strawberry",
        "from_read",
        "from_row",
    }
)
# Columns every table of a resource gets, and the one --soft-delete adds (owner_id, which
# --owned adds, is refused for owned resources only: see config.py).
IMPLICIT_COLUMNS = frozenset({"id", "created_at", "updated_at"})
SOFT_DELETE_COLUMN = "deleted_at"


def reserved_field_reason(name: str) -> str | None:
    """Why NAME cannot be a field name, or None when it can."""
    if name in IMPLICIT_COLUMNS:
        return "every table has this column already"
    if name == SOFT_DELETE_COLUMN:
        return "--soft-delete adds this column"
    if name in QUERY_WORDS:
        return "the list endpoint uses it for paging and sorting (?page=&limit=&sort=&cursor=)"
    if name in PYDANTIC_ATTRIBUTES or name.startswith(PYDANTIC_PROTECTED_PREFIXES):
        return "the generated schemas (pydantic models) use it"
    if name in SQLALCHEMY_ATTRIBUTES:
        return "the generated models (SQLAlchemy) use it"
    if name in CLASS_BODY_NAMES:
        return "the generated models and schemas use it for a module or helper"
    return None


def reserved_resource_reason(name: str, class_name: str) -> str | None:
    """Why a resource NAME (CLASS_NAME in PascalCase) cannot be made, or None when it can."""
    if name in RESERVED_MODULE_NAMES:
        return "it is reserved for the service's own modules and packages"
    clashes = sorted(
        class_name + suffix
        for suffix in RESOURCE_CLASS_SUFFIXES
        if class_name + suffix in TEMPLATE_IMPORTED_NAMES
    )
    if clashes:
        return f"its class {clashes[0]} would replace the generated code's own {clashes[0]}"
    return None
