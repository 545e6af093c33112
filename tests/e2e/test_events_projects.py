"""Services with a message broker (--broker rabbitmq|nats|redis), a resource with events, a
consumer and a job pass their own checks: lint, types, and their events tests on SQLite and
PostgreSQL (the in-memory broker); the resource's whole suite, readiness and metrics once,
with RabbitMQ; the worker's consumer-lag count against each real broker."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import require_service
from tests.e2e.check_pool import pool_size
from tests.e2e.events_venv import events_venv
from tests.e2e.projects import check_tool
from tests.e2e.test_events_live import BROKERS

pytestmark = pytest.mark.e2e

EVENTS_TESTS = (
    "tests/core/test_events.py",
    "tests/core/test_asyncapi.py",
    "tests/order/test_order_events.py",
    "tests/jobs",
)


def _generate(broker: str, parent: Path) -> Path:
    project = parent / f"order-{broker}"
    command = [sys.executable, "-m", "backendkit", "new", "order", "--crud", "--events"]
    made = subprocess.run(
        [*command, "total:decimal(10,2)", "--broker", broker, "--auth", "none",
         "--output", str(project), "--no-git", "--defaults"],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    # A handler module as `add consumer` writes it is subscribed and passes the checks.
    consumer = [sys.executable, "-m", "backendkit", "add", "consumer", "order.created"]
    added = subprocess.run(
        [*consumer, "--from", "order", "--path", str(project)], capture_output=True, text=True
    )
    assert added.returncode == 0, added.stderr
    # A job as `add job` writes it (module and test) is run by the worker's consumers.
    job = [sys.executable, "-m", "backendkit", "add", "job", "send_invoice", "--path", str(project)]
    added = subprocess.run(job, capture_output=True, text=True)
    assert added.returncode == 0, added.stderr
    return project


@pytest.mark.parametrize("broker", ["rabbitmq", "nats", "redis"])
def test_a_service_with_events_passes_its_checks(
    broker: str, asyncpg_url: str, tmp_path: Path
) -> None:
    project = _generate(broker, tmp_path)
    venv = events_venv(project)
    check_tool(venv, project, "-m", "ruff", "check", "--no-cache", ".")
    check_tool(venv, project, "-m", "ruff", "format", "--check", "--no-cache", ".")
    pytest_args = ["-m", "pytest", "-q", "-p", "no:cacheprovider"]
    # The resource's whole suite and the readiness and metrics tests once (the outbox hooks
    # every write of the resource, /ready probes the broker); the events tests with each
    # broker's in-memory test broker, on both databases.
    around = ["tests/order", "tests/core/test_health.py", "tests/core/test_metrics.py"]
    selected = [*EVENTS_TESTS, *around] if broker == "rabbitmq" else list(EVENTS_TESTS)
    # mypy runs beside the tests. The SQLite run writes asyncapi.json (its first run) and the
    # PostgreSQL run reads it, so those two follow one another.
    with ThreadPoolExecutor(max_workers=pool_size()) as pool:
        typed = pool.submit(
            check_tool, venv, project, "-m", "mypy", "--cache-dir", str(venv.mypy_cache)
        )
        result = check_tool(venv, project, *pytest_args, *selected)
        assert " passed" in result.stdout and " failed" not in result.stdout
        on_postgres = check_tool(
            venv, project, *pytest_args, *EVENTS_TESTS, TEST_DATABASE_URL=asyncpg_url
        )
        assert " passed" in on_postgres.stdout and " skipped" not in on_postgres.stdout
        typed.result()
    # The worker's consumer lag, counted at the real broker (RabbitMQ, NATS, Redis).
    url = require_service(broker, *BROKERS[broker])
    probe = Path(__file__).with_name("events_lag_probe.py")
    lag = check_tool(venv, project, str(probe), broker, PYTHONPATH=str(project), BROKER_URL=url)
    assert "pending 3" in lag.stdout
    # The first run wrote the AsyncAPI document; it names what the service publishes and reads.
    document = json.loads((project / "asyncapi.json").read_text())
    schemas = document["components"]["schemas"]
    assert {"OrderCreatedEvent", "OrderDeletedEvent", "JobSendInvoiceEvent"} <= set(schemas)
    assert schemas["SendInvoicePayload"]["type"] == "object"
    if broker == "rabbitmq":
        # backendkit check holds the kept document to the code, as the project's test does.
        kept = project / "asyncapi.json"
        kept.write_text(kept.read_text().replace("OrderCreatedEvent", "OrderMadeEvent"))
        checked = subprocess.run(
            [sys.executable, "-m", "backendkit", "check", "--no-diff"],
            cwd=project,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1", "BACKENDKIT_PROJECT_PYTHON": str(venv.python)},
        )
        assert checked.returncode == 1, checked.stdout + checked.stderr
        assert "asyncapi.json: differs from what the code serves" in checked.stdout


def test_a_service_that_gains_a_broker_gets_the_event_tables_through_a_migration(
    tmp_path: Path,
) -> None:
    """``update --set broker=...`` gives the initial migration the events' tables; ``migrate
    create_event_tables`` brings them to a database that had applied it before, and a
    database made afterwards reaches the same head (the revision finds them there)."""
    project = tmp_path / "order"
    backendkit = [sys.executable, "-m", "backendkit"]
    new = [*backendkit, "new", "order", "--crud", "total:int", "--auth", "none", "--defaults"]
    made = subprocess.run([*new, "--output", str(project)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    url = "sqlite+aiosqlite:///{}".format
    updated = subprocess.run(
        [*backendkit, "update", "--set", "broker=rabbitmq", "--path", str(project)],
        capture_output=True,
        text=True,
    )
    assert updated.returncode == 0, updated.stdout + updated.stderr
    venv = events_venv(project)
    # The database of the service before its broker: the initial migration without the tables.
    subprocess.run(["git", "stash", "-q"], cwd=project, check=True)
    check_tool(venv, project, "-m", "alembic", "upgrade", "head", DATABASE_URL=url(before))
    subprocess.run(["git", "stash", "pop", "-q"], cwd=project, check=True)
    migrate = [*backendkit, "migrate", "create_event_tables", "--python", str(venv.python)]
    made_revision = subprocess.run(
        [*migrate, "--path", str(project)],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url(before)},
    )
    assert made_revision.returncode == 0, made_revision.stdout + made_revision.stderr
    for database in (before, after):
        check_tool(venv, project, "-m", "alembic", "upgrade", "head", DATABASE_URL=url(database))
        with sqlite3.connect(database) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        assert {"outbox_events", "inbox_events", "dead_letters", "orders"} <= tables
    check_tool(venv, project, "-m", "ruff", "check", "--no-cache", "migrations")
    check_tool(venv, project, "-m", "ruff", "format", "--check", "--no-cache", "migrations")
