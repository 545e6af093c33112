"""The database URL (flag, project settings or environment) and a read-only connection."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from backendkit.errors import UsageError

_DRIVER = re.compile(r"^postgres(?:ql)?(?:\+\w+)?://")
_DEFAULT_URL = re.compile(r'^DEFAULT_DATABASE_URL\s*=\s*"([^"]+)"', re.MULTILINE)


def libpq_url(url: str) -> str:
    """URL as libpq reads it: SQLAlchemy's ``postgresql+asyncpg://`` loses its driver."""
    if not _DRIVER.match(url):
        raise UsageError(f"--database-url {_redacted(url)!r}: not a PostgreSQL URL")
    return _DRIVER.sub("postgresql://", url, count=1)


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (quotes stripped, comments skipped)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip().upper()] = value.strip().strip("'\"")
    return values


def project_setting(root: Path | None, name: str) -> str | None:
    """NAME from the environment, else from the project's .env (as the service reads it)."""
    if name in os.environ:
        return os.environ[name]
    if root is None:
        return None
    return read_env_file(root / ".env").get(name)


def resolve_url(given: str | None, root: Path | None) -> str:
    """--database-url, else DATABASE_URL (environment or .env), else the project's default."""
    if given:
        return libpq_url(given)
    configured = project_setting(root, "DATABASE_URL")
    if configured:
        return libpq_url(configured)
    if root is not None:
        config = root / "app" / "core" / "config.py"
        match = _DEFAULT_URL.search(config.read_text()) if config.is_file() else None
        if match:
            return libpq_url(match[1])
    raise UsageError(
        "no database to analyze: pass --database-url postgresql://USER@HOST:PORT/DB, "
        "set DATABASE_URL, or run inside a generated project"
    )


def _redacted(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def connect(url: str) -> Any:
    """A psycopg connection whose every transaction is READ ONLY."""
    import psycopg

    try:
        conn = psycopg.connect(url, connect_timeout=5, autocommit=False)
    except psycopg.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UsageError(f"cannot connect to {_redacted(url)}: {first}") from None
    conn.read_only = True
    with conn.cursor() as cur:
        # Bounded: an analysis never waits on a lock or runs away on a huge catalog.
        cur.execute("SET statement_timeout = '30s'")
        cur.execute("SET lock_timeout = '1s'")
        cur.execute("SET application_name = 'backendkit db analyze'")
    conn.commit()
    return conn
