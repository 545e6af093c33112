"""Index rules: foreign keys without an index, duplicate or prefix-redundant, unused."""

from __future__ import annotations

from typing import Any

from backendkit.dbanalyze.queries import USER_SCHEMAS, mebibytes, qualified, rows
from backendkit.dbanalyze.report import Finding

# An index with no scan is reported only on a table this big: on a small or new table it has
# had no chance to be used yet.
UNUSED_MIN_ROWS = 1000

_INDEXES = f"""
SELECT n.nspname AS schema, t.relname AS table, i.relname AS index, x.indrelid AS table_oid,
       x.indisunique AS is_unique, x.indisprimary AS is_primary,
       x.indkey::int2[] AS columns, x.indclass::oid[] AS opclasses, am.amname AS method,
       x.indexprs::text AS expressions, x.indpred::text AS predicate,
       i.relpages::bigint * current_setting('block_size')::int AS size,
       coalesce(s.idx_scan, 0) AS scans,
       coalesce(st.n_live_tup, 0) AS table_rows,
       coalesce(st.n_tup_ins + st.n_tup_upd + st.n_tup_del, 0) AS table_writes,
       EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid
               AND c.contype IN ('p', 'u', 'x')) AS backs_constraint,
       ARRAY(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS column_names
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam
LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = x.indexrelid
LEFT JOIN pg_stat_user_tables st ON st.relid = x.indrelid
WHERE {USER_SCHEMAS} AND x.indisvalid
ORDER BY n.nspname, t.relname, i.relname
"""

_FOREIGN_KEYS = f"""
SELECT c.conname AS name, n.nspname AS schema, t.relname AS table, c.conrelid AS table_oid,
       c.conkey::int2[] AS columns, c.confrelid::regclass::text AS referenced,
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS column_names,
       coalesce(s.n_live_tup, 0) AS table_rows
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.conrelid
WHERE c.contype = 'f' AND {USER_SCHEMAS}
ORDER BY n.nspname, t.relname, c.conname
"""


def load_indexes(conn: Any) -> list[dict[str, Any]]:
    """Every valid index in the user's schemas, with its columns, size and scans."""
    found = rows(conn, _INDEXES)
    for index in found:
        index["definition"] = _definition(index)
    return found


def _definition(index: dict[str, Any]) -> str:
    """The index's shape from the catalog alone: pg_get_indexdef() waits for a table's lock."""
    names = iter(index["column_names"])
    columns = ", ".join("(expression)" if n == 0 else next(names) for n in index["columns"])
    unique = "UNIQUE " if index["is_unique"] else ""
    where = " WHERE (predicate)" if index["predicate"] else ""
    table = qualified(index["schema"], index["table"])
    return f"{unique}INDEX {index['index']} ON {table} USING {index['method']} ({columns}){where}"


def load_foreign_keys(conn: Any) -> list[dict[str, Any]]:
    """Every foreign key in the user's schemas."""
    return rows(conn, _FOREIGN_KEYS)


def _serves(index: dict[str, Any], columns: list[int]) -> bool:
    """Do the index's leading columns cover COLUMNS (in any order), so lookups by them use it?"""
    if index["predicate"] or index["method"] != "btree":
        return False
    leading = list(index["columns"][: len(columns)])
    return 0 not in leading and sorted(leading) == sorted(columns)


def unindexed_foreign_keys(
    foreign_keys: list[dict[str, Any]], indexes: list[dict[str, Any]]
) -> list[Finding]:
    """A foreign key no index leads with: deletes in the parent scan the child table."""
    found: list[Finding] = []
    for fk in foreign_keys:
        own = [i for i in indexes if i["table_oid"] == fk["table_oid"]]
        if any(_serves(index, list(fk["columns"])) for index in own):
            continue
        table = qualified(fk["schema"], fk["table"])
        columns = ", ".join(fk["column_names"])
        name = f"idx_{fk['table']}_{'_'.join(fk['column_names'])}"[:63]
        found.append(
            Finding(
                rule="foreign-key-without-index",
                severity="warning",
                subject=f"{table}({columns})",
                message=f"foreign key {fk['name']} ({columns} -> {fk['referenced']}) has no index",
                why="every delete or key update in the referenced table scans this table, "
                "under a lock, and joins from the parent cannot use an index",
                fix=f"CREATE INDEX CONCURRENTLY {name} ON {table} ({columns});",
                evidence={
                    "constraint": fk["name"],
                    "referenced": fk["referenced"],
                    "table_rows": fk["table_rows"],
                },
            )
        )
    return found


def _same_shape(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (a["method"], a["expressions"], a["predicate"]) == (
        b["method"],
        b["expressions"],
        b["predicate"],
    )


def _keeps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Of two identical indexes, is A the one to keep (a constraint's, unique, else first)?"""
    rank_a = (a["is_primary"], a["backs_constraint"], a["is_unique"], b["index"] > a["index"])
    rank_b = (b["is_primary"], b["backs_constraint"], b["is_unique"], a["index"] > b["index"])
    return rank_a >= rank_b


def redundant_indexes(indexes: list[dict[str, Any]]) -> list[Finding]:
    """An index with the same columns as another, or whose columns lead another's."""
    found: list[Finding] = []
    for index in indexes:
        if index["is_primary"] or index["backs_constraint"]:
            continue
        for other in indexes:
            if other is index or other["table_oid"] != index["table_oid"]:
                continue
            if not _same_shape(index, other):
                continue
            width = len(index["columns"])
            same = list(index["columns"]) == list(other["columns"]) and list(
                index["opclasses"]
            ) == list(other["opclasses"])
            prefix = (
                index["method"] == "btree"
                and not index["is_unique"]
                and not index["expressions"]
                and len(other["columns"]) > width
                and list(other["columns"][:width]) == list(index["columns"])
                and list(other["opclasses"][:width]) == list(index["opclasses"])
            )
            if same and _keeps(index, other):
                continue
            if same or prefix:
                found.append(_redundant(index, other, "duplicate" if same else "prefix"))
                break
    return found


def _redundant(index: dict[str, Any], other: dict[str, Any], kind: str) -> Finding:
    name = qualified(index["schema"], index["index"])
    table = qualified(index["schema"], index["table"])
    message = (
        f"index {index['index']} on {table} has the same columns as {other['index']}"
        if kind == "duplicate"
        else f"index {index['index']} on {table} is a prefix of {other['index']}"
    )
    return Finding(
        rule="duplicate-index" if kind == "duplicate" else "redundant-index",
        severity="warning",
        subject=name,
        message=message,
        why="every write to the table updates both indexes, and both take memory and disk; "
        f"{other['index']} answers the same lookups",
        fix=f"DROP INDEX CONCURRENTLY {name};",
        evidence={
            "definition": index["definition"],
            "covered_by": other["definition"],
            "size_bytes": index["size"],
            "size": mebibytes(index["size"]),
            "scans": index["scans"],
            "table_writes": index["table_writes"],
        },
    )


def unused_indexes(
    indexes: list[dict[str, Any]], foreign_keys: list[dict[str, Any]], stats_reset: str | None
) -> list[Finding]:
    """An index never scanned since the statistics were reset, on a table with rows."""
    found: list[Finding] = []
    for index in indexes:
        if index["is_unique"] or index["backs_constraint"] or index["scans"] > 0:
            continue
        if index["table_rows"] < UNUSED_MIN_ROWS or _only_index_of_a_key(
            index, indexes, foreign_keys
        ):
            continue
        name = qualified(index["schema"], index["index"])
        found.append(
            Finding(
                rule="unused-index",
                severity="warning",
                subject=name,
                message=f"index {index['index']} ({mebibytes(index['size'])}) has not been "
                f"scanned since {stats_reset or 'the statistics began (never reset)'}",
                why="an index nobody reads still costs every insert, update and delete on "
                "its table, and its size in memory and backups",
                fix=f"DROP INDEX CONCURRENTLY {name};  -- after checking replicas and rare jobs",
                evidence={
                    "definition": index["definition"],
                    "scans": 0,
                    "stats_reset": stats_reset,
                    "size_bytes": index["size"],
                    "size": mebibytes(index["size"]),
                    "table_rows": index["table_rows"],
                    "table_writes": index["table_writes"],
                },
            )
        )
    return found


def _only_index_of_a_key(
    index: dict[str, Any], indexes: list[dict[str, Any]], foreign_keys: list[dict[str, Any]]
) -> bool:
    """Dropping INDEX would leave a foreign key without an index."""
    for fk in foreign_keys:
        if fk["table_oid"] != index["table_oid"] or not _serves(index, list(fk["columns"])):
            continue
        others = [
            i
            for i in indexes
            if i is not index
            and i["table_oid"] == index["table_oid"]
            and _serves(i, list(fk["columns"]))
        ]
        if not others:
            return True
    return False
