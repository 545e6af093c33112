"""``backendkit loadtest ... --analyze-db``: an endpoint that queries once per row is reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest

pytestmark = pytest.mark.postgres
ROWS = 6


@pytest.fixture
def n_plus_one_endpoint(planted: str) -> Iterator[str]:
    """GET / lists ROWS customers, then loads each one by its id: ROWS + 1 queries a request."""
    conn = psycopg.connect(planted, autocommit=True)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                ids = conn.execute("SELECT id FROM customers ORDER BY id LIMIT %s", (ROWS,))
                emails = [
                    conn.execute("SELECT email FROM customers WHERE id = %s", row).fetchone()
                    for row in ids.fetchall()
                ]
            body = json.dumps([e[0] for e in emails if e]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        conn.close()


@pytest.mark.usefixtures("statements_available")
def test_loadtest_reports_the_statement_run_once_per_row(
    n_plus_one_endpoint: str, planted: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", "loadtest", n_plus_one_endpoint, "--rps", "100",
         "-n", "40", "-c", "4", "--analyze-db", "--database-url", planted, "--json", "-"],
        capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    found = summary["n_plus_one"]
    assert [f["evidence"]["per_request"] for f in found] == [ROWS]
    assert "WHERE id = $1" in found[0]["evidence"]["query"]
    assert "n-plus-one: run 6.0 times per request" in result.stdout + result.stderr


def test_analyze_db_on_an_unreachable_database_is_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", "loadtest", "http://127.0.0.1:1/", "-n", "1",
         "--analyze-db", "--database-url", "postgresql://nobody@127.0.0.1:1/none"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot connect to")
