"""Table health: table and index bloat estimates, autovacuum lag, the cache hit ratio."""

from __future__ import annotations

from typing import Any

from backendkit.dbanalyze.queries import USER_SCHEMAS, mebibytes, qualified, rows
from backendkit.dbanalyze.report import Finding

# Bloat is worth a finding from this much wasted space and this share of the table.
BLOAT_MIN_BYTES = 1024 * 1024
BLOAT_MIN_RATIO = 0.5
# Autovacuum is late when dead rows pass its own trigger point by this factor.
AUTOVACUUM_LAG_FACTOR = 2.0
AUTOVACUUM_MIN_DEAD = 1000
# pghero's bar: below 99% of block reads from shared buffers, the working set does not fit.
CACHE_HIT_MIN = 0.99
CACHE_MIN_READS = 100_000  # blocks: a new or idle database has no meaningful ratio

_TABLES = f"""
SELECT n.nspname AS schema, c.relname AS table,
       c.relpages::bigint * current_setting('block_size')::int AS heap_bytes,
       coalesce(s.n_live_tup, 0) AS live, coalesce(s.n_dead_tup, 0) AS dead,
       s.last_autovacuum, s.last_vacuum, s.last_autoanalyze,
       coalesce(c.reloptions::text[], '{{}}') AS options,
       (SELECT sum(st.avg_width) FROM pg_stats st
         WHERE st.schemaname = n.nspname AND st.tablename = c.relname) AS row_width,
       coalesce((SELECT option_value::float FROM pg_options_to_table(c.reloptions)
         WHERE option_name = 'fillfactor'), 100) AS fillfactor
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'm') AND {USER_SCHEMAS}
"""

# Plain btree indexes whose every column has statistics: their entries' widths are known.
_INDEXES = f"""
SELECT n.nspname AS schema, i.relname AS index,
       i.relpages::bigint * current_setting('block_size')::int AS size,
       coalesce(s.n_live_tup, 0) AS live, w.width
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam AND am.amname = 'btree'
LEFT JOIN pg_stat_user_tables s ON s.relid = t.oid
CROSS JOIN LATERAL (
    SELECT sum(st.avg_width) AS width, count(*) AS known
    FROM pg_attribute a
    JOIN pg_stats st ON st.schemaname = n.nspname AND st.tablename = t.relname
        AND st.attname = a.attname
    WHERE a.attrelid = t.oid AND a.attnum = ANY (x.indkey::int2[])
) w
WHERE {USER_SCHEMAS} AND x.indexprs IS NULL AND x.indpred IS NULL
  AND w.known = array_length(x.indkey::int2[], 1)
"""
# A btree entry: 8-byte header (with the row's address), the key padded to 8, a 4-byte line
# pointer; leaf pages are filled to 90%; one meta page.
_ENTRY_OVERHEAD = 12
_LEAF_FILL = 0.9

_SETTINGS = """
SELECT name, setting FROM pg_settings
WHERE name IN ('autovacuum', 'autovacuum_vacuum_threshold', 'autovacuum_vacuum_scale_factor',
               'shared_buffers', 'block_size')
"""

_CACHE = """
SELECT coalesce(sum(heap_blks_hit), 0) AS heap_hit, coalesce(sum(heap_blks_read), 0) AS heap_read,
       coalesce(sum(idx_blks_hit), 0) AS idx_hit, coalesce(sum(idx_blks_read), 0) AS idx_read
FROM pg_statio_user_tables
"""


def load_tables(conn: Any) -> list[dict[str, Any]]:
    return rows(conn, _TABLES)


def load_indexes(conn: Any) -> list[dict[str, Any]]:
    return rows(conn, _INDEXES)


def bloated_indexes(indexes: list[dict[str, Any]], block_size: int) -> list[Finding]:
    """Btree indexes much bigger than their live entries need (dead entries, page splits)."""
    found: list[Finding] = []
    for index in indexes:
        size = int(index["size"])
        key = (int(index["width"]) + 7) // 8 * 8
        needed = index["live"] * (key + _ENTRY_OVERHEAD) / _LEAF_FILL + block_size
        waste = int(size - needed)
        if waste < BLOAT_MIN_BYTES or waste / size < BLOAT_MIN_RATIO:
            continue
        name = qualified(index["schema"], index["index"])
        found.append(
            Finding(
                rule="index-bloat",
                severity="warning",
                subject=name,
                message=f"index {index['index']} is an estimated {waste / size:.0%} bloat "
                f"({mebibytes(waste)} of {mebibytes(size)} for {index['live']} live rows)",
                why="a bloated index takes more memory and more reads for every lookup, and "
                "vacuum does not shrink it",
                fix=f"REINDEX INDEX CONCURRENTLY {name};",
                evidence={
                    "index_bytes": size,
                    "wasted_bytes": waste,
                    "ratio": round(waste / size, 3),
                    "live_rows": index["live"],
                },
            )
        )
    return found


def settings(conn: Any) -> dict[str, str]:
    return {r["name"]: r["setting"] for r in rows(conn, _SETTINGS)}


def _estimated_waste(t: dict[str, Any]) -> int:
    """Bytes beyond what the live rows need: from pg_stats row widths, else the dead share."""
    size = int(t["heap_bytes"])
    total = t["live"] + t["dead"]
    dead_share = int(size * t["dead"] / total) if total else 0
    if t["row_width"] is None:
        return dead_share
    # 24-byte tuple header + 4-byte line pointer per row, pages filled to fillfactor.
    needed = t["live"] * (float(t["row_width"]) + 28) / (float(t["fillfactor"]) / 100)
    return max(dead_share, int(size - needed))


def bloated_tables(tables: list[dict[str, Any]]) -> list[Finding]:
    found: list[Finding] = []
    for t in tables:
        waste = _estimated_waste(t)
        size = int(t["heap_bytes"])
        if waste < BLOAT_MIN_BYTES or not size or waste / size < BLOAT_MIN_RATIO:
            continue
        target = qualified(t["schema"], t["table"])
        vacuum = f"VACUUM (ANALYZE) {target};" if t["dead"] else ""
        found.append(
            Finding(
                rule="table-bloat",
                severity="warning",
                subject=target,
                message=f"{target} is an estimated {waste / size:.0%} bloat "
                f"({mebibytes(waste)} of {mebibytes(size)}; {t['dead']} dead rows, "
                f"{t['live']} live)",
                why="every sequential scan and every cache page pays for the dead space, and "
                "it does not shrink by itself",
                fix=(
                    vacuum + " then, to give the space back without a long lock: "
                    f"pg_repack --table {target} (VACUUM FULL locks the table)"
                ).strip(),
                evidence={
                    "table_bytes": size,
                    "wasted_bytes": waste,
                    "ratio": round(waste / size, 3),
                    "dead_rows": t["dead"],
                    "live_rows": t["live"],
                },
            )
        )
    return found


def autovacuum_lag(tables: list[dict[str, Any]], config: dict[str, str]) -> list[Finding]:
    """Dead rows well past the point autovacuum should have cleaned them."""
    found: list[Finding] = []
    base = float(config.get("autovacuum_vacuum_threshold", 50))
    scale = float(config.get("autovacuum_vacuum_scale_factor", 0.2))
    for t in tables:
        trigger = base + scale * t["live"]
        if t["dead"] < AUTOVACUUM_MIN_DEAD or t["dead"] < trigger * AUTOVACUUM_LAG_FACTOR:
            continue
        target = qualified(t["schema"], t["table"])
        disabled = "autovacuum_enabled=false" in t["options"] or config.get("autovacuum") == "off"
        last = t["last_autovacuum"] or t["last_vacuum"]
        found.append(
            Finding(
                rule="autovacuum-lag",
                severity="warning",
                subject=target,
                message=f"{target} has {t['dead']} dead rows, {t['dead'] / trigger:.1f}x "
                f"autovacuum's trigger ({trigger:.0f}); last vacuumed "
                f"{last.isoformat(timespec='seconds') if last else 'never'}"
                + ("; autovacuum is disabled for it" if disabled else ""),
                why="dead rows slow every scan and grow the table; behind them, transaction "
                "ID wraparound waits",
                fix=(f"ALTER TABLE {target} RESET (autovacuum_enabled); " if disabled else "")
                + f"VACUUM (ANALYZE) {target};"
                + (
                    ""
                    if disabled
                    else f"  -- and if it recurs: ALTER TABLE {target} SET "
                    "(autovacuum_vacuum_scale_factor = 0.05);"
                ),
                evidence={
                    "dead_rows": t["dead"],
                    "live_rows": t["live"],
                    "autovacuum_trigger": round(trigger),
                    "last_autovacuum": _iso(t["last_autovacuum"]),
                    "last_vacuum": _iso(t["last_vacuum"]),
                    "autovacuum_disabled": disabled,
                },
            )
        )
    return found


def _iso(moment: Any) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def cache_hit_ratio(conn: Any, config: dict[str, str]) -> list[Finding]:
    """Share of table and index block reads served from shared buffers."""
    found: list[Finding] = []
    totals = rows(conn, _CACHE)[0]
    for kind, hit, read in (
        ("table", totals["heap_hit"], totals["heap_read"]),
        ("index", totals["idx_hit"], totals["idx_read"]),
    ):
        reads = int(hit) + int(read)
        if reads < CACHE_MIN_READS:
            continue
        ratio = int(hit) / reads
        if ratio >= CACHE_HIT_MIN:
            continue
        pages = int(config.get("shared_buffers", 0))
        block = int(config.get("block_size", 8192))
        found.append(
            Finding(
                rule="cache-hit-ratio",
                severity="warning",
                subject=f"{kind} cache",
                message=f"{kind} cache hit ratio {ratio:.2%} (below {CACHE_HIT_MIN:.0%}) over "
                f"{reads} block reads",
                why="reads that miss shared buffers go to the OS cache or the disk: the working "
                "set does not fit in memory",
                fix=f"raise shared_buffers (now {mebibytes(pages * block)}; about 25% of RAM), "
                "or cut what the top statements read (their missing indexes)",
                evidence={"ratio": round(ratio, 4), "hits": int(hit), "reads": int(read)},
            )
        )
    return found
