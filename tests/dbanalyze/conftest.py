"""A PostgreSQL database per test session with planted problems, dropped at the end.

Planted: ``orders.customer_email`` filtered without an index, 40 times (the slow query);
``orders.customer_id`` a foreign key without an index; ``orders(total)`` an index never
scanned; ``products(sku)`` indexed twice; ``events`` and its index ``events_payload_idx``
bloated (90% deleted, autovacuum off).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import uuid4

import psycopg
import pytest

SLOW_QUERY = "SELECT id, total FROM orders WHERE customer_email = %s"
SLOW_CALLS = 40

_SCHEMA = """
CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL);
INSERT INTO customers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 2000) g;
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id int NOT NULL REFERENCES customers (id),
    customer_email text NOT NULL,
    total numeric(10, 2) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO orders (customer_id, customer_email, total)
SELECT 1 + g % 2000, 'c' || (1 + g % 2000) || '@example.com', g % 500
FROM generate_series(1, 60000) g;
CREATE INDEX orders_total_idx ON orders (total);
CREATE TABLE products (id serial PRIMARY KEY, sku text NOT NULL);
INSERT INTO products (sku) SELECT 'sku-' || g FROM generate_series(1, 300) g;
CREATE INDEX products_sku_idx ON products (sku);
CREATE INDEX products_sku_again_idx ON products (sku);
CREATE TABLE events (id bigserial PRIMARY KEY, payload text NOT NULL)
    WITH (autovacuum_enabled = false);
INSERT INTO events (payload) SELECT repeat('x', 190) || g FROM generate_series(1, 30000) g;
CREATE INDEX events_payload_idx ON events (payload);
ANALYZE;
DELETE FROM events WHERE id % 10 <> 0;
"""


@dataclass(frozen=True)
class Server:
    """The test server: its URL and which extensions it can give a database."""

    url: str
    statements: bool  # pg_stat_statements in shared_preload_libraries
    hypopg: bool


def database_url(server: str, name: str) -> str:
    return server.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def server(postgres_url: str) -> Server:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        preload = conn.execute("SHOW shared_preload_libraries").fetchone()
        hypopg = conn.execute(
            "SELECT count(*) FROM pg_available_extensions WHERE name = 'hypopg'"
        ).fetchone()
    return Server(
        url=postgres_url,
        statements="pg_stat_statements" in str(preload[0] if preload else ""),
        hypopg=bool(hypopg and hypopg[0]),
    )


@pytest.fixture(scope="session")
def scratch_databases(server: Server) -> Iterator[list[str]]:
    """Names of databases the tests create; every one is dropped at the end of the session."""
    names: list[str] = []
    yield names
    with psycopg.connect(server.url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_database(server: Server, scratch: list[str], prefix: str) -> str:
    """A new empty database (URL) with the extensions the server offers."""
    name = f"{prefix}_{uuid4().hex[:10]}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    scratch.append(name)
    url = database_url(server.url, name)
    with psycopg.connect(url, autocommit=True) as conn:
        if server.statements:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        if server.hypopg:
            conn.execute("CREATE EXTENSION IF NOT EXISTS hypopg")
    return url


@pytest.fixture(scope="session")
def planted(server: Server, scratch_databases: list[str]) -> str:
    """The database with every planted problem, its load already run (URL)."""
    url = new_database(server, scratch_databases, "bk_analyze")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(_SCHEMA)
    with psycopg.connect(url, autocommit=True) as conn:
        for n in range(SLOW_CALLS):
            conn.execute(SLOW_QUERY, (f"c{n}@example.com",)).fetchall()
    _wait_for_statistics(url)
    return url


def _wait_for_statistics(url: str) -> None:
    """Table statistics reach the views when a session ends: wait for the load's to show."""
    deadline = time.monotonic() + 10
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT coalesce(seq_scan, 0), coalesce(n_dead_tup, 0) FROM pg_stat_user_tables "
                "JOIN (SELECT relid FROM pg_stat_user_tables WHERE relname = 'events') e "
                "USING (relid)"
            ).fetchone()
            scans = conn.execute(
                "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'orders'"
            ).fetchone()
            if row and row[1] > 0 and scans and scans[0] >= SLOW_CALLS:
                return
            time.sleep(0.1)
            conn.execute("SELECT pg_stat_clear_snapshot()")
    raise AssertionError("the load's statistics never reached pg_stat_user_tables")


@pytest.fixture(scope="session")
def statements_available(server: Server) -> None:
    """pg_stat_statements loaded on the server (.ci/run loads it); else skip, or fail in CI."""
    if server.statements:
        return
    reason = (
        "pg_stat_statements is not in the server's shared_preload_libraries "
        "(.ci/run enables it; or point BACKENDKIT_TEST_POSTGRES_URL at a server that loads it)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; under CI=true this is a failure")
    pytest.skip(reason)
