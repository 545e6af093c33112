"""squawk-cli, the PostgreSQL migration linter, run over SQL files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from backendkit.dblint.rules import EXCLUDED_SQUAWK_RULES
from backendkit.errors import BackendkitError


@dataclass(frozen=True)
class SquawkFinding:
    """One squawk violation: FILE's 0-based LINE."""

    file: str
    line: int
    rule: str
    message: str
    help: str | None


def squawk_binary() -> str:
    """squawk next to this interpreter (the squawk-cli wheel), else on PATH."""
    beside = Path(sys.executable).parent / "squawk"
    if beside.is_file():
        return str(beside)
    found = shutil.which("squawk")
    if found is None:
        raise BackendkitError("squawk is not installed: pip install squawk-cli")
    return found


def run_squawk(paths: list[Path]) -> list[SquawkFinding]:
    """squawk's findings for PATHS (every rule but the excluded ones)."""
    if not paths:
        return []
    completed = subprocess.run(
        [
            squawk_binary(),
            "--reporter",
            "json",
            "--exclude",
            ",".join(EXCLUDED_SQUAWK_RULES),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        raw = json.loads(completed.stdout or "[]")
    except json.JSONDecodeError:
        raise BackendkitError(f"squawk failed: {completed.stderr.strip()[:300]}") from None
    return [
        SquawkFinding(
            file=item["file"],
            line=int(item["line"]),
            rule=item["rule_name"],
            message=item["message"],
            help=item.get("help"),
        )
        for item in raw
    ]
