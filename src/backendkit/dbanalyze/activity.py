"""Sessions of this database: long-running statements, idle transactions, waiting locks."""

from __future__ import annotations

from typing import Any

from backendkit.dbanalyze.queries import rows
from backendkit.dbanalyze.report import Finding

LONG_RUNNING_SECONDS = 60
IDLE_IN_TRANSACTION_SECONDS = 60
LOCK_WAIT_SECONDS = 5

_SESSIONS = """
SELECT pid, usename AS user, application_name AS application, state,
       extract(epoch FROM now() - query_start)::float AS running_seconds,
       extract(epoch FROM now() - state_change)::float AS state_seconds,
       extract(epoch FROM now() - xact_start)::float AS transaction_seconds,
       wait_event_type, wait_event, pg_blocking_pids(pid) AS blocked_by,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 200) AS query
FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
  AND backend_type = 'client backend'
"""


def sessions(conn: Any) -> list[dict[str, Any]]:
    return rows(conn, _SESSIONS)


def session_findings(active: list[dict[str, Any]]) -> list[Finding]:
    found: list[Finding] = []
    for s in active:
        evidence = {
            "pid": s["pid"],
            "user": s["user"],
            "application": s["application"],
            "state": s["state"],
            "query": s["query"],
        }
        if s["state"] == "active" and (s["running_seconds"] or 0) >= LONG_RUNNING_SECONDS:
            found.append(
                Finding(
                    rule="long-running-query",
                    severity="warning",
                    subject=f"pid {s['pid']}",
                    message=f"a statement has run for {s['running_seconds']:.0f} s: {s['query']}",
                    why="it holds a connection, its locks and a snapshot that stops vacuum from "
                    "cleaning up",
                    fix=f"SELECT pg_cancel_backend({s['pid']});  -- and set statement_timeout "
                    "(DB_STATEMENT_TIMEOUT_SECONDS in a generated service)",
                    evidence={**evidence, "seconds": round(s["running_seconds"], 1)},
                )
            )
        if (s["state"] or "").startswith("idle in transaction") and (
            s["state_seconds"] or 0
        ) >= IDLE_IN_TRANSACTION_SECONDS:
            found.append(
                Finding(
                    rule="idle-in-transaction",
                    severity="error",
                    subject=f"pid {s['pid']}",
                    message=f"a session has been idle in a transaction for "
                    f"{s['state_seconds']:.0f} s after: {s['query']}",
                    why="an open transaction keeps its locks and holds back vacuum on every "
                    "table until it ends",
                    fix=f"SELECT pg_terminate_backend({s['pid']});  -- and ALTER DATABASE ... "
                    "SET idle_in_transaction_session_timeout = '60s';",
                    evidence={**evidence, "seconds": round(s["state_seconds"], 1)},
                )
            )
        if s["wait_event_type"] == "Lock" and (s["state_seconds"] or 0) >= LOCK_WAIT_SECONDS:
            blockers = list(s["blocked_by"] or [])
            found.append(
                Finding(
                    rule="lock-wait",
                    severity="error",
                    subject=f"pid {s['pid']}",
                    message=f"waiting {s['state_seconds']:.0f} s for a {s['wait_event']} lock, "
                    f"blocked by pid {', '.join(map(str, blockers)) or '?'}: {s['query']}",
                    why="every statement queued behind a lock waits too; a migration without "
                    "lock_timeout stalls the whole table this way",
                    fix="; ".join(f"SELECT pg_cancel_backend({pid})" for pid in blockers)
                    + "  -- after looking at what the blocker runs",
                    evidence={
                        **evidence,
                        "seconds": round(s["state_seconds"], 1),
                        "blocked_by": blockers,
                    },
                )
            )
    return found
