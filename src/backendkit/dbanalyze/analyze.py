"""One read-only pass over a database: every rule family, in one READ ONLY transaction."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from backendkit.dbanalyze import activity, health, indexes, missing, nplus1, sizing, statements
from backendkit.dbanalyze.connection import connect
from backendkit.dbanalyze.queries import value
from backendkit.dbanalyze.report import SEVERITIES, AnalysisReport, Finding
from backendkit.errors import BackendkitError, UsageError


def analyze_database(
    url: str,
    project: Path | None = None,
    *,
    explain_analyze: bool = False,
    snapshot: Path | None = None,
    since: Path | None = None,
    requests: int | None = None,
) -> AnalysisReport:
    """Analyze the database at URL (libpq form); PROJECT's deploy files size its connections.

    SNAPSHOT: write each statement's calls there; SINCE (a snapshot) and REQUESTS: report
    statements run many times per request since (N+1).
    """
    import psycopg

    started = time.perf_counter()
    count = nplus1.requests_given(requests, since)
    before = nplus1.read_snapshot(since) if since is not None else None
    conn = connect(url)
    try:
        try:
            report = _analyze(conn, project, explain_analyze)
        except psycopg.Error as error:
            raise AnalysisError(f"the analysis failed: {_first_line(error)}") from None
        if snapshot is not None or before is not None:
            if not report.extensions.get("pg_stat_statements"):
                raise UsageError("--snapshot and --since need pg_stat_statements (see the note)")
            calls = statements.calls_by_statement(conn)
            if snapshot is not None:
                nplus1.write_snapshot(snapshot, calls)
            if before is not None:
                report.findings[:0] = nplus1.n_plus_one(before, calls, count)
    finally:
        conn.rollback()
        conn.close()
    report.seconds = time.perf_counter() - started
    return report


class AnalysisError(BackendkitError):
    """The database answered, but not to what the analysis needs (permissions, a lock)."""

    exit_code = 2


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _analyze(conn: Any, project: Path | None, explain_analyze: bool) -> AnalysisReport:
    reset = value(
        conn, "SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()"
    )
    report = AnalysisReport(
        database=value(conn, "SELECT current_database()"),
        server_version=value(conn, "SHOW server_version"),
        stats_reset=reset.isoformat(timespec="seconds") if reset else None,
    )
    found: list[Finding] = []

    all_indexes = indexes.load_indexes(conn)
    foreign_keys = indexes.load_foreign_keys(conn)
    found += indexes.unindexed_foreign_keys(foreign_keys, all_indexes)
    found += indexes.redundant_indexes(all_indexes)
    found += indexes.unused_indexes(all_indexes, foreign_keys, report.stats_reset)

    usable, note = statements.availability(conn)
    hypopg = missing.hypopg_available(conn)
    report.extensions = {"pg_stat_statements": usable, "hypopg": hypopg}
    tables = missing.load_tables(conn)
    if usable:
        statement_rows = statements.load_statements(conn)
        found += missing.missing_indexes(conn, statement_rows, tables, hypopg)
        found += statements.slow_statements(statement_rows)
        report.statements = statements.top_statements(conn, statement_rows, analyze=explain_analyze)
    else:
        report.notes.append(str(note))
        found += missing.seq_scanned_tables(tables)
    if not hypopg:
        report.notes.append(
            "HypoPG is not created in this database: proposed indexes rest on plan heuristics "
            "(apt-get install postgresql-15-hypopg, or your version's; CREATE EXTENSION hypopg;)"
        )

    config = health.settings(conn)
    table_health = health.load_tables(conn)
    found += health.bloated_tables(table_health)
    block_size = int(config.get("block_size", 8192))
    found += health.bloated_indexes(health.load_indexes(conn), block_size)
    found += health.autovacuum_lag(table_health, config)
    found += health.cache_hit_ratio(conn, config)
    found += activity.session_findings(activity.sessions(conn))

    if project is not None:
        max_connections = int(value(conn, "SHOW max_connections"))
        reserved = int(value(conn, "SHOW superuser_reserved_connections"))
        found += sizing.connection_sizing(sizing.deployments(project), max_connections, reserved)
    else:
        report.notes.append("connection sizing needs a project (run inside one)")

    found.sort(key=lambda f: (-SEVERITIES.index(f.severity), f.rule, f.subject))
    report.findings = found
    return report
