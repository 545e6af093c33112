"""``python -m app``: run the development server (on a migrated database)."""

from __future__ import annotations

from pathlib import Path

import uvicorn
from alembic import command
from alembic.config import Config

from app.core.config import get_settings

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def main() -> None:
    settings = get_settings()
    development = settings.app_env == "development"
    if development and ALEMBIC_INI.is_file():
        # The first run works on the embedded database with no setup; deployments migrate
        # explicitly (alembic upgrade head) before they start the server.
        command.upgrade(Config(str(ALEMBIC_INI)), "head")
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
