"""Find the templates shipped with backendkit."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from backendkit.engine import Template, load_template
from backendkit.errors import UsageError

DEFAULT_TEMPLATE = "fastapi"


def templates_root() -> Path:
    """The templates directory: $BACKENDKIT_TEMPLATES when set (a platform team trying a
    template change on its services), else inside the installed package, or the checkout's."""
    configured = os.environ.get("BACKENDKIT_TEMPLATES")
    if configured:
        return Path(configured)
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def shipped_templates() -> list[Template]:
    """Every template in the templates directory, by name."""
    root = templates_root()
    return [
        load_template(path)
        for path in sorted(root.iterdir() if root.is_dir() else [])
        if (path / "copier.yml").is_file()
    ]


@cache
def get_template(name: str = DEFAULT_TEMPLATE) -> Template:
    """The shipped template called NAME."""
    root = templates_root() / name
    if not root.is_dir():
        available = sorted(p.name for p in templates_root().iterdir() if p.is_dir())
        raise UsageError(f"unknown template {name!r}; available: {', '.join(available)}")
    return load_template(root)
