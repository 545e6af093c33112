"""Signing in to a running service that has JWT auth."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.live_server import request

PASSWORD = "a long enough password"


def has_jwt_auth(project: Path) -> bool:
    """Whether the generated PROJECT carries the auth package."""
    return (project / "app" / "auth").is_dir()


def access_token(base: str, email: str = "e2e@example.com") -> str:
    """Register EMAIL (unless it exists) and sign in: the access token."""
    credentials = {"email": email, "password": PASSWORD}
    registered = request("POST", f"{base}/api/v1/auth/register", {**credentials, "name": "E2E"})
    assert registered.status in {201, 409}, registered.body
    login = request("POST", f"{base}/api/v1/auth/login", credentials)
    assert login.status == 200, login.body
    token: str = login.body["data"]["accessToken"]
    return token
