"""Plans of normalized statements (``$1`` placeholders): a generic plan of a prepared copy."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_PARAM = re.compile(r"\$(\d+)")
_names = itertools.count()


@dataclass(frozen=True)
class ScanNeed:
    """A sequential scan that an index could replace: its table and the columns it filters."""

    relation: str
    equality: tuple[str, ...]
    ranges: tuple[str, ...]
    sort: tuple[str, ...]
    cost: float


def explain(conn: Any, query: str, *, as_json: bool = True, analyze: bool = False) -> Any:
    """The generic plan of QUERY (JSON, or text), or None when it cannot be planned.

    Each call prepares a new copy, so a hypothetical index made since is planned with.
    """
    import psycopg

    name = f"backendkit_analyze_{next(_names)}"
    count = max((int(n) for n in _PARAM.findall(query)), default=0)
    args = f"({', '.join(['NULL'] * count)})" if count else ""
    options = ["FORMAT JSON" if as_json else "FORMAT TEXT"] + (["ANALYZE"] if analyze else [])
    try:
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cur.execute(f"PREPARE {name} AS {query}")
            cur.execute(f"EXPLAIN ({', '.join(options)}) EXECUTE {name}{args}")
            result = cur.fetchall()
    except psycopg.Error:
        return None  # a statement that does not prepare alone (types unknown, a utility)
    if as_json:
        return result[0][0][0]["Plan"]
    return "\n".join(str(row[0]) for row in result)


def total_cost(plan: dict[str, Any]) -> float:
    return float(plan["Total Cost"])


def _walk(
    node: dict[str, Any], above: tuple[dict[str, Any], ...] = ()
) -> Iterator[tuple[dict[str, Any], tuple[dict[str, Any], ...]]]:
    yield node, above
    for child in node.get("Plans", []):
        yield from _walk(child, (*above, node))


def uses_index(plan: dict[str, Any], index_name: str) -> bool:
    """Does some node of PLAN scan INDEX_NAME?"""
    return any(node.get("Index Name") == index_name for node, _ in _walk(plan))


def scan_needs(plan: dict[str, Any], columns_of: dict[str, list[str]]) -> list[ScanNeed]:
    """Sequential scans in PLAN driven by a filter or a sort on known columns of their table."""
    needs: list[ScanNeed] = []
    for node, above in _walk(plan):
        if node.get("Node Type") != "Seq Scan" or node.get("Relation Name") not in columns_of:
            continue
        known = columns_of[node["Relation Name"]]
        equality: list[str] = []
        ranges: list[str] = []
        for part in re.split(r"\bAND\b", node.get("Filter", "")):
            for column in _columns_in(part, known):
                target = equality if re.search(r"[^<>!]=", part) else ranges
                if column not in equality and column not in ranges:
                    target.append(column)
        sort: list[str] = []
        for ancestor in reversed(above):
            if ancestor.get("Node Type") in {"Sort", "Incremental Sort"}:
                for key in ancestor.get("Sort Key", []):
                    sort.extend(c for c in _columns_in(key, known) if c not in sort)
                break
        if equality or ranges or sort:
            needs.append(
                ScanNeed(
                    relation=node["Relation Name"],
                    equality=tuple(equality),
                    ranges=tuple(ranges),
                    sort=tuple(sort),
                    cost=float(node["Total Cost"]),
                )
            )
    return needs


def _columns_in(text: str, known: list[str]) -> list[str]:
    found: list[str] = []
    for match in re.finditer(r'"((?:[^"]|"")+)"|\b([A-Za-z_][A-Za-z0-9_$]*)\b', text):
        name = match[1].replace('""', '"') if match[1] else match[2]
        if name in known and name not in found:
            found.append(name)
    return found


def index_columns(need: ScanNeed) -> tuple[str, ...]:
    """Equality columns first, then one range column, else the sort: at most three."""
    columns = list(need.equality)
    if need.ranges:
        columns.append(need.ranges[0])
    else:
        columns.extend(c for c in need.sort if c not in columns)
    return tuple(columns[:3])
