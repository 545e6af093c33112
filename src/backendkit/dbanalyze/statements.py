"""pg_stat_statements: is it there, the statements of this database, the top ones and slow ones."""

from __future__ import annotations

from typing import Any

from backendkit.dbanalyze.plans import explain
from backendkit.dbanalyze.queries import rows, value
from backendkit.dbanalyze.report import Finding, Statement

TOP = 5
# pghero's slow query: at least this many calls, at least this long on average.
SLOW_MIN_CALLS = 100
SLOW_MEAN_MS = 20.0

ENABLE_LIBRARY = (
    "pg_stat_statements is not loaded: add it to shared_preload_libraries "
    "(ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'; or "
    "postgres -c shared_preload_libraries=pg_stat_statements, as the generated compose.yaml "
    "does; on a managed database, the parameter group), restart PostgreSQL, then run "
    "CREATE EXTENSION pg_stat_statements; in this database"
)
CREATE_EXTENSION = (
    "pg_stat_statements is loaded but not created in this database: "
    "CREATE EXTENSION pg_stat_statements;"
)

_UTILITY = (
    "SET|SHOW|BEGIN|COMMIT|ROLLBACK|END|PREPARE|EXECUTE|EXPLAIN|DEALLOCATE|ANALYZE|VACUUM|"
    "CREATE|DROP|ALTER|GRANT|REVOKE|LISTEN|UNLISTEN|NOTIFY|DISCARD|RESET|START|SAVEPOINT|"
    "RELEASE|COPY|TRUNCATE|LOCK|DO|CALL"
)
# Catalog reads (this tool's own among them) are not the application's statements.
_CATALOG = (
    "pg_catalog|pg_stat|pg_class|pg_index|pg_namespace|information_schema|pg_locks|hypopg|"
    "pg_database|pg_settings|pg_extension|current_setting"
)
_STATEMENTS = f"""
SELECT s.queryid, s.query, s.calls, s.total_exec_time AS total_ms,
       s.mean_exec_time AS mean_ms, s.rows
FROM pg_stat_statements s
WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND s.toplevel
  AND s.query !~* '^\\s*({_UTILITY})\\M'
  AND s.query !~* '({_CATALOG})'
ORDER BY s.total_exec_time DESC
LIMIT 200
"""


def availability(conn: Any) -> tuple[bool, str | None]:
    """(usable, the note that says how to make it usable)."""
    loaded = value(
        conn,
        "SELECT 'pg_stat_statements' = ANY(regexp_split_to_array("
        "current_setting('shared_preload_libraries'), '\\s*,\\s*'))",
    )
    if not loaded:
        return False, ENABLE_LIBRARY
    created = value(conn, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")
    if not created:
        return False, CREATE_EXTENSION
    return True, None


def load_statements(conn: Any) -> list[dict[str, Any]]:
    """This database's application statements, slowest in total first."""
    return rows(conn, _STATEMENTS)


def calls_by_statement(conn: Any) -> dict[int, tuple[str, int]]:
    """queryid -> (query, calls): a snapshot to subtract from a later one."""
    return {int(r["queryid"]): (r["query"], int(r["calls"])) for r in load_statements(conn)}


def top_statements(
    conn: Any, statements: list[dict[str, Any]], *, analyze: bool = False
) -> list[Statement]:
    """The TOP by total time and the TOP by mean time, each with its plan."""
    by_total = statements[:TOP]
    by_mean = sorted(statements, key=lambda s: s["mean_ms"], reverse=True)[:TOP]
    chosen = {s["queryid"]: s for s in [*by_total, *by_mean]}
    result: list[Statement] = []
    for s in chosen.values():
        # EXPLAIN ANALYZE runs the statement: only a read, and only when asked.
        run_it = analyze and s["query"].lstrip().upper().startswith(("SELECT", "WITH"))
        plan = explain(conn, s["query"], as_json=False, analyze=run_it)
        result.append(
            Statement(
                queryid=int(s["queryid"]),
                query=s["query"],
                calls=int(s["calls"]),
                total_ms=round(float(s["total_ms"]), 3),
                mean_ms=round(float(s["mean_ms"]), 3),
                rows=int(s["rows"]),
                plan=plan,
            )
        )
    return result


def slow_statements(statements: list[dict[str, Any]]) -> list[Finding]:
    """Statements called often and slow on average."""
    found: list[Finding] = []
    for s in statements:
        if s["calls"] < SLOW_MIN_CALLS or s["mean_ms"] < SLOW_MEAN_MS:
            continue
        found.append(
            Finding(
                rule="slow-statement",
                severity="warning",
                subject=f"queryid {s['queryid']}",
                message=f"{s['calls']} calls averaging {s['mean_ms']:.1f} ms: "
                f"{' '.join(s['query'].split())[:120]}",
                why="a frequent slow statement holds a pooled connection for its whole run, "
                "and its latency is every caller's",
                fix="read its plan (backendkit db analyze --json | statements), then index what "
                "it filters on (see missing-index findings) or fetch less",
                evidence={
                    "queryid": int(s["queryid"]),
                    "calls": int(s["calls"]),
                    "mean_ms": round(float(s["mean_ms"]), 3),
                    "total_ms": round(float(s["total_ms"]), 3),
                },
            )
        )
    return found
