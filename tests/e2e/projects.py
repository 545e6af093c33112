"""The projects the end-to-end tests generate, and how their tools are run."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.e2e.venv import Venv

# Every field type and modifier the field syntax has but ref (see the catalog project).
EVERY_FIELD_TYPE = " ".join(
    [
        "title:str(3)",
        "summary:str:index:optional",
        "body:text:optional",
        "quantity:int:index=5",
        "serial:bigint:unique:optional",
        "ratio:float=1.5",
        "price:decimal(12,4)=9.99",
        "fraction:decimal(2,2):optional",
        "whole:decimal(5,0):optional",
        "is_featured:bool=false",
        "released_on:date=2024-02-29",
        "seen_at:datetime:optional:index",
        "external_id:uuid:unique",
        "batch_id:uuid=123e4567-e89b-12d3-a456-426614174000",
        "contact_email:email:unique:optional",
        "homepage:url:optional",
        "attributes:json:optional",
        "status:enum(draft,in_review,published)=draft",
        "label:str(40)=hello",
    ]
)


@dataclass(frozen=True)
class ProjectSpec:
    """A project to generate, and what a live server of it should accept and refuse."""

    args: tuple[str, ...]
    collection: str
    valid: dict[str, Any]
    unique_field: str | None
    invalid: dict[str, Any] = field(default_factory=dict)
    invalid_fields: tuple[str, ...] = ()
    # Changes to VALID that keep every unique field but UNIQUE_FIELD distinct.
    duplicate_changes: dict[str, Any] = field(default_factory=dict)
    # backendkit commands run inside the project after it is generated.
    then: tuple[tuple[str, ...], ...] = ()
    # Whether test_live_server's CRUD walk fits it (the auth user has its own live test).
    live_crud: bool = True


PROJECTS: dict[str, ProjectSpec] = {
    # The default: JWT auth with the user resource as its accounts, plus an owned resource.
    # Its users collection is admin-only; tests/e2e/test_auth_live.py walks it live.
    "user": ProjectSpec(
        # GraphQL beside REST too: the account's admin-only type and its action as a mutation.
        args=("user", "--crud", "--api", "rest,graphql"),
        then=(
            ("add", "resource", "note", "title:str", "--owned"),
            # An action of the sign-in account (admin-only, like the rest of /users).
            ("add", "action", "user", "deactivate"),
        ),
        collection="/api/v1/users",
        valid={
            "email": "ada@example.com",
            "name": "Ada Lovelace",
            "password": "a long enough password",
        },
        unique_field="email",
        invalid={"email": "not-an-email", "name": "", "role": "root", "isActive": "maybe"},
        invalid_fields=("email", "name", "role", "isActive", "password"),
        live_crud=False,
    ),
    "product": ProjectSpec(
        args=(
            "product",
            "--crud",
            "--fields",
            "name:str sku:str:unique price:decimal in_stock:bool=true",
            "--auth",
            "none",
            "--cache",
            "redis",
        ),
        # An action of a cached resource: it must drop the cached row it may have changed.
        then=(
            (
                "add",
                "action",
                "product",
                "restock",
                "--body",
                "quantity:int",
                "supplier:enum(acme,globex)=acme",
                "note:str(80):optional",
            ),
        ),
        collection="/api/v1/products",
        valid={"name": "Lamp", "sku": "LAMP-1", "price": "19.90"},
        unique_field="sku",
        invalid={"name": "Lamp", "sku": "LAMP-2", "price": "12.345", "inStock": "maybe"},
        invalid_fields=("price", "inStock"),
    ),
    "stock-item": ProjectSpec(
        args=("stock-item", "--crud", "--fields", EVERY_FIELD_TYPE),
        collection="/api/v1/stock-items",
        valid={
            "title": "abc",
            "externalId": "0b6f5c5e-8a4f-4b8a-9a53-2d5b6c1f0e11",
            "contactEmail": "shop@example.com",
            "attributes": {"colour": "red", "sizes": [1, 2]},
            "seenAt": "2024-05-01T12:00:00+02:00",
        },
        unique_field="externalId",
        duplicate_changes={"contactEmail": "other@example.com"},
        invalid={
            "title": "abcd",
            "externalId": "nope",
            "quantity": 2**31,
            "homepage": "ftp:/x",
            "releasedOn": "2024-02-30",
        },
        invalid_fields=("title", "externalId", "quantity", "homepage", "releasedOn"),
    ),
    # A second resource added later: long multi-word name, soft delete, the add command's chain.
    "note": ProjectSpec(
        args=("note", "--crud", "--fields", "title:str body:text:optional"),
        then=(
            (
                "add",
                "resource",
                "inventory_adjustment_note",
                "reason:enum(damage,recount,return)=recount",
                "quantity_delta:int",
                "reference:str(64):unique",
                "--soft-delete",
            ),
        ),
        collection="/api/v1/inventory-adjustment-notes",
        valid={"quantityDelta": -3, "reference": "ADJ-1"},
        unique_field="reference",
        invalid={"quantityDelta": "many", "reason": "theft"},
        invalid_fields=("quantityDelta", "reason", "reference"),
    ),
    # A ref chain added one resource at a time: category <- product <- review. The product has
    # every field type besides its ref; reviews are soft-deleted with a unique field; wishes are
    # owned (refs to or from owned resources are refused).
    "catalog": ProjectSpec(
        args=("category", "--crud", "--fields", "name:str(80):unique", "--auth", "jwt"),
        then=(
            ("add", "resource", "wish", "title:str", "--owned"),
            ("add", "resource", "product", "category:ref(category)", *EVERY_FIELD_TYPE.split()),
            (
                "add",
                "resource",
                "review",
                "product:ref(product)",
                "rating:int:index",
                "author_email:email:unique",
                "body:text:optional",
                "--soft-delete",
            ),
            # An action with a body: a mutation with an input and payload errors.
            (
                "add",
                "action",
                "review",
                "flag",
                "--body",
                "reason:str(80)",
                "severity:enum(low,high)=low",
            ),
        ),
        collection="/api/v1/categories",
        valid={"name": "Lamps"},
        unique_field="name",
        invalid={"name": "", "colour": "red"},
        invalid_fields=("name", "colour"),
    ),
    # The catalog's ref chain with GraphQL beside REST (--api rest,graphql): every resource,
    # added later too, is in the schema; relations both ways; the owned one scoped.
    "graphql-catalog": ProjectSpec(
        args=(
            "category",
            "--crud",
            "--fields",
            "name:str(80):unique",
            "--api",
            "rest,graphql",
        ),
        then=(
            ("add", "resource", "wish", "title:text", "--owned"),
            ("add", "resource", "product", "category:ref(category)", *EVERY_FIELD_TYPE.split()),
            (
                "add",
                "resource",
                "review",
                "product:ref(product)",
                "rating:int:index",
                "body:text:optional",
                "--soft-delete",
            ),
            # An action with a body: a mutation with an input and payload errors.
            (
                "add",
                "action",
                "review",
                "flag",
                "--body",
                "reason:str(80)",
                "severity:enum(low,high)=low",
            ),
        ),
        collection="/api/v1/categories",
        valid={"name": "Lamps"},
        unique_field="name",
        invalid={"name": "", "colour": "red"},
        invalid_fields=("name", "colour"),
    ),
    # Ordinary names that sit close to reserved ones: digits in field, resource and ref column
    # names (sorted and paged by), words such as data, type, status and order, a json field
    # (no equality filter: asking for one is a 400), and an irregular plural (/criteria).
    "svc26": ProjectSpec(
        args=(
            "svc26",
            "--crud",
            "--auth",
            "none",
            "--fields",
            "line1:str data:str type:str(20) status:enum(open,closed)=open order:int "
            "address_line2:str:optional attributes:json:optional",
        ),
        then=(
            (
                "add",
                "resource",
                "criterion",
                "svc26:ref(svc26)",
                "line1:str",
                "weight2:decimal(4,2)=12.5",
                "note:text:optional",
            ),
        ),
        collection="/api/v1/svc26s",
        valid={"line1": "1 Main St", "data": "d", "type": "home", "order": 1},
        unique_field=None,
        invalid={"line1": "x", "data": "d", "type": "t", "order": "first", "status": "gone"},
        invalid_fields=("order", "status"),
    ),
}

# Variables of the machine running the tests that must not steer a generated project.
_SCRUBBED = ("DATABASE_URL", "TEST_DATABASE_URL", "APP_ENV", "VIRTUAL_ENV", "PYTHONPATH", "PORT")


def new_command(name: str, target: Path) -> list[str]:
    """``python -m backendkit new`` for the project NAME, into TARGET."""
    options = ["--output", str(target), "--no-git", "--defaults"]
    return [sys.executable, "-m", "backendkit", "new", *PROJECTS[name].args, *options]


def generate(name: str, parent: Path) -> Path:
    """Generate the project NAME into PARENT/NAME."""
    target = parent / name
    result = subprocess.run(
        new_command(name, target),
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert result.returncode == 0, f"backendkit new {name} failed:\n{result.stdout}{result.stderr}"
    for command in PROJECTS[name].then:
        result = subprocess.run(
            [sys.executable, "-m", "backendkit", *command],
            cwd=target,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
            check=False,
        )
        assert result.returncode == 0, f"backendkit {command} failed:\n{result.stderr}"
    return target


def project_env(project: Path, **overrides: str) -> dict[str, str]:
    """The environment a generated project's tools run in: its root importable, no leaks."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update({"PYTHONPATH": str(project), "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    env.update(overrides)
    return env


def run_tool(
    venv: Venv, project: Path, *args: str, timeout: float = 600, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` with the shared environment, in PROJECT."""
    return subprocess.run(
        [str(venv.python), *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=project_env(project, **env),
        timeout=timeout,
        check=False,
    )


def check_tool(
    venv: Venv, project: Path, *args: str, timeout: float = 600, **env: str
) -> subprocess.CompletedProcess[str]:
    """Like run_tool, failing the test with the tool's output unless it exits 0."""
    return assert_succeeded(run_tool(venv, project, *args, timeout=timeout, **env), project)


def assert_succeeded(
    result: subprocess.CompletedProcess[str], project: Path
) -> subprocess.CompletedProcess[str]:
    """RESULT, failing the test with the tool's output unless it exited 0."""
    args = result.args[1:] if isinstance(result.args, list) else [str(result.args)]
    assert result.returncode == 0, (
        f"`{' '.join(map(str, args))}` failed in {project.name} (exit {result.returncode}):\n"
        f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    )
    return result
