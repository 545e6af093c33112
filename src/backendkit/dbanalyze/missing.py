"""Missing indexes: statements whose plans scan a large table sequentially for a filter or sort.

A proposal is checked with HypoPG when the extension is created in the database (the planner
costs the statement with a hypothetical index, in this session only); otherwise it rests on the
plan alone and says so.
"""

from __future__ import annotations

from typing import Any

from backendkit.dbanalyze.plans import ScanNeed, explain, index_columns, scan_needs, total_cost
from backendkit.dbanalyze.plans import uses_index as plan_uses_index
from backendkit.dbanalyze.queries import USER_SCHEMAS, qualified, rows, value
from backendkit.dbanalyze.report import Finding

# A table is large from this many rows: below, a sequential scan is as good as an index.
LARGE_TABLE_ROWS = 10_000
# A statement is looked at from this many calls.
MIN_CALLS = 10
# The hypothetical index must cut the statement's cost by at least half (dexter's default).
MIN_COST_SAVING = 0.5
# Without pg_stat_statements: a table read whole this often, this many rows a scan.
SEQ_SCANS = 10

_TABLES = f"""
SELECT n.nspname AS schema, c.relname AS table, coalesce(s.n_live_tup, 0) AS rows,
       coalesce(s.seq_scan, 0) AS seq_scans, coalesce(s.seq_tup_read, 0) AS seq_rows_read,
       coalesce(s.idx_scan, 0) AS index_scans,
       ARRAY(SELECT a.attname::text FROM pg_attribute a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p') AND {USER_SCHEMAS}
"""


def load_tables(conn: Any) -> list[dict[str, Any]]:
    """Every table with its size in rows, its scans and its columns."""
    return rows(conn, _TABLES)


def hypopg_available(conn: Any) -> bool:
    return bool(value(conn, "SELECT count(*) FROM pg_extension WHERE extname = 'hypopg'"))


def missing_indexes(
    conn: Any, statements: list[dict[str, Any]], tables: list[dict[str, Any]], hypopg: bool
) -> list[Finding]:
    """One finding per proposed index, with the statements it speeds up and the costs."""
    large = {t["table"]: t for t in tables if t["rows"] >= LARGE_TABLE_ROWS}
    if not large:
        return []
    columns_of = {name: list(t["columns"]) for name, t in large.items()}
    proposals: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
    for statement in statements:
        if statement["calls"] < MIN_CALLS:
            continue
        query = statement["query"]
        if not any(name in query for name in large):
            continue
        plan = explain(conn, query)
        if plan is None:
            continue
        for need in scan_needs(plan, columns_of):
            columns = index_columns(need)
            if not columns:
                continue
            table = large[need.relation]
            key = (need.relation, columns)
            proposal = proposals.setdefault(
                key, {"table": table, "columns": columns, "statements": [], "need": need}
            )
            proposal["statements"].append((statement, plan))
    found: list[Finding] = []
    for proposal in proposals.values():
        finding = _check(conn, proposal, hypopg)
        if finding is not None:
            found.append(finding)
    return found


def _check(conn: Any, proposal: dict[str, Any], hypopg: bool) -> Finding | None:
    table = proposal["table"]
    columns: tuple[str, ...] = proposal["columns"]
    need: ScanNeed = proposal["need"]
    target = qualified(table["schema"], table["table"])
    name = f"idx_{table['table']}_{'_'.join(columns)}"[:63]
    create = f"CREATE INDEX CONCURRENTLY {name} ON {target} ({', '.join(columns)});"
    statement, plan = proposal["statements"][0]
    before = total_cost(plan)
    after: float | None = None
    if hypopg:
        after = _hypothetical_cost(conn, statement["query"], target, columns)
        if after is None or after > before * (1 - MIN_COST_SAVING):
            return None  # the planner would not use it, or it saves too little
    calls = sum(int(s["calls"]) for s, _ in proposal["statements"])
    return Finding(
        rule="missing-index",
        severity="warning",
        subject=f"{target}({', '.join(columns)})",
        message=f"{table['table']} ({table['rows']} rows) is read sequentially to "
        f"{_purpose(need)} by {len(proposal['statements'])} statement(s), {calls} calls; "
        + (
            f"an index cuts the planner's cost from {before:.0f} to {after:.0f}"
            if after is not None
            else f"planner cost {before:.0f} (not verified: HypoPG is not installed)"
        ),
        why="a sequential scan reads every row of a large table on each call; an index on the "
        "filtered columns reads only the matching ones",
        fix=create,
        evidence={
            "table_rows": table["rows"],
            "seq_scans": table["seq_scans"],
            "columns": list(columns),
            "cost_before": round(before, 2),
            "cost_after": round(after, 2) if after is not None else None,
            "verified_by": "hypopg" if hypopg else "plan heuristics",
            "statements": [
                {
                    "queryid": int(s["queryid"]),
                    "query": s["query"],
                    "calls": int(s["calls"]),
                    "mean_ms": round(float(s["mean_ms"]), 3),
                }
                for s, _ in proposal["statements"]
            ],
        },
    )


def _purpose(need: ScanNeed) -> str:
    parts = []
    if need.equality or need.ranges:
        parts.append("filter on " + ", ".join([*need.equality, *need.ranges]))
    if need.sort:
        parts.append("sort by " + ", ".join(need.sort))
    return " and ".join(parts)


def _hypothetical_cost(
    conn: Any, query: str, target: str, columns: tuple[str, ...]
) -> float | None:
    """The statement's cost with a hypothetical index (None when the planner ignores it)."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT indexname FROM hypopg_create_index(%s)",
            (f"CREATE INDEX ON {target} ({', '.join(columns)})",),
        )
        row = cur.fetchone()
    try:
        plan = explain(conn, query)
        if plan is None or row is None or not plan_uses_index(plan, row[0]):
            return None
        return total_cost(plan)
    finally:
        with conn.cursor() as cur:
            cur.execute("SELECT hypopg_reset()")


def seq_scanned_tables(tables: list[dict[str, Any]]) -> list[Finding]:
    """Without pg_stat_statements: large tables read whole, often (which statement is unknown)."""
    found: list[Finding] = []
    for t in tables:
        if t["rows"] < LARGE_TABLE_ROWS or t["seq_scans"] < SEQ_SCANS:
            continue
        per_scan = t["seq_rows_read"] // max(t["seq_scans"], 1)
        if per_scan < LARGE_TABLE_ROWS or t["seq_scans"] <= t["index_scans"]:
            continue
        target = qualified(t["schema"], t["table"])
        found.append(
            Finding(
                rule="seq-scan-heavy-table",
                severity="warning",
                subject=target,
                message=f"{target} ({t['rows']} rows) was read sequentially {t['seq_scans']} "
                f"times, {per_scan} rows a scan, and by index {t['index_scans']} times",
                why="repeated sequential scans of a large table are usually a filter or sort "
                "without an index",
                fix="enable pg_stat_statements (see the note) and rerun: the statement, its plan "
                "and the CREATE INDEX CONCURRENTLY that fixes it are then shown",
                evidence={
                    "table_rows": t["rows"],
                    "seq_scans": t["seq_scans"],
                    "rows_per_scan": per_scan,
                    "index_scans": t["index_scans"],
                },
            )
        )
    return found
