"""How a resource change (add field, remove field, remove resource) shows its plan or result."""

from __future__ import annotations

from pathlib import Path

from backendkit.cli.output import console
from backendkit.cli.update_report import file_diff
from backendkit.evolve import Change
from backendkit.update_plan import Action


def print_change(change: Change, *, dry_run: bool, backup: Path | None) -> None:
    out = console()
    verb = "would" if dry_run else "will"
    out.print(f"{change.description}" + (" (dry run)" if dry_run else ""), markup=False)
    for f in change.plan.changes:
        note = f" ({f.note})" if f.note else ""
        out.print(f"  {f.action.value:<14} {f.path}{note}", markup=False)
    if change.revision is not None:
        out.print(f"  {'create':<14} {change.revision.path} (migration: yours)", markup=False)
    if dry_run:
        for f in change.plan.changes:
            if f.action.writes or f.action is Action.DELETE:
                diff = file_diff(f)
                if diff:
                    out.print(diff, markup=False, highlight=False, end="")
        if change.revision is not None:
            out.print(f"--- {change.revision.path} (new) ---", markup=False)
            out.print(change.revision.content.decode(), markup=False, highlight=False, end="")
        out.print(f"nothing written (dry run); without --dry-run this {verb} change "
                  f"{len(change.plan.changes) + bool(change.revision)} file(s)")  # fmt: skip
        return
    if change.conflicts:
        out.print(
            f"{len(change.conflicts)} file(s) have conflict markers: resolve the <<<<<<< ======= "
            f">>>>>>> blocks (check fails until then); the files as they were are in {backup}",
            markup=False,
        )
    if change.revision is not None:
        out.print("next: alembic upgrade head (applies the new migration)", markup=False)
