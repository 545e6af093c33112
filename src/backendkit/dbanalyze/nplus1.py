"""N+1 queries: a statement shape run many times per request, from pg_stat_statements deltas.

``db analyze --snapshot FILE`` before a load test records each statement's calls; after it,
``db analyze --since FILE --requests N`` divides the calls made meanwhile by the N requests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backendkit.dbanalyze.report import Finding
from backendkit.errors import UsageError

# The same SELECT this many times per request is a loop over rows, not a page of queries.
CALLS_PER_REQUEST = 5


def write_snapshot(path: Path, calls: dict[int, tuple[str, int]]) -> None:
    try:
        path.write_text(json.dumps({"calls": {str(k): v[1] for k, v in calls.items()}}) + "\n")
    except OSError as error:
        raise UsageError(f"--snapshot {path}: {error.strerror or error}") from None


def read_snapshot(path: Path) -> dict[int, int]:
    try:
        raw = json.loads(path.read_text())
        return {int(k): int(v) for k, v in raw["calls"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise UsageError(f"--since {path}: not a snapshot written by --snapshot") from None


def n_plus_one(
    before: dict[int, int], after: dict[int, tuple[str, int]], requests: int
) -> list[Finding]:
    """Statements whose calls since BEFORE reach CALLS_PER_REQUEST per request."""
    found: list[Finding] = []
    for queryid, (query, calls) in after.items():
        delta = calls - before.get(queryid, 0)
        per_request = delta / requests
        if per_request < CALLS_PER_REQUEST or not query.lstrip().upper().startswith("SELECT"):
            continue
        found.append(
            Finding(
                rule="n-plus-one",
                severity="warning",
                subject=f"queryid {queryid}",
                message=f"run {per_request:.1f} times per request ({delta} calls in {requests} "
                f"requests): {' '.join(query.split())[:160]}",
                why="one query per row of a list multiplies round trips with the page size; "
                "the latency grows with the data",
                fix="load the related rows with the parent query: selectinload()/joinedload() "
                "on the relationship, one WHERE ... IN query, or a DataLoader in GraphQL",
                evidence={
                    "queryid": queryid,
                    "calls": delta,
                    "requests": requests,
                    "per_request": round(per_request, 2),
                    "query": query,
                },
            )
        )
    return found


def requests_given(requests: int | None, since: Any) -> int:
    if since is not None and (requests is None or requests < 1):
        raise UsageError("--since needs --requests N: how many requests the load test sent")
    return requests or 0


def calls_now(url: str) -> dict[int, tuple[str, int]]:
    """Each statement's calls so far in the database at URL (pg_stat_statements must be there)."""
    from backendkit.dbanalyze.connection import connect
    from backendkit.dbanalyze.statements import availability, calls_by_statement

    conn = connect(url)
    try:
        usable, note = availability(conn)
        if not usable:
            raise UsageError(f"--analyze-db: {note}")
        return calls_by_statement(conn)
    finally:
        conn.rollback()
        conn.close()
