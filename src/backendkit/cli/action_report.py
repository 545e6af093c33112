"""Output of ``backendkit add action``: the files it changed (or would), and the route."""

from __future__ import annotations

from pathlib import Path

from backendkit.add_action import ActionPlan
from backendkit.cli.output import console
from backendkit.cli.update_report import file_diff
from backendkit.update_plan import Action


def print_action(planned: ActionPlan, *, dry_run: bool, backup: Path | None) -> None:
    out = console()
    plan = planned.plan
    for f in plan.changes:
        note = f" ({f.note})" if f.note else ""
        out.print(f"  {f.action.value:<14} {f.path}{note}", markup=False)
    what = f"action {planned.action.name} of {planned.resource.name}: {planned.route}"
    if dry_run:
        for f in plan.changes:
            if f.action.writes or f.action is Action.DELETE:
                diff = file_diff(f)
                if diff:
                    out.rule(f"{f.path} ({f.action.value})")
                    out.print(diff, markup=False, highlight=False)
        out.print(f"would add {what}; {len(plan.changes)} file(s) would change; "
                  "nothing written (dry run)", markup=False, soft_wrap=True)  # fmt: skip
        return
    out.print(f"added {what}; {len(plan.changes)} file(s) changed", markup=False, soft_wrap=True)
    if plan.conflicts:
        out.print(f"[red]{len(plan.conflicts)} file(s) have conflict markers[/]: resolve the "
                  "<<<<<<< ======= >>>>>>> blocks, then commit")  # fmt: skip
        out.print(f"the files as they were before are in {backup}", markup=False)
    else:
        service = f"app/{planned.resource.name}/service.py"
        function = f"{planned.action.name}_{planned.resource.name}"
        out.print(f"next: write the rule in {function}() in {service}", markup=False,
                  soft_wrap=True)  # fmt: skip
