"""How ``backendkit check`` shows its result: a table and diffs, or JSON."""

from __future__ import annotations

import difflib
import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from backendkit.cli.output import console
from backendkit.drift import DriftReport, FileDrift, FileState

JSON_SCHEMA_ID = "backendkit.check/1"
_STYLE = {
    FileState.EDITED: "yellow",
    FileState.OUTDATED: "cyan",
    FileState.MISSING: "red",
    FileState.NEW: "green",
    FileState.REMOVED: "magenta",
}


def unified_diff(drift: FileDrift) -> str:
    """The change from what the template writes to what is on disk."""
    expected = (drift.expected or b"").decode(errors="replace").splitlines(keepends=True)
    actual = (drift.actual or b"").decode(errors="replace").splitlines(keepends=True)
    return "".join(
        difflib.unified_diff(expected, actual, f"template/{drift.path}", f"project/{drift.path}")
    )


def as_dict(report: DriftReport) -> dict[str, Any]:
    """The report in its documented JSON shape (docs/check.md)."""
    return {
        "schema": JSON_SCHEMA_ID,
        "project": report.root,
        "ok": not report.failed,
        "strict": report.strict,
        "template": {
            "recorded": report.recorded_template,
            "installed": report.installed_template,
        },
        "summary": {s.value: n for s, n in Counter(f.state for f in report.files).items()},
        "problems": report.problems,
        **({"migrations": asdict(report.migrations)} if report.migrations else {}),
        "files": [
            {
                "path": f.path,
                "state": f.state.value,
                "ownership": f.ownership,
                "templateChanged": f.template_changed,
                "failing": f.failing,
                **({"diff": unified_diff(f)} if f.failing else {}),
            }
            for f in report.files
        ],
    }


def print_json(report: DriftReport) -> None:
    print(json.dumps(as_dict(report), indent=2))


def print_report(report: DriftReport, *, show_diffs: bool) -> None:
    from rich.table import Table

    out = console()
    changed = [f for f in report.files if f.state is not FileState.UNCHANGED]
    unchanged = len(report.files) - len(changed)
    if changed:
        table = Table(title=f"{len(changed)} of {len(report.files)} generated files differ")
        for column in ("file", "state", "owner", "fails check"):
            table.add_column(column)
        for f in changed:
            style = _STYLE.get(f.state, "")
            table.add_row(f.path, f"[{style}]{f.state.value}[/]", f.ownership,
                          "yes" if f.failing else "")  # fmt: skip
        out.print(table)
    for problem in report.problems:
        out.print(f"[red]✗[/] {problem}")
    if show_diffs:
        for f in changed:
            if f.failing and (f.expected is not None or f.actual is not None):
                out.rule(f"{f.path} ({f.state.value})")
                out.print(unified_diff(f) or "(binary or whitespace-only difference)",
                          markup=False, highlight=False)  # fmt: skip
    if report.migrations is not None:
        _print_migrations(report)
    failing = sum(f.failing for f in report.files) + len(report.problems)
    failing += bool(report.migrations and report.migrations.failed)
    if report.failed:
        out.print(f"[red]check failed[/]: {failing} problem(s); {unchanged} files unchanged")
    else:
        out.print(f"[green]check passed[/]: {unchanged} files unchanged, {len(changed)} differ "
                  "within the rules" + (" (strict)" if report.strict else ""))  # fmt: skip


def _print_migrations(report: DriftReport) -> None:
    from rich.markup import escape

    out = console()
    step = report.migrations
    assert step is not None
    if step.status == "in-sync":
        out.print("migrations: models and migrations agree")
    elif step.status == "skipped":
        out.print(f"migrations: skipped ({step.reason})", markup=False)
    elif step.status == "error":
        out.print(f"[red]✗[/] migrations: {escape(step.reason)}")
    else:
        out.print("[red]✗[/] migrations: models and migrations disagree (backendkit migrate NAME)")
        for difference in step.differences:
            out.print(f"    {difference}", markup=False)
