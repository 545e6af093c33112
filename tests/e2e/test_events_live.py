"""Two generated services on PostgreSQL and a real broker: ``order`` publishes order.created
through its outbox, from a relay process of its own (``python -m app relay``); ``inventory``
consumes it and writes a reservation. In one stream of 1,000 orders, four faults:

- the broker goes away from the order service for three seconds (cut through a TCP proxy:
  the events wait in the outbox);
- the consumer process is killed (SIGKILL: deliveries in flight come again, and the inbox
  drops the repeats);
- the relay process is killed while it publishes (SIGKILL: the batch it had claimed and not
  marked is published again by its successor; the inbox drops the repeats);
- the handler raises for one order, every time: that event becomes a dead letter and the
  others flow past it.

The other 999 orders give exactly 999 reservations, none twice, none missing."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

import pytest

from tests.conftest import require_service
from tests.e2e.conftest import postgres_admin
from tests.e2e.events_venv import events_venv
from tests.e2e.live_server import free_port, request
from tests.e2e.projects import check_tool, project_env
from tests.e2e.tcp_proxy import proxied
from tests.e2e.venv import Venv

pytestmark = pytest.mark.e2e

BROKERS = {
    "rabbitmq": ("amqp://guest:guest@127.0.0.1:5672/", 5672),
    "nats": ("nats://127.0.0.1:4222", 4222),
    "redis": ("redis://127.0.0.1:6379/0", 6379),
}
ORDERS = 1000
POISON = 777  # the total of the order whose handler always raises
HANDLER = '''"""Reserves stock for each order."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.envelope import CloudEvent
from app.reservation.models import Reservation

EVENT_TYPE = "order.created"
SOURCE: str | None = "{source}"


async def handle(event: CloudEvent, connection: AsyncConnection) -> None:
    """One reservation per order (not for order {poison}: its handler fails every time)."""
    if event.data["total"] == {poison}:
        raise ValueError("order {poison} cannot be reserved")
    await connection.execute(sa.insert(Reservation), {{"order_id": uuid.UUID(event.data["id"])}})
'''


def _backendkit(*args: str, cwd: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", *args], cwd=cwd, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def _services(parent: Path, broker: str, source: str) -> tuple[Path, Path]:
    common = ["--broker", broker, "--auth", "none", "--db", "postgres", "--no-git", "--defaults"]
    _backendkit("new", "order", "--crud", "--events", "total:int", *common, cwd=parent)
    _backendkit("new", "inventory", *common, cwd=parent)
    inventory = parent / "inventory"
    # Not unique: a second effect of one event would show as a second row.
    _backendkit("add", "resource", "reservation", "order_id:uuid:index", cwd=inventory)
    _backendkit("add", "consumer", "order.created", "--from", source, cwd=inventory)
    (inventory / "app/consumers/order_created.py").write_text(
        HANDLER.format(source=source, poison=POISON)
    )
    return parent / "order", inventory


@contextmanager
def _database(venv: Venv, server: str) -> Iterator[str]:
    name = f"bk_events_{uuid4().hex[:12]}"
    postgres_admin(venv, server, f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        postgres_admin(venv, server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _start(venv: Venv, project: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [str(venv.python), "-m", "app"],
        cwd=project,
        env=project_env(project, PORT=str(port), HOST="127.0.0.1", **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{project.name} exited with {process.returncode}"
        try:
            if request("GET", f"{base}/health").status == 200:
                return process, base
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{project.name} did not start")


def _start_relay(venv: Venv, project: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(venv.python), "-m", "app", "relay"],
        cwd=project,
        env=project_env(project, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _stop(process: subprocess.Popen[str], *, kill: bool = False) -> None:
    process.kill() if kill else process.terminate()
    process.wait(timeout=15)


def _sql(database: str, query: str) -> str:
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", query],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def _kill_while_publishing(relay: subprocess.Popen[str], order_db: str) -> None:
    """SIGKILL the relay while it has events to publish (within a second at most)."""
    pending = "SELECT count(*) FROM outbox_events WHERE published_at IS NULL"
    deadline = time.monotonic() + 1.0
    while _sql(order_db, pending) == "0" and time.monotonic() < deadline:
        time.sleep(0.01)
    _stop(relay, kill=True)


def broker_proxy_down(cut_at: float) -> bool:
    """Whether the cut has lasted its three seconds."""
    return time.monotonic() - cut_at >= 3.0


@pytest.mark.parametrize("broker", list(BROKERS))
def test_every_order_reserved_exactly_once_through_four_faults(
    broker: str, asyncpg_url: str, tmp_path: Path
) -> None:
    broker_url, port = BROKERS[broker]
    require_service(broker, broker_url, port)
    source = f"order-{uuid4().hex[:8]}"  # events of earlier runs in the broker are not ours
    order, inventory = _services(tmp_path, broker, source)
    venv = events_venv(order)
    assert events_venv(inventory) == venv
    server = asyncpg_url.rsplit("/", 1)[0]
    with (
        _database(venv, asyncpg_url) as order_db,
        _database(venv, asyncpg_url) as stock_db,
        proxied("127.0.0.1", port) as broker_proxy,
    ):
        common = {"APP_ENV": "test", "LOG_LEVEL": "WARNING", "BROKER_URL": broker_url}
        order_env = {
            **common,
            "BROKER_URL": broker_url.replace(f":{port}", f":{broker_proxy.port}"),
            "DATABASE_URL": f"{server}/{order_db}",
            "APP_NAME": source,
            "RATE_LIMIT_PER_MINUTE": "0",
            "EVENTS_RELAY_IN_PROCESS": "false",  # `python -m app relay` publishes
        }
        stock_env = {
            **common,
            "DATABASE_URL": f"{server}/{stock_db}",
            "APP_NAME": f"inventory-{source}",
            "CONSUMER_BACKOFF_SECONDS": "0.05",
        }
        for project, env in ((order, order_env), (inventory, stock_env)):
            check_tool(venv, project, "-m", "alembic", "upgrade", "head", **env)
        # The broker may hold other runs' messages (other sources): those are not counted.
        ours_dead = (
            f"SELECT event_id, error FROM dead_letters WHERE envelope->>'source' = '{source}'"
        )
        ours_poisoned = (
            "SELECT string_agg(envelope->'data'->>'total', ',') FROM dead_letters"
            f" WHERE envelope->>'source' = '{source}'"
        )
        order_process, order_base = _start(venv, order, order_env)
        relay_process = _start_relay(venv, order, order_env)
        stock_process, _ = _start(venv, inventory, stock_env)
        try:
            time.sleep(1.0)  # the consumers subscribe in the background
            cut_at = float("inf")
            for n in range(ORDERS):
                if n == ORDERS // 4:
                    broker_proxy.stop()
                    cut_at = time.monotonic()
                if n > ORDERS // 4 and broker_proxy_down(cut_at):
                    broker_proxy.start()
                    cut_at = float("inf")
                if n == ORDERS // 2:
                    _stop(stock_process, kill=True)  # deliveries in flight are not acked
                    stock_process, _ = _start(venv, inventory, stock_env)
                if n == 3 * ORDERS // 4:
                    _kill_while_publishing(relay_process, order_db)
                    relay_process = _start_relay(venv, order, order_env)
                reply = request("POST", f"{order_base}/api/v1/orders", {"total": n})
                assert reply.status == 201, reply.body
            if cut_at != float("inf"):  # the orders went faster than the cut lasts
                time.sleep(max(0.0, 3.0 - (time.monotonic() - cut_at)))
                broker_proxy.start()
            reserved = ORDERS - 1  # every order but the poisoned one
            expected = f"{reserved}|{reserved}"
            count = "SELECT count(*), count(DISTINCT order_id) FROM reservations"
            deadline = time.monotonic() + 90
            counted = ""
            while time.monotonic() < deadline:
                counted = _sql(stock_db, count)
                if counted == expected and _sql(stock_db, ours_dead):
                    break
                time.sleep(0.5)
            time.sleep(1.0)  # late redeliveries would add rows now
            counted = _sql(stock_db, count)
            letters = _sql(stock_db, ours_dead)
            assert counted == expected, letters
            assert _sql(order_db, "SELECT count(*) FROM orders") == str(ORDERS)
            # One dead letter: the poisoned order's event, and no reservation of it.
            assert _sql(stock_db, ours_poisoned) == str(POISON), letters
            poisoned = _sql(order_db, f"SELECT id FROM orders WHERE total = {POISON}")
            assert (
                _sql(stock_db, f"SELECT count(*) FROM reservations WHERE order_id = '{poisoned}'")
                == "0"
            )
            assert (
                _sql(order_db, "SELECT count(*) FROM outbox_events WHERE published_at IS NULL")
                == "0"
            )
        finally:
            _stop(order_process)
            _stop(relay_process)
            _stop(stock_process)
