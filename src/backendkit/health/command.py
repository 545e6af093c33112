"""What `backendkit health` does once its arguments are parsed."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from backendkit.errors import CheckFailedError, UsageError
from backendkit.health.checker import ServiceResult, check_services, healthy, report_document
from backendkit.health.services import (
    Service,
    load_services,
    project_services,
    services_from_urls,
)
from backendkit.loadtest.plan import parse_duration, parse_header


@dataclass
class HealthOptions:
    """The command line, as given."""

    urls: list[str] = field(default_factory=list)
    services_file: Path | None = None
    timeout: str = "2s"
    headers: list[str] = field(default_factory=list)
    json_output: bool = False
    watch: str | None = None
    rounds: int | None = None
    insecure: bool = False


def select_services(options: HealthOptions, cwd: Path) -> list[Service]:
    """From the file and the URLs given, or else the project around CWD."""
    timeout = parse_duration(options.timeout, what="--timeout")
    if timeout <= 0:
        raise UsageError("--timeout must be above 0")
    headers = dict(parse_header(h) for h in options.headers)
    services: list[Service] = []
    if options.services_file is not None:
        services += load_services(options.services_file, default_timeout=timeout)
    services += services_from_urls(options.urls, timeout=timeout, headers=headers)
    return services or project_services(cwd, timeout=timeout, headers=headers)


def run_health(options: HealthOptions) -> list[ServiceResult]:
    """Check once, or every --watch seconds; CheckFailedError when the last check failed."""
    services = select_services(options, Path.cwd())
    interval = parse_duration(options.watch, what="--watch") if options.watch else None
    if interval is not None and interval <= 0:
        raise UsageError("--watch needs an interval above 0 seconds")
    if options.rounds is not None and options.rounds < 1:
        raise UsageError("--rounds must be at least 1")
    verify = not options.insecure
    if interval is None:
        results = check_services(services, verify_tls=verify)
        _show(options, results)
    else:
        results = _watch(options, services, interval, verify)
    if not healthy(results):
        failed = [r.name for r in results if r.status == "fail"]
        raise CheckFailedError(f"unhealthy: {', '.join(failed)}")
    return results


def _show(options: HealthOptions, results: list[ServiceResult], *, compact: bool = False) -> None:
    from backendkit.cli.output import console
    from backendkit.health.render import print_results

    if options.json_output:
        document = report_document(results)
        print(json.dumps(document) if compact else json.dumps(document, indent=2), flush=True)
    else:
        print_results(console(), results)


def _watch(
    options: HealthOptions, services: list[Service], interval: float, verify: bool
) -> list[ServiceResult]:
    from backendkit.cli.output import console
    from backendkit.health.render import results_table

    out = console()
    live_table = out.is_terminal and not options.json_output
    results: list[ServiceResult] = []
    done = 0
    try:
        if live_table:
            from rich.live import Live

            with Live(console=out, auto_refresh=False) as live:
                while options.rounds is None or done < options.rounds:
                    results = check_services(services, verify_tls=verify)
                    done += 1
                    stamp = dt.datetime.now().strftime("%H:%M:%S")
                    title = f"checked {stamp}, every {interval:g} s (Ctrl-C to stop)"
                    live.update(results_table(results, title=title), refresh=True)
                    if options.rounds is None or done < options.rounds:
                        time.sleep(interval)
        else:
            while options.rounds is None or done < options.rounds:
                results = check_services(services, verify_tls=verify)
                done += 1
                if not options.json_output:
                    stamp = dt.datetime.now().strftime("%H:%M:%S")
                    out.print(f"checked {stamp}", markup=False)
                _show(options, results, compact=True)
                if options.rounds is None or done < options.rounds:
                    time.sleep(interval)
    except KeyboardInterrupt:
        if not results:
            raise
    return results
