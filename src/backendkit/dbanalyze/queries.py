"""Run catalog queries as lists of dicts; every statement runs inside the READ ONLY transaction."""

from __future__ import annotations

from typing import Any


def rows(
    conn: Any, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()
) -> list[dict[str, Any]]:
    """The rows of SQL as dicts (column name -> value)."""
    from psycopg.rows import dict_row

    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def value(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """The first column of the first row of SQL (None when there is no row)."""
    with conn.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
        return row[0] if row else None


def qualified(schema: str, name: str) -> str:
    """schema.name, quoted only where PostgreSQL needs it; public stays implicit."""
    parts = [name] if schema == "public" else [schema, name]
    return ".".join(_quote(p) for p in parts)


def _quote(identifier: str) -> str:
    if identifier.isidentifier() and identifier == identifier.lower():
        return identifier
    return '"' + identifier.replace('"', '""') + '"'


def mebibytes(size: int) -> str:
    """A byte count for people: 12.3 MiB, 8 kB."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MiB"
    return f"{size // 1024} kB"


# Sizes come from pg_class.relpages (as of the last VACUUM, ANALYZE or CREATE INDEX), never
# from pg_relation_size(), which waits for a lock on the relation: a table that a migration
# holds must not stall the analysis.
USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'"
