"""How ``db analyze`` prints its report: text blocks per finding, or one JSON document."""

from __future__ import annotations

import json

from backendkit.cli.output import console
from backendkit.dbanalyze import AnalysisReport


def print_report(report: AnalysisReport, failing: int) -> None:
    """Findings (rule, severity, evidence, fix), the top statements, notes, then a summary."""
    out = console()

    def say(text: str) -> None:
        out.print(text, markup=False, soft_wrap=True, highlight=False)

    for f in report.findings:
        say(f"{f.subject}: {f.rule} [{f.severity}] {f.message}")
        say(f"    why: {f.why}")
        say(f"    fix: {f.fix}")
    if report.statements:
        say("top statements (total and mean time):")
        for s in report.statements:
            say(
                f"  {s.calls} calls, {s.total_ms:.1f} ms total, {s.mean_ms:.2f} ms mean, "
                f"{s.rows} rows: {' '.join(s.query.split())[:160]}"
            )
            for line in (s.plan or "(no plan: the statement does not prepare alone)").splitlines():
                say(f"      {line}")
    for note in report.notes:
        say(f"note: {note}")
    reset = f", statistics since {report.stats_reset}" if report.stats_reset else ""
    summary = (
        f"{len(report.findings)} findings, {failing} at or above the threshold"
        if report.findings
        else "no findings"
    )
    say(
        f"database {report.database} (PostgreSQL {report.server_version}{reset}) analyzed in "
        f"{report.seconds:.2f} s: {summary}"
    )


def print_json(report: AnalysisReport, failing: int) -> None:
    console().print_json(json.dumps(report.to_dict(failing)))
