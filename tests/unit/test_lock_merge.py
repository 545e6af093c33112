"""uv.lock is the user's (seeded), and `backendkit update` merges the template's new pins into it
three ways: a pin only the template moved arrives, one only the user moved stays."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from backendkit.config import ServiceConfig
from backendkit.generate import new_service
from backendkit.merge import merge_three_way
from backendkit.templates import get_template


def move(lock: str, package: str, version: str) -> str:
    pattern = re.compile(rf'(\[\[package\]\]\nname = "{package}"\nversion = )"[^"]+"')
    moved, count = pattern.subn(rf'\1"{version}"', lock)
    assert count == 1, package
    return moved


def versions(lock: str) -> dict[str, str]:
    return {p["name"]: p["version"] for p in tomllib.loads(lock)["package"]}


def test_uv_lock_is_seeded() -> None:
    assert get_template().ownership_of("uv.lock") == "seeded"


def test_update_keeps_the_users_pin_and_takes_the_templates(tmp_path: Path) -> None:
    config = ServiceConfig.model_validate({"name": "shelf", "resources": []})
    new_service(config, tmp_path / "shelf")
    base = (tmp_path / "shelf" / "uv.lock").read_text()
    ours = move(base, "redis", "99.0.0")  # uv lock --upgrade-package redis
    theirs = move(base, "fastapi", "98.0.0")  # a template release with a newer FastAPI
    merged = merge_three_way(ours.encode(), base.encode(), theirs.encode(), path="uv.lock")
    assert not merged.conflicts
    pins = versions(merged.content.decode())
    assert (pins["redis"], pins["fastapi"]) == ("99.0.0", "98.0.0")
