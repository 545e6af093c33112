"""Where an external template comes from: a local directory or a git URL, and a ref."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from backendkit.errors import UsageError

# URL schemes and the scp-like form git understands (git@host:org/repo.git).
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:|gh:|gl:)", re.IGNORECASE)


@dataclass(frozen=True)
class TemplateSource:
    """A template location and the git ref to render (None: Copier's choice, the latest tag)."""

    url: str
    ref: str | None = None

    @property
    def is_remote(self) -> bool:
        return bool(_REMOTE.match(self.url))


def parse_source(text: str) -> TemplateSource:
    """SRC or SRC@REF, refusing a local path that is not there (before anything is written)."""
    url, ref = text, None
    head, sep, tail = text.rpartition("@")
    # A ref has no ":" or "/" (which "user@host/…" and "git@host:…" have after their "@").
    if sep and head and tail and not {":", "/"} & set(tail) and not Path(text).exists():
        url, ref = head, tail
    source = TemplateSource(url, ref)
    if not source.is_remote:
        path = Path(url).expanduser()
        if not path.is_dir():
            raise UsageError(f"template {url!r} not found: no such directory")
        source = TemplateSource(str(path.resolve()), ref)
    return source


def template_name(url: str) -> str:
    """A plain name for the state file's template record: the repository's last path part."""
    last = re.split(r"[/:]", url.rstrip("/"))[-1].removesuffix(".git")
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", last).strip("-._")
    return cleaned or "template"
