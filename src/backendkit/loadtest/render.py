"""Terminal output of a load run: live progress and the summary; plain lines outside a terminal."""

from __future__ import annotations

import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from backendkit.cli.output import console, error_console
from backendkit.loadtest.plan import LoadPlan
from backendkit.loadtest.report import PERCENTILES, waiting_line
from backendkit.loadtest.scheduler import Progress
from backendkit.loadtest.targets import format_actual

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live

_PLAIN_EVERY = 5.0  # seconds between progress lines in CI logs
_COLUMNS = ("min", *PERCENTILES, "max", "mean")


def report_console(*, json_to_stdout: bool) -> Console:
    """Where people read the run: stderr when stdout carries the JSON."""
    return error_console() if json_to_stdout else console()


def _say(out: Console, text: str) -> None:
    out.print(text, markup=False, soft_wrap=True)


class LiveProgress:
    """Elapsed time, achieved rate, running P95 and errors while the run goes on."""

    def __init__(self, out: Console, plan: LoadPlan, *, label: str) -> None:
        self.out = out
        self.plan = plan
        self.label = label
        self.live: Live | None = None
        self.last_line = time.monotonic()

    def __enter__(self) -> LiveProgress:
        plan = self.plan
        paths = ", ".join(f"{e.method} {e.target}" for e in plan.endpoints)
        warmup = f" after {plan.warmup:g} s of warm-up" if plan.warmup else ""
        _say(
            self.out,
            f"{self.label}: {plan.origin.url} {paths}: {plan.rate:g} req/s for "
            f"{plan.duration:g} s{warmup}, up to {plan.concurrency} connections",
        )
        if self.out.is_terminal:
            from rich.live import Live

            self.live = Live(console=self.out, auto_refresh=False, transient=True)
            self.live.start()
        return self

    def update(self, progress: Progress) -> None:
        """Redraw (terminal) or print a line every few seconds (CI)."""
        text = (
            f"{progress.elapsed:5.1f}/{progress.total:g} s  {progress.rate:8.1f} req/s  "
            f"p95 {progress.p95_ms:8.2f} ms  errors {progress.errors}"
            + ("  (warm-up)" if progress.warming_up else "")
        )
        if self.live is not None:
            from rich.progress_bar import ProgressBar
            from rich.table import Table

            grid = Table.grid(padding=(0, 1))
            grid.add_row(
                ProgressBar(total=progress.total, completed=progress.elapsed, width=30), text
            )
            self.live.update(grid, refresh=True)
        elif time.monotonic() - self.last_line >= _PLAIN_EVERY:
            self.last_line = time.monotonic()
            _say(self.out, f"  {text}")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.live is not None:
            self.live.stop()


def _rate_line(summary: dict[str, Any]) -> str:
    schedule, plan = summary["schedule"], summary["plan"]
    return (
        f"throughput {summary['throughput_rps']:g} req/s; asked {plan['rate_rps']:g}, "
        f"sent at {schedule['achieved_rps']:g} req/s ({schedule['sent']} of "
        f"{schedule['intended']}), scheduler lag p99 {schedule['scheduler_lag_ms']['p99']:g} ms"
    )


def _error_line(summary: dict[str, Any]) -> str:
    errors = summary["errors"]
    kinds = ", ".join(f"{kind} {n}" for kind, n in errors["by_kind"].items())
    statuses = ", ".join(f"{code} x{n}" for code, n in summary["status_codes"].items())
    return (
        f"errors {errors['rate'] * 100:.2f}% (HTTP {errors['http']}, transport "
        f"{errors['transport']}{': ' + kinds if kinds else ''}); status codes: {statuses or 'none'}"
    )


def _latency_rows(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    rows = [("all", summary["latency_ms"])]
    if len(summary["endpoints"]) > 1:
        rows += [(e["name"], e["latency_ms"]) for e in summary["endpoints"]]
    if "baseline" in summary:
        rows.append(("baseline", summary["baseline"]["latency_ms"]))
    return rows


def print_summary(out: Console, summary: dict[str, Any]) -> None:
    """The results: latency table, rates, errors, targets and what they suggest."""
    if out.is_terminal:
        _print_rich(out, summary)
        return
    for name, latency in _latency_rows(summary):
        values = "  ".join(f"{c} {latency[c]:g}" for c in _COLUMNS)
        _say(out, f"latency ms [{name}] n={latency['count']}: {values}")
    _say(out, _rate_line(summary))
    if waiting := waiting_line(summary):
        _say(out, waiting)
    _say(out, _error_line(summary))
    if "baseline" in summary:
        _say(out, f"baseline throughput {summary['baseline']['throughput_rps']:g} req/s")
    for row in summary["targets"]:
        verdict = "pass" if row["passed"] else "FAIL"
        _say(out, f"target {row['expression']}: {format_actual(row)}  {verdict}")
    for hint in summary["hints"]:
        _say(out, f"hint: {hint}")


def _print_rich(out: Console, summary: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="latency (ms, from the intended send time)", title_justify="left")
    table.add_column("requests")
    table.add_column("n", justify="right")
    for column in _COLUMNS:
        table.add_column(column.replace("_", "."), justify="right")
    for name, latency in _latency_rows(summary):
        table.add_row(Text(name), str(latency["count"]), *(f"{latency[c]:g}" for c in _COLUMNS))
    out.print(table)
    _say(out, _rate_line(summary))
    if waiting := waiting_line(summary):
        _say(out, waiting)
    _say(out, _error_line(summary))
    if summary["targets"]:
        targets = Table(title="targets", title_justify="left")
        for column in ("target", "actual", "result"):
            targets.add_column(column)
        for row in summary["targets"]:
            result = "[green]pass[/]" if row["passed"] else "[bold red]FAIL[/]"
            targets.add_row(Text(row["expression"]), format_actual(row), result)
        out.print(targets)
    if summary["hints"]:
        out.print("[bold]what the numbers suggest[/]")
        for hint in summary["hints"]:
            out.print(Text(f"  - {hint}"))  # wrapped to the terminal's width
