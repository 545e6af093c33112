"""Arguments and output of ``backendkit update``."""

from __future__ import annotations

import difflib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from backendkit.cli.output import console
from backendkit.errors import UsageError
from backendkit.update_plan import Action, PlannedFile, UpdatePlan

JSON_SCHEMA_ID = "backendkit.update/1"
SETTABLE = ("db", "cache", "broker", "deploy", "ci", "api")
# Auth decides the users table and the migrations that made it, which a database may already
# have applied: it is chosen once, with ``backendkit new --auth``.
FIXED_AT_NEW = {"auth": "chosen once with backendkit new --auth (it shapes applied migrations)"}


def parse_settings(items: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs; the config model validates the values."""
    settings: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--set {item!r}: expected KEY=VALUE, e.g. --set db=postgres")
        if key in FIXED_AT_NEW:
            raise UsageError(f"--set {key}: cannot change after generation: {FIXED_AT_NEW[key]}")
        if key not in SETTABLE:
            raise UsageError(f"--set {key}: unknown answer; valid: {', '.join(SETTABLE)}")
        settings[key] = value
    return settings


def file_diff(planned: PlannedFile) -> str:
    """The change as a unified diff that ``git apply`` and ``patch -p1`` accept."""
    before = (planned.current or b"").decode(errors="replace").splitlines(keepends=True)
    after = (planned.result or b"").decode(errors="replace").splitlines(keepends=True)
    old = "/dev/null" if planned.current is None else f"a/{planned.path}"
    new = "/dev/null" if planned.result is None else f"b/{planned.path}"
    return "".join(
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n"
        for line in difflib.unified_diff(before, after, old, new)
    )


def as_dict(plan: UpdatePlan, *, dry_run: bool) -> dict[str, Any]:
    """The plan in its documented JSON shape (docs/update.md)."""
    return {
        "schema": JSON_SCHEMA_ID,
        "project": str(plan.project.root),
        "dryRun": dry_run,
        "template": {"name": plan.template.name, "from": plan.project.state.template.version,
                     "to": plan.template.version},
        "answers": plan.answers,
        "summary": {a.value: n for a, n in Counter(f.action for f in plan.files).items()},
        "conflicts": [f.path for f in plan.conflicts],
        "files": [
            {"path": f.path, "action": f.action.value, "conflicts": f.conflicts, "note": f.note}
            for f in plan.files
            if f.action is not Action.UNCHANGED
        ],
    }  # fmt: skip


def print_json(plan: UpdatePlan, *, dry_run: bool) -> None:
    print(json.dumps(as_dict(plan, dry_run=dry_run), indent=2))


def print_plan(plan: UpdatePlan, *, dry_run: bool, backup: Path | None) -> None:
    from rich.text import Text

    out = console()
    name, old, new = plan.template.name, plan.project.state.template.version, plan.template.version
    out.print(
        f"template {name} {old} -> {new}" if old != new else f"template {name} {new}", markup=False
    )
    for f in plan.changes:
        note = f" ({f.note})" if f.note else ""
        out.print(f"  {f.action.value:<14} {f.path}{note}", markup=False)
    if dry_run:
        for f in plan.changes:
            if f.action.writes or f.action is Action.DELETE:
                diff = file_diff(f)
                if diff:
                    out.rule(Text(f"{f.path} ({f.action.value})"))
                    # Written as is: rich would expand tabs and so break the patch.
                    out.file.write(diff)
        out.print(f"{len(plan.changes)} file(s) would change; nothing written (dry run)")
        return
    if plan.conflicts:
        out.print(f"[red]{len(plan.conflicts)} file(s) have conflict markers[/]: resolve the "
                  "<<<<<<< ======= >>>>>>> blocks, then commit")  # fmt: skip
        out.print(f"the files as they were before the update are in {backup}", markup=False)
    else:
        out.print(f"[green]updated[/]: {len(plan.changes)} file(s) changed; review and commit")
