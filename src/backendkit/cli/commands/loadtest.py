"""``backendkit loadtest``: open-loop load at a constant rate, with honest percentiles."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer()

EPILOG = """\
Examples:

  backendkit loadtest http://127.0.0.1:8000/health --rps 200 --duration 30s

  backendkit loadtest http://127.0.0.1:8000 -e /api/v1/users --rps 500 --target "p95<200ms"

  backendkit loadtest --scenario load.yml --rps 1000 --seed-targets --html report.html

  backendkit loadtest http://127.0.0.1:8000/api/v1/users --baseline http://127.0.0.1:9000/

  backendkit loadtest http://127.0.0.1:8000/api/v1/reviews -n 500 --analyze-db  # N+1 queries

Latency is timed from each request's intended send time, so a stalled server shows in the
percentiles. Exit 1 when a target is missed or nothing replied; 2 on bad arguments.
"""


@app.command(epilog=EPILOG)
def loadtest(
    url: str | None = typer.Argument(
        None, help="URL to load; with --endpoint or --scenario, the base URL."
    ),
    endpoint: list[str] = typer.Option(
        None, "--endpoint", "-e", help="Path under the URL; repeat for an even mix."
    ),
    scenario: Path | None = typer.Option(
        None, "--scenario", help="YAML file of endpoints with weights (see docs/loadtest.md)."
    ),
    base_url: str | None = typer.Option(None, "--base-url", help="Base URL instead of URL."),
    method: str = typer.Option("GET", "--method", "-X", help="HTTP method."),
    header: list[str] = typer.Option(None, "--header", "-H", help="'Name: value'; repeatable."),
    json_body: str | None = typer.Option(None, "--json-body", help="JSON request body."),
    body_file: Path | None = typer.Option(None, "--body-file", help="Request body from a file."),
    rps: float = typer.Option(100.0, "--rps", help="Requests per second, whatever the replies."),
    duration: str | None = typer.Option(
        None, "--duration", "-d", help="Measured time: 30s, 2m (default 10s)."
    ),
    requests: int | None = typer.Option(
        None, "--requests", "-n", help="Measured requests instead of --duration."
    ),
    warmup: str = typer.Option("0s", "--warmup", help="Load first for this long, not measured."),
    concurrency: int = typer.Option(
        256, "--concurrency", "-c", help="Connections: the most requests in flight."
    ),
    processes: int = typer.Option(
        1, "--processes", "-p", help="Load generator processes sharing the load (cores to use)."
    ),
    timeout: str = typer.Option("10s", "--timeout", help="Per-request timeout."),
    keepalive: bool = typer.Option(
        True, "--keepalive/--no-keepalive", help="Reuse connections (default) or one per request."
    ),
    insecure: bool = typer.Option(False, "--insecure", "-k", help="Skip TLS certificate checks."),
    target: list[str] = typer.Option(
        None, "--target", "-t", help='Threshold, e.g. "p95<200ms", "error_rate<0.1%", "rps>1000".'
    ),
    seed_targets: bool = typer.Option(
        False, "--seed-targets", help="Add p50<50ms p95<200ms p99<500ms error_rate<0.1% rps>1000."
    ),
    json_out: str | None = typer.Option(
        None, "--json", help="Write the JSON report to FILE ('-' for stdout).", metavar="FILE"
    ),
    html_out: Path | None = typer.Option(
        None, "--html", help="Write an HTML report with latency charts.", metavar="FILE"
    ),
    baseline: str | None = typer.Option(
        None, "--baseline", help="Also load this URL at the same rate and compare.", metavar="URL"
    ),
    analyze_db: bool = typer.Option(
        False, "--analyze-db", help="Report N+1 statements (pg_stat_statements calls per request)."
    ),
    database_url: str | None = typer.Option(
        None, "--database-url", help="The database --analyze-db watches (default: the project's)."
    ),
) -> None:
    """Load a service at a constant rate; report P50/P95/P99, throughput and errors."""
    from backendkit.loadtest.command import LoadtestOptions, run_loadtest

    run_loadtest(
        LoadtestOptions(
            url=url,
            endpoints=list(endpoint or []),
            scenario=scenario,
            base_url=base_url,
            method=method,
            headers=list(header or []),
            json_body=json_body,
            body_file=body_file,
            rps=rps,
            duration=duration,
            requests=requests,
            warmup=warmup,
            concurrency=concurrency,
            processes=processes,
            timeout=timeout,
            keepalive=keepalive,
            insecure=insecure,
            targets=list(target or []),
            seed_targets=seed_targets,
            json_out=json_out,
            html_out=html_out,
            baseline=baseline,
            analyze_db=analyze_db,
            database_url=database_url,
        )
    )
