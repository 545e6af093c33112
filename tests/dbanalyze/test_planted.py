"""``db analyze`` on a database with planted problems: each one found, with its fix."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from backendkit.dbanalyze import AnalysisReport, Finding, analyze_database
from backendkit.dbanalyze.plans import uses_index
from tests.dbanalyze.conftest import SLOW_CALLS, SLOW_QUERY, Server

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def report(planted: str) -> AnalysisReport:
    return analyze_database(planted)


def _one(report: AnalysisReport, rule: str, subject: str) -> Finding:
    found = [f for f in report.findings if f.rule == rule and f.subject == subject]
    assert len(found) == 1, [(f.rule, f.subject) for f in report.findings]
    return found[0]


def test_foreign_key_without_index(report: AnalysisReport) -> None:
    finding = _one(report, "foreign-key-without-index", "orders(customer_id)")
    assert (
        finding.fix == "CREATE INDEX CONCURRENTLY idx_orders_customer_id ON orders (customer_id);"
    )
    assert finding.evidence["referenced"] == "customers"


def test_duplicate_index(report: AnalysisReport) -> None:
    finding = _one(report, "duplicate-index", "products_sku_idx")
    assert finding.fix == "DROP INDEX CONCURRENTLY products_sku_idx;"
    assert "products_sku_again_idx" in finding.message
    # Its twin is kept: one of the pair is reported, not both.
    assert not [f for f in report.findings if f.subject == "products_sku_again_idx"]


def test_unused_index_shows_reset_time_and_size(report: AnalysisReport) -> None:
    finding = _one(report, "unused-index", "orders_total_idx")
    assert finding.fix.startswith("DROP INDEX CONCURRENTLY orders_total_idx;")
    assert finding.evidence["scans"] == 0
    assert finding.evidence["size_bytes"] > 0
    assert finding.evidence["stats_reset"] == report.stats_reset
    assert finding.evidence["table_writes"] >= 60000
    # Primary keys, and indexes on small tables, are never "unused".
    unused = {f.subject for f in report.findings if f.rule == "unused-index"}
    assert unused == {"orders_total_idx", "events_payload_idx"}


def test_bloated_table_and_autovacuum_lag(report: AnalysisReport) -> None:
    bloat = _one(report, "table-bloat", "events")
    assert bloat.evidence["ratio"] >= 0.5
    assert bloat.fix.startswith("VACUUM (ANALYZE) events;")
    index = _one(report, "index-bloat", "events_payload_idx")
    assert index.evidence["ratio"] >= 0.5
    assert index.fix == "REINDEX INDEX CONCURRENTLY events_payload_idx;"
    lag = _one(report, "autovacuum-lag", "events")
    assert lag.evidence["dead_rows"] == 27000
    assert lag.evidence["autovacuum_disabled"] is True
    assert lag.fix == "ALTER TABLE events RESET (autovacuum_enabled); VACUUM (ANALYZE) events;"


def test_nothing_else_is_reported(report: AnalysisReport, server: Server) -> None:
    expected = {
        ("foreign-key-without-index", "orders(customer_id)"),
        ("duplicate-index", "products_sku_idx"),
        ("unused-index", "orders_total_idx"),
        ("table-bloat", "events"),
        ("index-bloat", "events_payload_idx"),
        ("unused-index", "events_payload_idx"),
        ("autovacuum-lag", "events"),
        ("missing-index", "orders(customer_email)")
        if server.statements
        else ("seq-scan-heavy-table", "orders"),
    }
    assert {(f.rule, f.subject) for f in report.findings} == expected
    assert all(f.why and f.fix for f in report.findings)


@pytest.mark.usefixtures("statements_available")
def test_missing_index_proposed_and_its_plan_uses_it(
    report: AnalysisReport, planted: str, server: Server
) -> None:
    finding = _one(report, "missing-index", "orders(customer_email)")
    assert finding.fix == (
        "CREATE INDEX CONCURRENTLY idx_orders_customer_email ON orders (customer_email);"
    )
    assert finding.evidence["statements"][0]["calls"] == SLOW_CALLS
    before = finding.evidence["cost_before"]
    if server.hypopg:
        assert finding.evidence["verified_by"] == "hypopg"
        assert finding.evidence["cost_after"] < before / 2
    with psycopg.connect(planted) as conn:  # applied in a transaction, rolled back
        conn.execute(finding.fix.replace(" CONCURRENTLY", ""))
        plan = conn.execute("EXPLAIN (FORMAT JSON) " + SLOW_QUERY, ("c7@example.com",)).fetchone()
        conn.rollback()
    assert plan is not None
    top = plan[0][0]["Plan"]
    assert uses_index(top, "idx_orders_customer_email"), top
    assert top["Total Cost"] < before


@pytest.mark.usefixtures("statements_available")
def test_top_statements_carry_their_plans(report: AnalysisReport) -> None:
    slow = [s for s in report.statements if s.query.startswith("SELECT id, total FROM orders")]
    assert len(slow) == 1
    assert slow[0].calls == SLOW_CALLS
    assert slow[0].plan and "Seq Scan on orders" in slow[0].plan


def test_analysis_is_read_only(planted: str) -> None:
    def schema() -> list[tuple[object, ...]]:
        with psycopg.connect(planted) as conn:
            return conn.execute(
                "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1"
            ).fetchall()

    before = schema()
    analyze_database(planted)
    assert schema() == before


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backendkit", "db", "analyze", *args],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "COLUMNS": "200", "NO_COLOR": "1"},
        cwd="/",
        check=False,
        timeout=120,
    )


def test_json_report_and_exit_codes(planted: str) -> None:
    asyncpg_url = planted.replace("postgresql://", "postgresql+asyncpg://", 1)
    result = _cli("--database-url", asyncpg_url, "--json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {
        "database", "server_version", "stats_reset", "extensions", "seconds", "failing",
        "findings", "statements", "notes",
    }  # fmt: skip
    assert document["failing"] == len(document["findings"])
    assert set(document["findings"][0]) == {
        "rule", "severity", "subject", "message", "why", "fix", "evidence",
    }  # fmt: skip
    # Every planted problem is a warning: none reaches --fail-on error.
    assert _cli("--database-url", planted, "--fail-on", "error").returncode == 0


def test_text_report_names_rule_evidence_and_fix(planted: str) -> None:
    result = _cli("--database-url", planted)
    assert result.returncode == 1
    assert (
        "orders(customer_id): foreign-key-without-index [warning] foreign key "
        "orders_customer_id_fkey (customer_id -> customers) has no index"
    ) in result.stdout
    assert "    fix: DROP INDEX CONCURRENTLY products_sku_idx;" in result.stdout
    assert result.stdout.splitlines()[-1].startswith(f"database {planted.rsplit('/', 1)[1]} ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--database-url", "postgresql://nobody@127.0.0.1:1/none"], "error: cannot connect to"),
        (["--database-url", "mysql://x@y/z"], "error: --database-url 'mysql://x@y/z': not a"),
        (["--fail-on", "info"], "error: --fail-on 'info': use warning or error"),
        (
            ["--database-url", "postgresql://nobody@127.0.0.1:1/none", "--since", "/none.json"],
            "error: --since needs --requests N",
        ),
        (
            [
                "--database-url",
                "postgresql://nobody@127.0.0.1:1/none",
                "--since",
                "/none.json",
                "--requests",
                "3",
            ],
            "error: --since /none.json: not a snapshot written by --snapshot",
        ),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = _cli(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.usefixtures("statements_available")
def test_n_plus_one_from_a_snapshot_and_the_requests_since(planted: str, tmp_path: Path) -> None:
    before = tmp_path / "before.json"
    analyze_database(planted, snapshot=before)
    with psycopg.connect(planted, autocommit=True) as conn:
        for request in range(10):  # each "request" lists 6 orders, then loads each customer
            for n in range(6):
                conn.execute("SELECT email FROM customers WHERE id = %s", (request * 6 + n + 1,))
    report = analyze_database(planted, since=before, requests=10)
    found = [f for f in report.findings if f.rule == "n-plus-one"]
    assert len(found) == 1, [f.message for f in found]
    assert found[0].evidence["calls"] == 60
    assert found[0].evidence["per_request"] == 6.0
    assert "selectinload" in found[0].fix


@pytest.mark.usefixtures("statements_available")
def test_explain_analyze_only_when_asked(planted: str) -> None:
    def plan(report: AnalysisReport) -> str:
        found = [s for s in report.statements if s.query.startswith("SELECT id, total FROM")]
        return found[0].plan or ""

    assert "actual time" not in plan(analyze_database(planted))
    assert "actual time" in plan(analyze_database(planted, explain_analyze=True))


def test_idle_transaction_and_the_lock_it_holds(
    planted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backendkit.dbanalyze import activity

    # The thresholds (60 s idle, 5 s waiting) brought to zero: the same rules, no long wait.
    monkeypatch.setattr(activity, "IDLE_IN_TRANSACTION_SECONDS", 0)
    monkeypatch.setattr(activity, "LOCK_WAIT_SECONDS", 0)
    holder = psycopg.connect(planted)
    holder.execute("LOCK TABLE products IN ACCESS EXCLUSIVE MODE")
    holder_pid = holder.info.backend_pid
    waiter = psycopg.connect(planted, autocommit=True)
    waiter_pid = waiter.info.backend_pid
    blocked = threading.Thread(target=lambda: waiter.execute("SELECT count(*) FROM products"))
    blocked.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            report = analyze_database(planted)
            if any(f.rule == "lock-wait" for f in report.findings):
                break
            time.sleep(0.1)
        idle = _one(report, "idle-in-transaction", f"pid {holder_pid}")
        assert idle.severity == "error"
        assert idle.fix.startswith(f"SELECT pg_terminate_backend({holder_pid});")
        wait = _one(report, "lock-wait", f"pid {waiter_pid}")
        assert wait.evidence["blocked_by"] == [holder_pid]
        assert wait.fix.startswith(f"SELECT pg_cancel_backend({holder_pid})")
    finally:
        holder.rollback()
        blocked.join(timeout=10)
        holder.close()
        waiter.close()
