"""What ``backendkit new`` does once its arguments are parsed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from backendkit.cli.output import console, report_output
from backendkit.config import DEFAULTS, NOT_BUILT_YET, ServiceConfig
from backendkit.config_file import build_config, read_config_file
from backendkit.errors import UsageError
from backendkit.fields import split_field_arguments, split_fields
from backendkit.generate import Generation, new_service

_CHOICES = {
    "db": ["sqlite", "postgres"],
    "auth": ["jwt", "none"],
    "cache": ["redis", "none"],
    "broker": ["none", "rabbitmq", "nats", "redis"],
    "deploy": ["docker,k8s", "docker", "none"],
    "ci": ["github", "none"],
}


def run_new(
    *,
    name: str,
    crud: bool,
    field_tokens: list[str],
    plural: str | None = None,
    events: bool = False,
    fields: str | None,
    flags: dict[str, Any],
    config_file: Path | None,
    output: Path | None,
    prompt_for: list[str],
    dry_run: bool,
    force: bool,
    git: bool,
) -> Generation:
    """Build the config, generate, report."""
    values: dict[str, Any] = read_config_file(config_file) if config_file else {}
    values.setdefault("name", name)
    if values["name"] != name:
        raise UsageError(f"--config names the service {values['name']!r}, the command {name!r}")
    values.update(flags)
    tokens = split_field_arguments(field_tokens) + (split_fields(fields) if fields else [])
    if tokens and not crud:
        raise UsageError("fields need a resource: add --crud (or use 'backendkit add resource')")
    if plural is not None and not crud:
        raise UsageError("--plural names the --crud resource's plural: add --crud")
    if events and not crud:
        raise UsageError("--events is a setting of the --crud resource: add --crud")
    if crud:
        first = _first_resource(name, tokens)
        if plural is not None:
            first["plural"] = plural
        if events:
            first["events"] = True
        values["resources"] = [first, *values.get("resources", [])]
    for key in prompt_for:
        if key not in values:
            values[key] = _prompt(key)
    source = f"{config_file}: " if config_file and not flags else ""
    config = build_config(values, source=source)
    target = output or Path(name)
    generation = new_service(config, target, force=force, dry_run=dry_run)
    _report(config, generation, dry_run=dry_run)
    if git and not dry_run:
        _init_git(target)
    return generation


SETUP_HINT = "uv sync --extra dev && uv run python -m app"
_LABELS = {
    "db": "Database",
    "auth": "Authentication",
    "cache": "Cache",
    "broker": "Message broker",
    "deploy": "Deploy files",
    "ci": "CI workflow",
}


def _first_resource(name: str, tokens: list[str]) -> dict[str, Any]:
    resource = name.replace("-", "_")
    if tokens:
        return {"name": resource, "fields": tokens}
    from backendkit.config import USER_FIELDS

    return {"name": resource, "fields": USER_FIELDS if resource == "user" else "name:str"}


def _prompt(key: str) -> Any:
    from rich.prompt import Prompt

    built = [c for c in _CHOICES[key] if not _refused(key, c)]
    default = DEFAULTS[key]
    default_text = ",".join(default) or "none" if isinstance(default, tuple) else default
    if len(built) == 1:
        return built[0]
    return Prompt.ask(_LABELS[key], choices=built, default=default_text, console=console())


def _refused(key: str, choice: str) -> bool:
    refused = NOT_BUILT_YET.get(key, {})
    return any(part in refused for part in choice.split(","))


def _report(config: ServiceConfig, generation: Generation, *, dry_run: bool) -> None:
    out = report_output()
    verb = "would write" if dry_run else "wrote"
    if dry_run:
        for file in sorted(generation.files, key=lambda f: f.path):
            out.line(f"  {file.path}  ({file.ownership})")
    dry = " (nothing written: dry run)" if dry_run else ""
    out.line(f"{verb} {len(generation.files)} files to {generation.target}{dry}", "green")
    for path in generation.skipped:
        out.line(f"  kept your existing {path}")
    if not dry_run:
        steps = [f"cd {generation.target}", SETUP_HINT]
        if config.db == "postgres":
            # Its DATABASE_URL names a database of its own, which must exist before migrating.
            database = config.name.replace("-", "_")
            steps.insert(1, f"createdb -h localhost -U postgres {database}")
        out.line("\nNext:\n" + "\n".join(f"  {step}" for step in steps))
        for resource in config.resources:
            if resource.name != "user" and [f.name for f in resource.fields] == ["name"]:
                out.line(
                    f"\n{resource.name} has one field, name:str. Declare fields with --fields "
                    '"title:str price:decimal(10,2)"; add resources with backendkit add resource.',
                    "dim",
                )


def _init_git(target: Path) -> None:
    git = shutil.which("git")
    if not git:
        return
    if any((directory / ".git").exists() for directory in target.resolve().parents):
        return  # already inside a repository (a monorepo): leave version control to it
    subprocess.run([git, "init", "-q"], cwd=target, check=True)
    subprocess.run([git, "add", "-A"], cwd=target, check=True)
    commit = subprocess.run(
        [git, "commit", "-q", "-m", "Generate service with backendkit"],
        cwd=target,
        capture_output=True,
        check=False,
    )
    if commit.returncode != 0:
        report_output().line("git repository created; commit skipped (no git identity)", "yellow")
