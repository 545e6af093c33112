"""The generated trees pinned by golden snapshots, and how to (deliberately) update them.

Update after a reviewed template change with:  python -m tests.golden_cases --update
(one case only: python -m tests.golden_cases --update --case NAME)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from backendkit.add_action import plan_action
from backendkit.add_resource import add_resource
from backendkit.config_file import build_config, build_resource
from backendkit.generate import new_service
from backendkit.project import Project

GOLDEN_DIR = Path(__file__).parent / "golden"
HEADER = "# golden snapshot: {case}. Update only with: python -m tests.golden_cases --update\n"
SEPARATOR = "=" * 20
# .env holds the per-project random secret; the baseline is a zip of the other files; uv.lock
# is the template's lock (scripts/refresh-template-lock) around the project's own entry, which
# tests/e2e/test_uv_setup.py holds to what `uv lock` writes.
UNPINNED = {".env", ".backendkit/baseline.zip", "uv.lock"}
# A case with "add" pins only the files `backendkit add resource` writes into its project.
ADD = "add"
# A case with "change" pins what a resource change (add field, remove field, remove resource)
# writes: each file it writes, its migration, and DELETED for each file it removes.
CHANGE = "change"
DELETED = "(deleted by the change)\n"
_SHOP = {
    "name": "shop",
    "auth": "none",
    "resources": [
        {"name": "category", "fields": "name:str:unique"},
        {"name": "product", "fields": "name:str price:decimal(10,2) category:ref(category)"},
        {"name": "coupon", "fields": "code:str(20):unique"},
    ],
}
# A case with "action" pins only the files `backendkit add action` changes, as it leaves them.
ACTION = "action"

CASES: dict[str, dict[str, object]] = {
    "user-crud": {
        "name": "user",
        "resources": [{"name": "user", "fields": "email:email:unique name:str(100) "
                       "role:enum(user,admin)=user is_active:bool=true"}],
    },
    "product-crud": {
        "name": "product",
        "auth": "none",
        "resources": [
            {
                "name": "product",
                "fields": "name:str sku:str:unique price:decimal in_stock:bool=true",
            }
        ],
    },
    # The last link of a ref chain, soft-deleted, added to an existing project.
    "review-add-resource": {
        "name": "shop",
        "auth": "none",
        "resources": [
            {"name": "category", "fields": "name:str:unique"},
            {"name": "product", "fields": "name:str category:ref(category)"},
        ],
        ADD: {
            "name": "review",
            "fields": "product:ref(product) rating:int:index author_email:email:unique "
                      "body:text:optional",
            "soft_delete": True,
        },
    },
    "product-add-field": {
        **_SHOP,
        CHANGE: ("add_fields", "product", "sku:str(32):unique:optional in_stock:bool=true "
                 "status:enum(draft,active)=draft"),
    },
    "product-remove-field": {**_SHOP, CHANGE: ("remove_fields", "product", "price")},
    "coupon-remove-resource": {**_SHOP, CHANGE: ("remove_resource", "coupon", "")},
    # GraphQL beside REST: a ref (relations both ways), an enum, a bigint, an owned resource.
    "graphql-shop": {
        "name": "shop",
        "api": "rest,graphql",
        "resources": [
            {"name": "category", "fields": "name:str:unique"},
            {"name": "product", "fields": "name:str views:bigint=0 "
                                          "status:enum(draft,live)=draft category:ref(category)"},
            {"name": "wish", "fields": "title:str", "owned": True},
        ],
    },
    # Events through RabbitMQ: one resource publishes its changes, one does not.
    "order-events": {
        "name": "order",
        "auth": "none",
        "broker": "rabbitmq",
        "resources": [
            {"name": "order", "fields": "total:decimal(10,2)", "events": True},
            {"name": "note", "fields": "body:text"},
        ],
    },
    # An action with a body on an owned resource (JWT), added to an existing project.
    "refund-add-action": {
        "name": "shop",
        "resources": [
            {"name": "order", "fields": "total:decimal(10,2) status:enum(new,paid)=new",
             "owned": True},
        ],
        ACTION: {"resource": "order", "name": "refund",
                 "body": ["amount:decimal(10,2)", "reason:text:optional"]},
    },
}  # fmt: skip


def render_change(target: Path, change: tuple[str, str, str]) -> dict[str, str]:
    """The files a resource change writes into the project at TARGET (nothing is written)."""
    from backendkit import evolve
    from backendkit.fields import parse_fields, split_fields

    kind, resource, arguments = change
    project = Project.find(target)
    if kind == "add_fields":
        made = evolve.add_fields(project, resource, parse_fields(split_fields(arguments)))
    elif kind == "remove_fields":
        made = evolve.remove_fields(project, resource, split_fields(arguments))
    else:
        made = evolve.remove_resource(project, resource)
    files = {
        f.path: (f.result.decode() if f.result is not None else DELETED)
        for f in made.plan.changes
        if f.action.writes or f.action is evolve.Action.DELETE
    }
    if made.revision is not None:
        files[made.revision.path] = made.revision.content.decode()
    return dict(sorted(files.items()))


def render_case(case: str) -> dict[str, str]:
    """The files a case generates: relative path -> text."""
    values = dict(CASES[case])
    added = values.pop(ADD, None)
    change = values.pop(CHANGE, None)
    action = values.pop(ACTION, None)
    config = build_config(values)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / config.name
        if isinstance(change, tuple):
            new_service(config, target)
            return {p: t for p, t in render_change(target, change).items() if p not in UNPINNED}
        if isinstance(action, dict):
            new_service(config, target)
            plan = plan_action(
                Project.find(target), action["resource"], action["name"], action["body"]
            ).plan
            return {f.path: f.result.decode() for f in plan.changes if f.result is not None}
        if isinstance(added, dict):
            new_service(config, target)
            files = add_resource(Project.find(target), build_resource(added), dry_run=True).files
        else:
            files = new_service(config, target, dry_run=True).files
    return {
        f.path: f.content.decode()
        for f in sorted(files, key=lambda f: f.path)
        if f.path not in UNPINNED
    }


def snapshot_path(case: str) -> Path:
    return GOLDEN_DIR / f"{case}.txt"


def dump_snapshot(case: str, files: dict[str, str]) -> str:
    parts = [HEADER.format(case=case)]
    for path, text in files.items():
        parts.append(f"{SEPARATOR} {path} {SEPARATOR}\n{text}")
        if not text.endswith("\n"):
            parts.append("\n<no newline at end of file>\n")
    return "".join(parts)


def load_snapshot(case: str) -> dict[str, str]:
    """The files pinned for CASE."""
    return parse_snapshot(snapshot_path(case).read_text())


def parse_snapshot(text: str) -> dict[str, str]:
    """Parse a snapshot back into path -> text."""
    files: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    body = text.split("\n", 1)[1]
    for line in body.splitlines(keepends=True):
        if line.startswith(SEPARATOR + " ") and line.rstrip("\n").endswith(" " + SEPARATOR):
            if current is not None:
                files[current] = "".join(lines)
            current = line.strip()[len(SEPARATOR) + 1 : -len(SEPARATOR) - 1]
            lines = []
        elif line == "<no newline at end of file>\n" and lines:
            lines[-1] = lines[-1].removesuffix("\n")
        else:
            lines.append(line)
    if current is not None:
        files[current] = "".join(lines)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite every snapshot")
    parser.add_argument("--case", choices=sorted(CASES), help="update this case's snapshot only")
    args = parser.parse_args()
    if not args.update:
        parser.print_help()
        return 2
    GOLDEN_DIR.mkdir(exist_ok=True)
    for case in [args.case] if args.case else CASES:
        snapshot_path(case).write_text(dump_snapshot(case, render_case(case)))
        print(f"updated {snapshot_path(case).relative_to(Path.cwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
