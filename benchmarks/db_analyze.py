"""``db analyze`` on a database of 50 tables (each with rows, a foreign key and indexes).

    .venv/bin/python benchmarks/db_analyze.py [SERVER_URL]

Prints the median of 5 analyses (the library call: connection, every rule, the report) and
the median of 5 ``SELECT 1`` connections as the baseline measured in the same run.
"""

from __future__ import annotations

import statistics
import sys
import time
from uuid import uuid4

import psycopg

from backendkit.dbanalyze import analyze_database

TABLES = 50
RUNS = 5


def build(server: str) -> str:
    name = f"bk_analyze_bench_{uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = server.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t0 (id bigserial PRIMARY KEY, name text NOT NULL)")
        for n in range(1, TABLES):
            conn.execute(
                f"CREATE TABLE t{n} (id bigserial PRIMARY KEY, parent_id bigint REFERENCES "
                f"t{n - 1} (id), name text NOT NULL, created_at timestamptz DEFAULT now())"
            )
            conn.execute(f"CREATE INDEX idx_t{n}_parent_id ON t{n} (parent_id)")
            conn.execute(f"CREATE INDEX idx_t{n}_created_at ON t{n} (created_at)")
        for n in range(TABLES):
            conn.execute(f"INSERT INTO t{n} (name) SELECT 'x' || g FROM generate_series(1, 200) g")
        conn.execute("ANALYZE")
    return url


def main() -> None:
    server = sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/postgres"
    url = build(server)
    try:
        analyses, connects = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            with psycopg.connect(url) as conn:
                conn.execute("SELECT 1")
            connects.append(time.perf_counter() - started)
            started = time.perf_counter()
            report = analyze_database(url)
            analyses.append(time.perf_counter() - started)
        print(f"{TABLES} tables: db analyze median {statistics.median(analyses):.3f} s "
              f"({len(report.findings)} findings); connect + SELECT 1 median "
              f"{statistics.median(connects):.3f} s")  # fmt: skip
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


if __name__ == "__main__":
    main()
