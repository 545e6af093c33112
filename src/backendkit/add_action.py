"""Add a custom action to a recorded resource: the state gains it, and the project is re-rendered
with update's three-way merge, so what the user wrote in service.py or router.py is kept."""

from __future__ import annotations

from dataclasses import dataclass

from backendkit.actions import ActionSpec, validate_verb
from backendkit.config import ResourceSpec
from backendkit.config_file import build_resource
from backendkit.errors import UsageError
from backendkit.fields import parse_fields
from backendkit.project import Project
from backendkit.update_plan import Action, UpdatePlan, plan_update


@dataclass(frozen=True)
class ActionPlan:
    """What adding one action changes: the resource it joins, and the per-file plan."""

    resource: ResourceSpec
    action: ActionSpec
    plan: UpdatePlan

    @property
    def route(self) -> str:
        return f"POST /api/v1/{self.resource.names.path}/{{id}}/{self.action.path}"


def plan_action(project: Project, resource: str, verb: str, body: list[str]) -> ActionPlan:
    """Validate the action and plan the re-render; nothing is written."""
    template = project.current_template()
    recorded = project.config()
    current = next((r for r in recorded.resources if r.name == resource), None)
    if current is None:
        known = ", ".join(r.name for r in recorded.resources) or "none"
        raise UsageError(f"no resource {resource!r} in this project (resources: {known})")
    validate_verb(verb)
    if verb in {a.name for a in current.actions}:
        raise UsageError(f"resource {resource!r} already has an action {verb!r}")
    fields = parse_fields(body)
    changed = build_resource(
        {
            "name": current.name,
            "fields": [f.to_token() for f in current.fields],
            "owned": current.owned,
            "soft_delete": current.soft_delete,
            "events": current.events,
            "actions": [
                *({"name": a.name, "body": a.body_tokens()} for a in current.actions),
                {"name": verb, "body": [f.to_token() for f in fields]},
            ],
        }
    )
    resources = [changed if r.name == resource else r for r in recorded.resources]
    # Validated like `new` (routes of other resources included) before anything is planned.
    plan = plan_update(project, {"resources": resources}, template)
    service = f"app/{resource}/service.py"
    if any(f.path == service and f.action is Action.STAYS_DELETED for f in plan.files):
        # The route would call a function that has nowhere to go.
        raise UsageError(f"{service} was deleted: restore it before adding an action")
    return ActionPlan(resource=changed, action=changed.actions[-1], plan=plan)
