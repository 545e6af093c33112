"""`backendkit loadtest` end to end: exit codes, reports, errors, hints (short runs)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from backendkit.errors import CheckFailedError
from backendkit.loadtest.command import LoadtestOptions, run_loadtest


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backendkit", "loadtest", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_help_has_examples() -> None:
    result = _cli("--help")
    assert result.returncode == 0
    assert "Examples:" in result.stdout
    assert "--target" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["http://127.0.0.1:1/", "--target", "p95<<1"], "error: bad target 'p95<<1'"),
        (["127.0.0.1:8000"], "error: not an http(s) URL"),
        (["http://127.0.0.1:1/", "--duration", "forever"], "error: bad --duration"),
        (["http://127.0.0.1:1/", "-H", "oops"], "error: bad header 'oops'"),
        (["http://127.0.0.1:1/", "--json", "/no/such/dir/r.json"], "error: cannot write"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = _cli(*args)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_passing_run_writes_json_and_html(server_url: str, tmp_path: Path) -> None:
    report, page = tmp_path / "report.json", tmp_path / "report.html"
    result = _cli(
        f"{server_url}/fast", "--rps", "100", "--duration", "1s", "--target", "p99<500ms",
        "--target", "error_rate<1%", "--json", str(report), "--html", str(page),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "latency ms [all] n=100" in result.stdout
    assert "target p99<500ms:" in result.stdout and "pass" in result.stdout
    summary = json.loads(report.read_text())
    assert summary["schema"] == "backendkit.loadtest/1"
    assert summary["passed"] is True
    assert set(summary["latency_ms"]) == {
        "count", "min", "p50", "p90", "p95", "p99", "p99_9", "max", "mean"
    }  # fmt: skip
    assert summary["timeline"][0]["sent"] == 100
    html = page.read_text()
    assert html.count("<svg") == 3 and "Latency over time" in html and "passed" in html


def test_nothing_replying_exits_1() -> None:
    result = _cli(f"http://127.0.0.1:{_closed_port()}/", "--rps", "50", "--requests", "10")
    assert result.returncode == 1
    assert "error: no reply from" in result.stderr and "10 refused" in result.stderr


def test_server_errors_count_and_explain(
    server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    options = LoadtestOptions(
        url=f"{server_url}/status/503", rps=100, requests=50, targets=["error_rate<0.1%"],
        json_out="-",
    )  # fmt: skip
    with pytest.raises(CheckFailedError, match=r"error_rate<0\.1%"):
        run_loadtest(options)
    summary = json.loads(capsys.readouterr().out)
    assert summary["errors"]["http"] == 50 and summary["errors"]["rate"] == 1.0
    assert summary["status_codes"] == {"503": 50}
    assert any("5xx replies" in hint for hint in summary["hints"])


def test_timeouts_count_as_errors_and_as_latency(server_url: str, tmp_path: Path) -> None:
    scenario = tmp_path / "load.yml"
    scenario.write_text("- path: /fast\n- path: /hang\n")
    summary = run_loadtest(
        LoadtestOptions(
            base_url=server_url, scenario=scenario, rps=50, requests=10, timeout="200ms"
        )
    )
    assert summary["errors"]["by_kind"] == {"timeout": 5}
    assert summary["errors"]["transport"] == 5 and summary["errors"]["http"] == 0
    assert summary["latency_ms"]["count"] == 10  # timed-out requests keep their latency
    assert summary["latency_ms"]["max"] >= 200
    assert any("timed out" in hint for hint in summary["hints"])


def test_requests_wait_for_a_busy_pool_and_count_from_their_due_time(server_url: str) -> None:
    summary = run_loadtest(
        LoadtestOptions(url=f"{server_url}/slow", rps=100, duration="0.5s", concurrency=1)
    )
    schedule, latency = summary["schedule"], summary["latency_ms"]
    # one connection answers 50 a second: the 50th request is served about 0.5 s after its due
    assert schedule["sent"] == schedule["intended"] == latency["count"] == 50
    assert schedule["dropped"] == 0 and schedule["queued"] >= 45
    assert latency["max"] >= 450 and schedule["line_wait_ms"]["max"] >= 400
    assert any("waited for one of the 1 connections" in hint for hint in summary["hints"])


def test_a_request_waiting_longer_than_the_timeout_is_given_up_as_a_timeout(
    server_url: str,
) -> None:
    summary = run_loadtest(
        LoadtestOptions(
            url=f"{server_url}/slow", rps=200, duration="1s", concurrency=1, timeout="300ms"
        )
    )
    schedule = summary["schedule"]
    assert schedule["dropped"] > 100
    assert schedule["sent"] + schedule["dropped"] == schedule["intended"] == 200
    assert summary["errors"]["by_kind"] == {"timeout": schedule["dropped"]}
    assert summary["latency_ms"]["count"] == 200  # given-up requests keep their wait
    assert summary["latency_ms"]["max"] >= 300
    assert any("were given up" in hint for hint in summary["hints"])


def test_warmup_is_not_measured(server_url: str) -> None:
    summary = run_loadtest(
        LoadtestOptions(url=f"{server_url}/fast", rps=100, duration="1s", warmup="500ms")
    )
    assert summary["schedule"]["intended"] == 100
    assert summary["replies"] == 100


def test_weighted_endpoints_and_baseline(server_url: str, tmp_path: Path) -> None:
    scenario = tmp_path / "load.yml"
    scenario.write_text(
        "endpoints:\n  - {path: /fast, weight: 3}\n  - {name: slow one, path: /slow}\n"
    )
    summary = run_loadtest(
        LoadtestOptions(
            base_url=server_url, scenario=scenario, rps=100, duration="1s",
            baseline=f"{server_url}/fast",
        )
    )  # fmt: skip
    endpoints = {e["name"]: e for e in summary["endpoints"]}  # type: ignore[union-attr]
    assert endpoints["GET /fast"]["sent"] == 75 and endpoints["slow one"]["sent"] == 25
    assert endpoints["slow one"]["latency_ms"]["p50"] >= 20
    assert summary["baseline"]["schedule"]["sent"] == 100
    assert any("against the baseline" in hint for hint in summary["hints"])


def test_html_report_renders_its_charts_in_chromium(server_url: str, tmp_path: Path) -> None:
    """Opened in headless Chromium: three charts, each drawn (not an empty SVG), no console
    messages."""
    from tests.browser import chromium, open_page

    browser = chromium()
    page = tmp_path / "report.html"
    result = _cli(
        f"{server_url}/fast", "--rps", "100", "--duration", "1s", "--html", str(page),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    dom, messages = open_page(browser, page, tmp_path / "profile")
    assert not messages, messages
    charts = re.findall(r"<svg\b.*?</svg>", dom, re.DOTALL)
    assert len(charts) == 3, dom[:500]
    for chart in charts:
        assert re.search(r"<(path|polyline|rect|line|circle)\b", chart), chart[:300]
