"""Signing in to a running service that has JWT auth."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.live_server import request
from tests.e2e.projects import check_tool
from tests.e2e.venv import Venv

PASSWORD = "a long enough password"
ADMIN_EMAIL = "admin@example.com"


def has_jwt_auth(project: Path) -> bool:
    """Whether the generated PROJECT carries the auth package."""
    return (project / "app" / "auth").is_dir()


def access_token(base: str, email: str = "e2e@example.com") -> str:
    """Register EMAIL (unless it exists) and sign in: the access token."""
    credentials = {"email": email, "password": PASSWORD}
    registered = request("POST", f"{base}/api/v1/auth/register", {**credentials, "name": "E2E"})
    assert registered.status in {201, 409}, registered.body
    return sign_in(base, email)


def sign_in(base: str, email: str) -> str:
    login = request("POST", f"{base}/api/v1/auth/login", {"email": email, "password": PASSWORD})
    assert login.status == 200, login.body
    token: str = login.body["data"]["accessToken"]
    return token


def admin_token(venv: Venv, project: Path, database_url: str, base: str) -> str:
    """Create the first administrator with the project's own command; sign in as it."""
    check_tool(
        venv,
        project,
        "-m",
        "app",
        "create-admin",
        "--email",
        ADMIN_EMAIL,
        DATABASE_URL=database_url,
        APP_ENV="test",
        ADMIN_PASSWORD=PASSWORD,
    )
    return sign_in(base, ADMIN_EMAIL)
