"""``backendkit health``: liveness and readiness of many services at once."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer()

EPILOG = """\
Examples:

  backendkit health                                # inside a project: its /health and /ready

  backendkit health http://127.0.0.1:8000/health http://127.0.0.1:8001/ready

  backendkit health --services services.yml --json

  backendkit health --services services.yml --watch 5

Understands application/health+json (pass, warn, fail and failing checks) and plain replies.
Exit 1 when any service is unhealthy, 0 when all pass or warn, 2 on a bad file or option.
"""


@app.command(epilog=EPILOG)
def health(
    urls: list[str] = typer.Argument(None, metavar="[URL]...", help="URLs to GET; 200 passes."),
    services_file: Path | None = typer.Option(
        None, "--services", "-s", help="YAML file of services (see docs/health.md)."
    ),
    timeout: str = typer.Option(
        "2s", "--timeout", help="Per-service timeout unless the file sets one."
    ),
    header: list[str] = typer.Option(
        None, "--header", "-H", help="'Name: value' sent to URLs; repeatable."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    watch: str | None = typer.Option(
        None, "--watch", "-w", help="Re-check every SECONDS and redraw.", metavar="SECONDS"
    ),
    rounds: int | None = typer.Option(None, "--rounds", help="With --watch, stop after N checks."),
    insecure: bool = typer.Option(False, "--insecure", "-k", help="Skip TLS certificate checks."),
) -> None:
    """Check that services are alive and ready; exit 1 when any is not."""
    from backendkit.health.command import HealthOptions, run_health

    run_health(
        HealthOptions(
            urls=list(urls or []),
            services_file=services_file,
            timeout=timeout,
            headers=list(header or []),
            json_output=json_output,
            watch=watch,
            rounds=rounds,
            insecure=insecure,
        )
    )
