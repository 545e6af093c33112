"""The same answers render the same bytes; the random secret lives in .env alone."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.e2e.projects import new_command


def _render(name: str, target: Path) -> dict[str, bytes]:
    subprocess.run(new_command(name, target), check=True, capture_output=True)
    return {
        p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()
    }


def test_rendering_twice_differs_only_in_the_local_secret(tmp_path: Path) -> None:
    first = _render("stock-item", tmp_path / "a")
    second = _render("stock-item", tmp_path / "b")
    assert set(first) == set(second)
    differing = sorted(path for path in first if first[path] != second[path])
    assert differing == [".env"]
    secret = next(
        line.split("=", 1)[1]
        for line in first[".env"].decode().splitlines()
        if line.startswith("SECRET_KEY=")
    )
    assert len(secret) >= 32
    assert [path for path, content in first.items() if secret.encode() in content] == [".env"]
