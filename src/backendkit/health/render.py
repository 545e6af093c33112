"""Health results for people: a rich table on a terminal, plain lines otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backendkit.health.checker import FAIL, PASS, WARN, ProbeResult, ServiceResult

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

_STYLES = {PASS: "green", WARN: "yellow", FAIL: "bold red"}


def _detail(probe: ProbeResult) -> str:
    parts = []
    if probe.error:
        parts.append(probe.error)
    elif probe.health_status and probe.health_status != "pass":
        parts.append(f"reports {probe.health_status}")
    failing = [
        f"{check['name']} {check['status']}" + (f" ({check['output']})" if check["output"] else "")
        for check in probe.failing_checks
    ]
    if failing:
        parts.append("checks: " + ", ".join(failing))
    return "; ".join(parts)


def verdict_line(results: list[ServiceResult]) -> str:
    """One line: how many services are unhealthy."""
    failed = sum(r.status == FAIL for r in results)
    warned = sum(r.status == WARN for r in results)
    if failed:
        return f"{failed} of {len(results)} services unhealthy"
    suffix = f" ({warned} with warnings)" if warned else ""
    if len(results) == 1:
        return f"the service is healthy{suffix}"
    return f"all {len(results)} services healthy{suffix}"


def results_table(results: list[ServiceResult], *, title: str | None = None) -> RenderableType:
    """The rich table of every probe."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    for column, justify in (
        ("service", "left"),
        ("probe", "left"),
        ("result", "left"),
        ("HTTP", "right"),
        ("ms", "right"),
        ("detail", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for result in results:
        for i, probe in enumerate(result.probes):
            table.add_row(
                Text(result.name if i == 0 else ""),
                Text(probe.kind),
                Text(probe.status, style=_STYLES[probe.status]),
                str(probe.http_status or "-"),
                f"{probe.response_ms:g}" if probe.response_ms is not None else "-",
                Text(_detail(probe)),
            )
    return table


def plain_lines(results: list[ServiceResult]) -> list[str]:
    """One line per probe, then the verdict."""
    lines = []
    for result in results:
        for probe in result.probes:
            http = f"HTTP {probe.http_status}" if probe.http_status else "HTTP -"
            took = f"{probe.response_ms:g} ms" if probe.response_ms is not None else "- ms"
            detail = _detail(probe)
            where = "" if probe.url == result.name else f"  {probe.url}"
            lines.append(
                f"{probe.status:<4}  {result.name}  {probe.kind}  {http}  {took}{where}"
                + (f"  {detail}" if detail else "")
            )
    lines.append(verdict_line(results))
    return lines


def print_results(out: Console, results: list[ServiceResult]) -> None:
    """Table and verdict on a terminal; plain lines otherwise."""
    if out.is_terminal:
        out.print(results_table(results))
        style = "bold red" if any(r.status == FAIL for r in results) else "green"
        out.print(f"[{style}]{verdict_line(results)}[/]")
    else:
        for line in plain_lines(results):
            out.print(line, markup=False, soft_wrap=True)
