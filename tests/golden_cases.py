"""The generated trees pinned by golden snapshots, and how to (deliberately) update them.

Update after a reviewed template change with:  python -m tests.golden_cases --update
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from backendkit.config_file import build_config
from backendkit.generate import new_service

GOLDEN_DIR = Path(__file__).parent / "golden"
HEADER = "# golden snapshot: {case}. Update only with: python -m tests.golden_cases --update\n"
SEPARATOR = "=" * 20
# .env holds the per-project random secret; the baseline is a zip of the other files.
UNPINNED = {".env", ".backendkit/baseline.zip"}

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
}  # fmt: skip


def render_case(case: str) -> dict[str, str]:
    """The files a case generates: relative path -> text."""
    config = build_config(dict(CASES[case]))
    with tempfile.TemporaryDirectory() as tmp:
        generation = new_service(config, Path(tmp) / config.name, dry_run=True)
    return {
        f.path: f.content.decode()
        for f in sorted(generation.files, key=lambda f: f.path)
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
    args = parser.parse_args()
    if not args.update:
        parser.print_help()
        return 2
    GOLDEN_DIR.mkdir(exist_ok=True)
    for case in CASES:
        snapshot_path(case).write_text(dump_snapshot(case, render_case(case)))
        print(f"updated {snapshot_path(case).relative_to(Path.cwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
