"""``python -m app``: run the development server (on a migrated database).

``python -m app COMMAND ...`` runs one of the service's commands instead (``create-admin``
with JWT auth; ``relay``, ``worker``, ``events`` and ``asyncapi`` with a message broker).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import uvicorn
from alembic import command
from alembic.config import Config

from app.core.config import get_settings

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"
# Command name -> the module whose main(argv) -> exit status runs it ("module:function" when
# the function has another name).
COMMANDS = {
    "create-admin": "app.auth.create_admin",
    "relay": "app.events.commands:relay_main",
    "worker": "app.events.commands:worker_main",
    "events": "app.events.commands:events_main",
    "asyncapi": "app.events.asyncapi:main",
}


def migrate_in_development() -> None:
    """The first run works on the embedded database with no setup; deployments migrate
    explicitly (alembic upgrade head) before they start the server."""
    if get_settings().app_env == "development" and ALEMBIC_INI.is_file():
        command.upgrade(Config(str(ALEMBIC_INI)), "head")


def _exists(module_name: str) -> bool:
    # A command's module exists only when its feature was generated (e.g. --auth jwt).
    try:
        return importlib.util.find_spec(module_name) is not None
    except ModuleNotFoundError:
        return False


def run_command(argv: list[str]) -> int:
    """Run the command ARGV names; its exit status (2 for an unknown one)."""
    module_name, _, function = COMMANDS.get(argv[0], "").partition(":")
    if not module_name or not _exists(module_name):
        available = ", ".join(n for n, m in COMMANDS.items() if _exists(m.partition(":")[0]))
        print(f"unknown command {argv[0]!r} (commands: {available or 'none'})", file=sys.stderr)
        return 2
    migrate_in_development()
    status: int = getattr(importlib.import_module(module_name), function or "main")(argv[1:])
    return status


def main() -> None:
    if len(sys.argv) > 1:
        sys.exit(run_command(sys.argv[1:]))
    settings = get_settings()
    development = settings.app_env == "development"
    migrate_in_development()
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        reload=development,
        access_log=False,  # the service logs each request itself, as JSON
        # The service itself decides which X-Forwarded-* to believe (TRUSTED_PROXIES).
        proxy_headers=False,
        log_level=settings.log_level.lower(),
    )


if __name__ == "__main__":
    main()
