"""The parts of ``db analyze`` that need no server: URLs, plan reading, index proposals."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.dbanalyze.connection import libpq_url, resolve_url
from backendkit.dbanalyze.plans import ScanNeed, index_columns, scan_needs
from backendkit.errors import UsageError

COLUMNS = {"orders": ["id", "customer_email", "status", "total", "created_at"]}


def _seq(filter_: str | None = None) -> dict[str, object]:
    node: dict[str, object] = {
        "Node Type": "Seq Scan", "Relation Name": "orders", "Total Cost": 1311.0,
    }  # fmt: skip
    if filter_:
        node["Filter"] = filter_
    return node


@pytest.mark.parametrize(
    ("plan", "columns"),
    [
        (_seq("((customer_email)::text = $1)"), ("customer_email",)),
        # Equality first, then one range column.
        (_seq("((total > $2) AND (status = $1))"), ("status", "total")),
        # A sort over a scan without a filter: the sort key.
        (
            {"Node Type": "Limit", "Total Cost": 9.0, "Plans": [
                {"Node Type": "Sort", "Sort Key": ["orders.created_at DESC"], "Total Cost": 9.0,
                 "Plans": [_seq()]}]},
            ("created_at",),
        ),
        # Equality, then the sort (no range column).
        (
            {"Node Type": "Sort", "Sort Key": ["created_at"], "Total Cost": 9.0,
             "Plans": [_seq("(status = 'live'::text)")]},
            ("status", "created_at"),
        ),
    ],
)  # fmt: skip
def test_scan_needs_give_index_columns(plan: dict[str, object], columns: tuple[str, ...]) -> None:
    needs = scan_needs(plan, COLUMNS)
    assert [index_columns(n) for n in needs] == [columns]


def test_scans_of_small_tables_and_index_scans_are_not_needs() -> None:
    assert scan_needs(_seq("(status = $1)"), {"customers": ["id"]}) == []
    index_scan = {"Node Type": "Index Scan", "Relation Name": "orders", "Total Cost": 8.0}
    assert scan_needs(index_scan, COLUMNS) == []


def test_at_most_three_columns() -> None:
    need = ScanNeed("orders", ("a", "b", "c", "d"), (), (), 1.0)
    assert index_columns(need) == ("a", "b", "c")


def test_urls_lose_their_driver() -> None:
    assert libpq_url("postgresql+asyncpg://app:pw@db:5432/app") == "postgresql://app:pw@db:5432/app"
    assert libpq_url("postgres://db/app") == "postgresql://db/app"
    with pytest.raises(UsageError, match=r"'sqlite\+aiosqlite:///x.db': not a PostgreSQL URL"):
        libpq_url("sqlite+aiosqlite:///x.db")
    # The password never reaches the message.
    with pytest.raises(UsageError, match=r"'mysql://app:\*\*\*@db/app': not a PostgreSQL URL"):
        resolve_url("mysql://app:secret@db/app", None)


def test_url_from_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = tmp_path / "app" / "core" / "config.py"
    config.parent.mkdir(parents=True)
    config.write_text('DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@localhost/shop"\n')
    assert resolve_url(None, tmp_path) == "postgresql://postgres@localhost/shop"
    (tmp_path / ".env").write_text("# local\nDATABASE_URL='postgresql+asyncpg://me@db/x'\n")
    assert resolve_url(None, tmp_path) == "postgresql://me@db/x"
    monkeypatch.setenv("DATABASE_URL", "postgresql://env@db/y")
    assert resolve_url(None, tmp_path) == "postgresql://env@db/y"
    assert resolve_url("postgresql://flag@db/z", tmp_path) == "postgresql://flag@db/z"
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(UsageError, match="no database to analyze"):
        resolve_url(None, None)
