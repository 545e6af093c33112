"""``backendkit new DEST --template SRC[@REF]``: answers in, project out, report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from backendkit.cli.output import report_output
from backendkit.errors import UsageError


def parse_data(items: list[str], data_file: Path | None) -> dict[str, Any]:
    """Answers from --data-file (YAML), then --data KEY=VALUE pairs over them."""
    data: dict[str, Any] = {}
    if data_file is not None:
        try:
            loaded = yaml.safe_load(data_file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"--data-file {data_file}: {exc.strerror or exc}") from None
        except yaml.YAMLError as exc:
            first = str(exc).splitlines()[0]
            raise UsageError(f"--data-file {data_file}: not YAML: {first}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise UsageError(f"--data-file {data_file}: expected a mapping of answers")
        data.update(loaded or {})
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--data {item!r}: expected KEY=VALUE, e.g. --data project_name=shop")
        data[key] = value
    return data


def run_template_new(
    *,
    template: str,
    target: Path,
    data: dict[str, Any],
    interactive: bool,
    trust: bool,
    dry_run: bool,
    force: bool,
    git: bool,
) -> None:
    """Render TEMPLATE into TARGET and report what was written."""
    from backendkit.external.generate import new_from_template
    from backendkit.external.source import parse_source

    source = parse_source(template)
    generation = new_from_template(
        source, target, data, defaults=not interactive, trust=trust, force=force, dry_run=dry_run
    )
    out = report_output()
    if dry_run:
        for file in sorted(generation.files, key=lambda f: f.path):
            out.line(f"  {file.path}  ({file.ownership})")
    verb, dry = ("would write", " (nothing written: dry run)") if dry_run else ("wrote", "")
    ref = generation.state.source.ref if generation.state.source else None
    at = f" at {ref}" if ref else ""
    version = generation.state.template.version
    out.line(f"{verb} {len(generation.files)} files to {target} from {source.url}{at} "
             f"(version {version}){dry}", "green")  # fmt: skip
    if generation.ran_tasks:
        out.line("ran the template's tasks (--trust)")
    if git and not dry_run:
        from backendkit.cli.new_flow import _init_git

        _init_git(target)
