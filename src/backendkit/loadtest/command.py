"""What `backendkit loadtest` does once its arguments are parsed."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from backendkit.errors import CheckFailedError, UsageError
from backendkit.loadtest.hints import bottleneck_hints
from backendkit.loadtest.http import split_url
from backendkit.loadtest.parallel import run_plan
from backendkit.loadtest.plan import Endpoint, LoadPlan, parse_duration, parse_header
from backendkit.loadtest.report import summarize
from backendkit.loadtest.scenario import load_scenario, read_body_file, scenario_endpoints
from backendkit.loadtest.targets import parse_targets

DEFAULT_DURATION = "10s"


@dataclass
class LoadtestOptions:
    """The command line, as given."""

    url: str | None = None
    endpoints: list[str] = field(default_factory=list)
    scenario: Path | None = None
    base_url: str | None = None
    method: str = "GET"
    headers: list[str] = field(default_factory=list)
    json_body: str | None = None
    body_file: Path | None = None
    rps: float = 100.0
    duration: str | None = None
    requests: int | None = None
    warmup: str = "0s"
    concurrency: int = 256
    processes: int = 1
    timeout: str = "10s"
    keepalive: bool = True
    insecure: bool = False
    targets: list[str] = field(default_factory=list)
    seed_targets: bool = False
    json_out: str | None = None
    html_out: Path | None = None
    baseline: str | None = None
    # N+1 detection: the database's statement calls before and after the run.
    analyze_db: bool = False
    database_url: str | None = None


def build_plan(options: LoadtestOptions) -> LoadPlan:
    """The plan the options describe; contradictions are usage errors."""
    headers = dict(parse_header(h) for h in options.headers)
    method = options.method.upper()
    body = _body(options, headers)
    if options.url and options.base_url:
        raise UsageError("give the URL or --base-url, not both")
    scenario = None
    if options.scenario:
        if options.endpoints:
            raise UsageError("--endpoint and --scenario cannot be combined")
        if body is not None or method != "GET":
            raise UsageError("with --scenario, set each endpoint's method and body in the file")
        scenario = load_scenario(options.scenario)
    base = options.base_url or options.url or (scenario.base_url if scenario else None)
    if not base:
        raise UsageError("give the URL to load, e.g. backendkit loadtest http://127.0.0.1:8000/")
    origin, prefix = split_url(base)
    if scenario and options.scenario:
        endpoints = [
            replace(e, target=_join(prefix, e.target))
            for e in scenario_endpoints(scenario, options.scenario.parent, headers)
        ]
    elif options.endpoints:
        endpoints = [
            Endpoint(f"{method} {path}", method, _join(prefix, path), headers, body)
            for path in options.endpoints
        ]
    else:
        endpoints = [Endpoint(f"{method} {prefix}", method, prefix, headers, body)]
    return LoadPlan(
        origin=origin,
        endpoints=tuple(endpoints),
        rate=options.rps,
        duration=_duration(options),
        warmup=parse_duration(options.warmup, what="--warmup"),
        concurrency=options.concurrency,
        timeout=parse_duration(options.timeout, what="--timeout"),
        keepalive=options.keepalive,
        verify_tls=not options.insecure,
        processes=options.processes,
    )


def _join(prefix: str, path: str) -> str:
    base = "" if prefix == "/" else prefix.split("?", 1)[0].rstrip("/")
    if not path.startswith("/"):
        raise UsageError(f"endpoint path must start with '/': {path!r}")
    return base + path


def _duration(options: LoadtestOptions) -> float:
    if options.requests is not None:
        if options.duration is not None:
            raise UsageError("give --duration or --requests, not both")
        if options.requests < 1:
            raise UsageError(f"--requests must be at least 1: {options.requests}")
        return options.requests / options.rps if options.rps > 0 else 0.0
    return parse_duration(options.duration or DEFAULT_DURATION, what="--duration")


def _body(options: LoadtestOptions, headers: dict[str, str]) -> bytes | None:
    if options.json_body is not None and options.body_file is not None:
        raise UsageError("give --json-body or --body-file, not both")
    if options.json_body is not None:
        try:
            json.loads(options.json_body)
        except ValueError as exc:
            raise UsageError(f"--json-body is not JSON: {exc}") from None
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
        return options.json_body.encode()
    if options.body_file is not None:
        return read_body_file(options.body_file)
    return None


def run_loadtest(options: LoadtestOptions) -> dict[str, Any]:
    """Run, report, write the files asked for; raise CheckFailedError when a target is missed."""
    from backendkit.dbanalyze.nplus1 import calls_now, n_plus_one
    from backendkit.loadtest.render import LiveProgress, print_summary, report_console

    plan = build_plan(options)
    targets = parse_targets(options.targets, seed=options.seed_targets)
    for report in (options.json_out, options.html_out):
        if report not in (None, "-") and not Path(report).parent.is_dir():
            raise UsageError(f"cannot write {report}: no such directory")
    baseline_plan = _baseline_plan(plan, options.baseline) if options.baseline else None
    out = report_console(json_to_stdout=options.json_out == "-")
    database = _analyzed_database(options)
    before = calls_now(database) if database else None
    with LiveProgress(out, plan, label="load") as live:
        summary = summarize(run_plan(plan, on_progress=live.update))
    if database and before is not None:
        sent = max(int(summary["schedule"]["sent"]), 1)
        found = n_plus_one({k: v[1] for k, v in before.items()}, calls_now(database), sent)
        summary["n_plus_one"] = [f.to_dict() for f in found]
    baseline = None
    if baseline_plan is not None:
        with LiveProgress(out, baseline_plan, label="baseline") as live:
            baseline = summarize(run_plan(baseline_plan, on_progress=live.update))
        summary["baseline"] = {k: baseline[k] for k in _BASELINE_KEYS}
    summary["targets"] = [target.check(summary) for target in targets]
    summary["passed"] = all(row["passed"] for row in summary["targets"])
    summary["hints"] = bottleneck_hints(summary, baseline)
    _write_outputs(options, summary)
    print_summary(out, summary)
    for finding in summary.get("n_plus_one", []):
        out.print(f"n-plus-one: {finding['message']}", markup=False, soft_wrap=True)
        out.print(f"    fix: {finding['fix']}", markup=False, soft_wrap=True)
    _raise_on_failure(summary, plan)
    return summary


def _analyzed_database(options: LoadtestOptions) -> str | None:
    """The libpq URL --analyze-db watches: --database-url, else the project's settings."""
    if not options.analyze_db:
        if options.database_url:
            raise UsageError("--database-url is for --analyze-db")
        return None
    from backendkit.dbanalyze.connection import resolve_url
    from backendkit.state import find_project_root

    try:
        root: Path | None = find_project_root(Path.cwd())
    except UsageError:
        root = None
    return resolve_url(options.database_url, root)


_BASELINE_KEYS = ("plan", "schedule", "throughput_rps", "latency_ms", "errors", "status_codes")


def _baseline_plan(plan: LoadPlan, url: str) -> LoadPlan:
    origin, target = split_url(url)
    first = plan.endpoints[0]
    endpoint = Endpoint(f"{first.method} {target}", first.method, target, first.headers, first.body)
    return LoadPlan(
        origin=origin,
        endpoints=(endpoint,),
        rate=plan.rate,
        duration=plan.duration,
        warmup=plan.warmup,
        concurrency=plan.concurrency,
        timeout=plan.timeout,
        keepalive=plan.keepalive,
        verify_tls=plan.verify_tls,
        processes=plan.processes,
    )


def _write_outputs(options: LoadtestOptions, summary: dict[str, Any]) -> None:
    if options.json_out == "-":
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    elif options.json_out:
        _write(Path(options.json_out), json.dumps(summary, indent=2) + "\n")
    if options.html_out:
        from backendkit.loadtest.html_report import render_html

        _write(options.html_out, render_html(summary))


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _raise_on_failure(summary: dict[str, Any], plan: LoadPlan) -> None:
    if summary["requests"] and not summary["replies"]:
        kinds = ", ".join(f"{n} {k}" for k, n in summary["errors"]["by_kind"].items())
        raise CheckFailedError(f"no reply from {plan.origin.url}: {kinds}")
    missed = [row["expression"] for row in summary["targets"] if not row["passed"]]
    if missed:
        raise CheckFailedError(
            f"{len(missed)} of {len(summary['targets'])} targets missed: {', '.join(missed)}"
        )
