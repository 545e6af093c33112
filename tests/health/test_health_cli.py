"""`backendkit health` end to end against servers on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backendkit.cli.main import app


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backendkit", "health", *args],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=cwd,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_mixed_services_exit_1_quickly_with_all_four_reported(
    health_server: str, tmp_path: Path
) -> None:
    services = tmp_path / "services.yml"
    services.write_text(
        f"services:\n"
        f"  - name: healthy\n    url: {health_server}/health\n"
        f"  - name: unready\n    base_url: {health_server}\n"
        f"  - name: down\n    url: http://127.0.0.1:{_closed_port()}/health\n"
        f"  - name: hung\n    url: {health_server}/hang\n    timeout: 1s\n"
    )
    started = time.monotonic()
    result = _cli("--services", str(services), "--json")
    elapsed = time.monotonic() - started

    assert result.returncode == 1, result.stderr
    assert elapsed < 4, elapsed
    document = json.loads(result.stdout)
    statuses = {s["name"]: s["status"] for s in document["services"]}
    assert statuses == {"healthy": "pass", "unready": "fail", "down": "fail", "hung": "fail"}
    probes = {s["name"]: s["probes"] for s in document["services"]}
    assert [p["kind"] for p in probes["unready"]] == ["liveness", "readiness"]
    readiness = probes["unready"][1]
    assert readiness["http_status"] == 503 and readiness["health_status"] == "fail"
    assert readiness["failing_checks"][0]["name"] == "database:connections"
    assert probes["down"][0]["error"] == "connection refused"
    assert probes["hung"][0]["error"] == "no reply within 1 s"
    assert 900 <= probes["hung"][0]["response_ms"] < 1500
    assert document["healthy"] is False and document["counts"] == {"pass": 1, "warn": 0, "fail": 3}
    assert result.stderr.strip() == "error: unhealthy: unready, down, hung"


def test_all_healthy_exit_0(health_server: str) -> None:
    result = _cli(f"{health_server}/health", f"{health_server}/warn")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"pass  {health_server}/health  check  HTTP 200")
    assert lines[1].startswith("warn") and "reports warn" in lines[1]
    assert lines[-1] == "all 2 services healthy (1 with warnings)"


def test_help_has_examples() -> None:
    result = _cli("--help")
    assert result.returncode == 0 and "Examples:" in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("services:\n  - name: a\n    url: http://h/\n    timout: 1s\n", ":4: services.0.timout"),
        ("services:\n  - name: a\n", ":2: services.0: give either url or base_url"),
        ("- url: http://h/\n- url: ftp://h/\n", ":2: services.1: not an http(s) URL"),
        ("- url: http://h/\n  expect: 999\n", ":2: services.0.expect: expect needs"),
        ("services: [\n", ":2: not valid YAML"),
        ("services: []\n", ":1: services: List should have at least 1 item"),
    ],
)
def test_a_bad_file_exits_2_naming_the_line(tmp_path: Path, text: str, message: str) -> None:
    services = tmp_path / "services.yml"
    services.write_text(text)
    result = _cli("--services", str(services))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {services}{message}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_outside_a_project_without_arguments_is_a_usage_error(tmp_path: Path) -> None:
    result = _cli(cwd=tmp_path)
    assert result.returncode == 2
    assert "give URLs or --services FILE, or run inside a backendkit project" in result.stderr


def test_inside_a_project_checks_its_own_health_and_ready(
    health_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "shop"
    (project / ".backendkit").mkdir(parents=True)
    (project / ".backendkit" / "state.yml").write_text("schema_version: 1\n")
    (project / "app").mkdir()
    monkeypatch.chdir(project / "app")
    # the generated service listens on SERVICE_PORT; here the test server stands in for it
    monkeypatch.setattr("backendkit.context.SERVICE_PORT", int(health_server.rsplit(":", 1)[1]))

    result = CliRunner().invoke(app, ["health", "--json"])

    document = json.loads(result.stdout)
    assert result.exit_code == 1  # /ready answers 503
    (service,) = document["services"]
    assert service["name"] == "shop"
    assert [(p["kind"], p["url"]) for p in service["probes"]] == [
        ("liveness", f"{health_server}/health"),
        ("readiness", f"{health_server}/ready"),
    ]


def test_watch_rechecks(health_server: str) -> None:
    result = _cli(f"{health_server}/health", "--watch", "0.2", "--rounds", "2", "--json")
    assert result.returncode == 0
    rounds = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rounds) == 2 and all(r["healthy"] for r in rounds)
