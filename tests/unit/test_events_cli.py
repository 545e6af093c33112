"""The broker answer, resources with events and ``add consumer``, through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.helpers import run_cli


@pytest.fixture
def order(tmp_path: Path) -> Path:
    made = run_cli(
        "new", "order", "--crud", "--events", "--broker", "rabbitmq", "total:int",
        "--no-git", "--defaults", cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return tmp_path / "order"


def test_new_with_a_broker_and_events(order: Path) -> None:
    state = (order / ".backendkit/state.yml").read_text()
    assert "broker: rabbitmq" in state
    assert "events: true" in state
    assert "faststream.rabbit" in (order / "app/events/broker.py").read_text()
    assert "faststream[rabbit]" in (order / "pyproject.toml").read_text()
    assert 'row_events("order", OrderRead)' in (order / "app/order/repository.py").read_text()
    assert (order / "tests/order/test_order_events.py").is_file()
    assert "outbox_events" in (order / "migrations/versions/0000_initial.py").read_text()
    compose = yaml.safe_load((order / "compose.yaml").read_text())
    assert "rabbitmq-diagnostics" in compose["services"]["rabbitmq"]["healthcheck"]["test"]
    assert compose["services"]["api"]["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    assert compose["x-service"]["environment"]["BROKER_URL"].startswith("amqp://")
    assert run_cli("check", cwd=order).returncode == 0


def test_without_a_broker_nothing_of_events_is_written(tmp_path: Path) -> None:
    made = run_cli("new", "plain", "--crud", "--no-git", "--defaults", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    project = tmp_path / "plain"
    assert not (project / "app/events").exists()
    assert "faststream" not in (project / "pyproject.toml").read_text()
    assert "broker" not in (project / ".backendkit/state.yml").read_text()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--crud", "--events"], "choose a broker first"),
        (["--events"], "add --crud"),
        (["--crud", "--broker", "kafka"], "broker"),
    ],
)
def test_bad_event_answers_are_one_line_and_write_nothing(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = run_cli("new", "order", *arguments, "--no-git", "--defaults", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "order").exists()


def test_update_changes_the_broker(order: Path) -> None:
    result = run_cli("update", "--set", "broker=nats", cwd=order)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "faststream.nats" in (order / "app/events/broker.py").read_text()
    assert "faststream[nats]" in (order / "pyproject.toml").read_text()
    assert "broker: nats" in (order / ".backendkit/state.yml").read_text()
    refused = run_cli("update", "--set", "broker=none", cwd=order)
    assert refused.returncode == 2
    assert "choose a broker first" in refused.stderr


def test_add_resource_with_events(order: Path) -> None:
    added = run_cli("add", "resource", "invoice", "amount:int", "--events", cwd=order)
    assert added.returncode == 0, added.stderr
    assert "row_events" in (order / "app/invoice/repository.py").read_text()
    assert "events: true" in (order / ".backendkit/state.yml").read_text().split("name: invoice")[1]


def test_add_consumer_writes_a_handler_that_is_the_users(order: Path) -> None:
    added = run_cli("add", "consumer", "order.created", "--from", "order-service", cwd=order)
    assert added.returncode == 0, added.stderr
    handler = (order / "app/consumers/order_created.py").read_text()
    assert 'EVENT_TYPE = "order.created"' in handler
    assert 'SOURCE: str | None = "order-service"' in handler
    assert (order / "app/consumers/__init__.py").is_file()
    assert run_cli("check", cwd=order).returncode == 0
    again = run_cli("add", "consumer", "order.created", cwd=order)
    assert again.returncode == 2
    assert "refusing to overwrite" in again.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["Order"], "expected dotted lowercase words"),
        (["order"], "expected dotted lowercase words"),
        (["order.created", "--from", "../x"], "expected a service name"),
    ],
)
def test_add_consumer_refuses_bad_names(order: Path, arguments: list[str], message: str) -> None:
    result = run_cli("add", "consumer", *arguments, cwd=order)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (order / "app/consumers").exists()


def test_add_consumer_needs_a_broker(tmp_path: Path) -> None:
    made = run_cli("new", "plain", "--no-git", "--defaults", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    result = run_cli("add", "consumer", "order.created", cwd=tmp_path / "plain")
    assert result.returncode == 2
    assert "no message broker" in result.stderr


def test_add_job_writes_a_module_and_a_test_that_are_the_users(order: Path) -> None:
    added = run_cli("add", "job", "send_invoice", cwd=order)
    assert added.returncode == 0, added.stderr
    module = (order / "app/jobs/send_invoice.py").read_text()
    assert 'JOB = "send_invoice"' in module
    assert "async def enqueue(connection: AsyncConnection, payload: Payload) -> str:" in module
    assert "in_memory(broker)" in (order / "tests/jobs/test_send_invoice.py").read_text()
    assert (order / "app/jobs/__init__.py").is_file()
    assert run_cli("check", cwd=order).returncode == 0
    again = run_cli("add", "job", "send_invoice", cwd=order)
    assert again.returncode == 2
    assert "refusing to overwrite" in again.stderr
    updated = run_cli("update", "--set", "broker=redis", cwd=order)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert (order / "app/jobs/send_invoice.py").read_text() == module
    assert run_cli("check", cwd=order).returncode == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("SendInvoice", "expected a snake_case name"),
        ("send-invoice", "expected a snake_case name"),
        ("../x", "expected a snake_case name"),
        ("send__invoice", "expected a snake_case name"),
        ("class", "a Python keyword"),
        ("test_it", "a test's name"),
    ],
)
def test_add_job_refuses_bad_names(order: Path, name: str, message: str) -> None:
    result = run_cli("add", "job", name, cwd=order)
    assert result.returncode == 2
    assert message in result.stderr
    assert "\n" not in result.stderr.strip()
    assert not (order / "app/jobs").exists()
    assert not (order / "tests/jobs").exists()


def test_add_job_needs_a_broker(tmp_path: Path) -> None:
    made = run_cli("new", "plain", "--no-git", "--defaults", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    result = run_cli("add", "job", "send_invoice", cwd=tmp_path / "plain")
    assert result.returncode == 2
    assert "no message broker" in result.stderr
