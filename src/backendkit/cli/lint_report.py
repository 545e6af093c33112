"""How ``db lint`` and ``migrate`` print lint findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

from backendkit.cli.output import console
from backendkit.dblint import LintReport


def _where(path: str, line: int | None) -> str:
    try:
        shown = os.path.relpath(path)
    except ValueError:
        shown = path
    if shown.startswith(".."):
        shown = path
    return f"{shown}:{line}" if line else shown


def print_findings(report: LintReport) -> None:
    """One block per finding: where, rule and severity, why, the safe form."""
    out = console()
    for f in report.findings:
        out.print(
            f"{_where(f.path, f.line)}: {f.rule} [{f.severity}] {f.message}",
            markup=False,
            soft_wrap=True,
        )
        out.print(f"    why: {f.why}", markup=False, soft_wrap=True)
        out.print(f"    safe: {f.safe}", markup=False, soft_wrap=True)


def print_summary(report: LintReport, failing: int) -> None:
    out = console()
    if not report.findings:
        out.print(f"{report.revisions} revisions linted: no findings", markup=False, soft_wrap=True)
    else:
        out.print(
            f"{report.revisions} revisions linted: {len(report.findings)} findings, "
            f"{failing} at or above the threshold",
            markup=False,
            soft_wrap=True,
        )


def print_json(report: LintReport, failing: int) -> None:
    console().print_json(
        json.dumps(
            {
                "revisions": report.revisions,
                "failing": failing,
                "findings": [f.to_dict() for f in report.findings],
            }
        )
    )


def print_migration(path: Path) -> None:
    """The migration's source, highlighted on a terminal."""
    out = console()
    text = path.read_text()
    if out.is_terminal and not out.no_color:
        from rich.syntax import Syntax

        out.print(Syntax(text, "python", line_numbers=False))
    else:
        out.print(text, markup=False, highlight=False, end="", soft_wrap=True)
