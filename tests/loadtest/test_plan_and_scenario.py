"""From options and scenario files to a plan; every bad input is one usage error."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from backendkit.errors import UsageError
from backendkit.loadtest.command import LoadtestOptions, build_plan
from backendkit.loadtest.plan import parse_duration, parse_header, weighted_cycle


def test_durations() -> None:
    assert parse_duration("30", what="d") == 30
    assert parse_duration("500ms", what="d") == 0.5
    assert parse_duration("2m", what="d") == 120
    with pytest.raises(UsageError, match="bad --duration '5 minutes'"):
        parse_duration("5 minutes", what="--duration")


def test_headers() -> None:
    assert parse_header("Authorization: Bearer a:b") == ("Authorization", "Bearer a:b")
    with pytest.raises(UsageError, match="'Name: value'"):
        parse_header("no colon")


def test_weighted_cycle_is_exact_and_interleaved() -> None:
    assert weighted_cycle([3, 1]) == [0, 0, 1, 0]
    order = weighted_cycle([5, 3, 2])
    assert Counter(order) == {0: 5, 1: 3, 2: 2}
    assert all(order[i] != order[i + 1] or order[i] == 0 for i in range(len(order) - 1))


def test_url_with_endpoints() -> None:
    plan = build_plan(
        LoadtestOptions(
            url="http://127.0.0.1:8000/api/",
            endpoints=["/users", "/items?x=1"],
            method="post",
            json_body='{"a": 1}',
            requests=50,
            rps=100,
        )
    )
    assert [e.target for e in plan.endpoints] == ["/api/users", "/api/items?x=1"]
    assert plan.endpoints[0].headers["Content-Type"] == "application/json"
    assert plan.endpoints[0].method == "POST"
    assert plan.duration == 0.5
    assert plan.measured_requests == 50


def test_scenario_file(tmp_path: Path) -> None:
    (tmp_path / "body.json").write_text('{"from": "file"}')
    scenario = tmp_path / "load.yml"
    scenario.write_text(
        "base_url: http://127.0.0.1:9000\n"
        "headers: {Authorization: Bearer file}\n"
        "endpoints:\n"
        "  - path: /users\n"
        "    weight: 3\n"
        "  - name: create\n"
        "    method: post\n"
        "    path: /users\n"
        "    json: {name: a}\n"
        "  - path: /upload\n"
        "    method: PUT\n"
        "    body_file: body.json\n"
    )
    plan = build_plan(LoadtestOptions(scenario=scenario, headers=["X-Run: 1"]))
    assert plan.origin.port == 9000
    names = [e.name for e in plan.endpoints]
    assert names == ["GET /users", "create", "PUT /upload"]
    assert [e.weight for e in plan.endpoints] == [3, 1, 1]
    assert plan.endpoints[1].body == b'{"name":"a"}'
    assert plan.endpoints[2].body == b'{"from": "file"}'
    assert plan.endpoints[0].headers == {"Authorization": "Bearer file", "X-Run": "1"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("endpoints:\n  - path: /a\n    wieght: 2\n", r"load.yml:3: endpoints.0.wieght: Extra"),
        ("endpoints:\n  - path: /a\n  - path: b\n", r"load.yml:3: endpoints.1: path must start"),
        ("endpoints: [\n", r"load.yml:2: not valid YAML"),
        ("endpoints:\n  - path: /a\n    weight: 0\n", r"load.yml:3: endpoints.0.weight"),
    ],
)
def test_scenario_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    scenario = tmp_path / "load.yml"
    scenario.write_text(text)
    with pytest.raises(UsageError, match=message):
        build_plan(LoadtestOptions(url="http://127.0.0.1:1", scenario=scenario))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (LoadtestOptions(), "give the URL"),
        (LoadtestOptions(url="localhost:8000"), "not an http"),
        (LoadtestOptions(url="http://h", base_url="http://h"), "not both"),
        (LoadtestOptions(url="http://h", rps=0), "--rps must be above 0"),
        (LoadtestOptions(url="http://h", duration="1s", requests=5), "not both"),
        (LoadtestOptions(url="http://h", json_body="{nope"), "not JSON"),
        (LoadtestOptions(url="http://h", method="FETCH"), "bad method"),
        (LoadtestOptions(url="http://h", concurrency=0), "--concurrency"),
        (LoadtestOptions(url="http://h", endpoints=["users"]), "must start with '/'"),
    ],
)
def test_bad_options(options: LoadtestOptions, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        build_plan(options)
