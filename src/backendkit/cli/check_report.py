"""How ``backendkit check`` shows its result: a table and diffs, or JSON."""

from __future__ import annotations

import difflib
import json
from collections import Counter
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from backendkit.cli.output import PlainReport, RichReport, report_output
from backendkit.drift import DriftReport, FileDrift, FileState

if TYPE_CHECKING:
    from backendkit.migrate.check_step import MigrationsCheck

JSON_SCHEMA_ID = "backendkit.check/1"
_STYLE = {
    FileState.EDITED: "yellow",
    FileState.ACCEPTED: "blue",
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
        "problems": failures(report),
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


def failures(report: DriftReport) -> list[str]:
    """Every reason the check fails, one line each: empty exactly when it passes."""
    lines = list(report.problems)
    lines += [f"{f.path}: {f.ownership} file {f.state.value}" for f in report.files if f.failing]
    step = report.migrations
    if step is not None and step.failed:
        detail = step.reason or "; ".join(step.differences)
        lines.append(f"migrations: {step.status}" + (f" ({detail})" if detail else ""))
    return lines


def print_json(report: DriftReport) -> None:
    print(json.dumps(as_dict(report), indent=2))


def print_report(report: DriftReport, *, show_diffs: bool) -> None:
    out = report_output()
    changed = [f for f in report.files if f.state is not FileState.UNCHANGED]
    unchanged = len(report.files) - len(changed)
    if changed:
        out.table(
            f"{len(changed)} of {len(report.files)} generated files differ",
            ("file", "state", "owner", "fails check"),
            [
                [(f.path, ""), (f.state.value, _STYLE.get(f.state, "")), (f.ownership, ""),
                 ("yes" if f.failing else "", "red")]
                for f in changed
            ],
        )  # fmt: skip
    edited = [f.path for f in changed if f.failing and f.state is FileState.EDITED]
    if edited:
        out.line(f"edits you intend to keep: backendkit accept {' '.join(edited)}")
    for problem in report.problems:
        out.line(f"✗ {problem}", "red")
    if show_diffs:
        for f in changed:
            if f.failing and (f.expected is not None or f.actual is not None):
                out.rule(f"{f.path} ({f.state.value})")
                out.line(unified_diff(f).rstrip("\n") or "(binary or whitespace-only difference)")
    if report.migrations is not None:
        _print_migrations(out, report.migrations)
    failing = sum(f.failing for f in report.files) + len(report.problems)
    failing += bool(report.migrations and report.migrations.failed)
    if report.failed:
        out.line(f"check failed: {failing} problem(s); {unchanged} files unchanged", "red")
    else:
        strict = " (strict)" if report.strict else ""
        out.line(f"check passed: {unchanged} files unchanged, {len(changed)} differ within the "
                 f"rules{strict}", "green")  # fmt: skip


def _print_migrations(out: PlainReport | RichReport, step: MigrationsCheck) -> None:
    if step.status == "in-sync":
        out.line("migrations: models and migrations agree")
    elif step.status == "skipped":
        out.line(f"migrations: skipped ({step.reason})")
    elif step.status == "error":
        out.line(f"✗ migrations: {step.reason}", "red")
    else:
        out.line("✗ migrations: models and migrations disagree (backendkit migrate NAME)", "red")
        for difference in step.differences:
            out.line(f"    {difference}")
