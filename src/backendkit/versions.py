"""Template versions: parsed and compared as PEP 440 versions (0.10.0 is newer than 0.9.0)."""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

from backendkit.errors import UsageError


def parse_version(text: str, *, what: str) -> Version:
    """TEXT as a version; a ValueError naming WHAT when it is not one (records turn it into a
    one-line error naming the setting)."""
    try:
        return Version(text)
    except InvalidVersion:
        raise ValueError(f"{what} {text!r} is not a version such as 0.5.0") from None


def refuse_downgrade(template: str, recorded: str, installed: str, *, allowed: bool) -> None:
    """Refuse to render a project with an older template than the one that last wrote it:
    files the newer template dropped would come back and its migrations would be unknown."""
    if allowed:
        return
    if parse_version(installed, what="template version") < parse_version(
        recorded, what="template version"
    ):
        raise UsageError(
            f"the project was generated with template {template} {recorded}, newer than the "
            f"installed {installed}: upgrade backendkit "
            "(or go back with backendkit update --allow-downgrade)"
        )
