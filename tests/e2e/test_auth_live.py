"""JWT auth of a real server (the default ``new user --crud`` plus an ``--owned`` note).

Sign-up, sign-in, refresh rotation and reuse detection, sign-out, /users/me, the admin-only
users collection, owned rows (BOLA), mass assignment and forged tokens, on SQLite and
PostgreSQL; on PostgreSQL also two processes racing to rotate one refresh token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.live_auth import PASSWORD, admin_token
from tests.e2e.live_server import Reply, request, running_service

pytestmark = pytest.mark.e2e

API = "/api/v1"
# The service's own sign-in limit is tested in the generated project; here it would only
# turn this walk's many sign-ins from one address into 429s.
SETTINGS = {"AUTH_RATE_LIMIT_PER_MINUTE": "0", "RATE_LIMIT_PER_MINUTE": "0"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_401(reply: Reply) -> None:
    assert reply.status == 401, reply.body
    assert reply.headers["WWW-Authenticate"] == "Bearer"
    assert set(reply.body) == {"error", "meta"}
    assert reply.body["error"]["code"] == "UNAUTHORIZED"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged_token(claims: dict[str, Any], *, algorithm: str, key: bytes = b"") -> str:
    """A JWT signed with KEY (HS256) or not at all (``none``): never one the service made."""
    header = _b64(json.dumps({"alg": algorithm, "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signing_input = f"{header}.{payload}".encode()
    if algorithm == "none":
        return f"{header}.{payload}."
    signature = hmac.new(key, signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def sign_up(base: str, email: str, **extra: Any) -> Reply:
    body = {"email": email, "password": PASSWORD, "name": email.split("@")[0], **extra}
    return request("POST", f"{base}{API}/auth/register", body)


def sign_in(base: str, email: str) -> dict[str, Any]:
    reply = request("POST", f"{base}{API}/auth/login", {"email": email, "password": PASSWORD})
    assert reply.status == 200, reply.body
    tokens: dict[str, Any] = reply.body["data"]
    return tokens


def refresh(base: str, token: str) -> Reply:
    return request("POST", f"{base}{API}/auth/refresh", {"refreshToken": token})


def walk_auth(base: str, admin: str) -> None:
    """Every auth behaviour a client can observe, against the service at BASE."""
    registered = sign_up(base, "alice@example.com")
    assert registered.status == 201, registered.body
    alice_id = registered.body["data"]["id"]
    assert registered.body["data"]["role"] == "user"
    assert sign_up(base, "bob@example.com").status == 201
    assert sign_up(base, "alice@example.com").status == 409
    refused = sign_up(base, "mallory@example.com", role="admin")
    assert refused.status == 400
    assert [d["field"] for d in refused.body["error"]["details"]] == ["role"]

    tokens = sign_in(base, "alice@example.com")
    assert set(tokens) == {"accessToken", "refreshToken", "tokenType", "expiresIn"}
    assert (tokens["tokenType"], tokens["expiresIn"]) == ("bearer", 900)
    wrong = request(
        "POST", f"{base}{API}/auth/login", {"email": "alice@example.com", "password": "nope"}
    )
    nobody = request(
        "POST", f"{base}{API}/auth/login", {"email": "nobody@example.com", "password": PASSWORD}
    )
    assert_401(wrong)
    assert_401(nobody)
    assert wrong.body["error"] == nobody.body["error"]

    # /users/me: read, change the name, never the role.
    alice = bearer(tokens["accessToken"])
    me = request("GET", f"{base}{API}/users/me", headers=alice)
    assert me.status == 200
    assert me.body["data"]["id"] == alice_id
    assert "passwordHash" not in me.body["data"]
    renamed = request("PATCH", f"{base}{API}/users/me", {"name": "Alice"}, alice)
    assert renamed.status == 200
    assert renamed.body["data"]["name"] == "Alice"
    promoted = request("PATCH", f"{base}{API}/users/me", {"role": "admin"}, alice)
    assert promoted.status == 400
    assert request("GET", f"{base}{API}/users/me", headers=alice).body["data"]["role"] == "user"

    # Rotation: each refresh token works once; replaying one revokes its whole family.
    rotated = refresh(base, tokens["refreshToken"])
    assert rotated.status == 200, rotated.body
    latest = rotated.body["data"]["refreshToken"]
    assert latest != tokens["refreshToken"]
    assert_401(refresh(base, tokens["refreshToken"]))
    assert_401(refresh(base, latest))

    # Logout ends the session.
    session = sign_in(base, "alice@example.com")
    logout = request("POST", f"{base}{API}/auth/logout", {"refreshToken": session["refreshToken"]})
    assert logout.status == 204
    assert_401(refresh(base, session["refreshToken"]))

    # Forged and misused tokens.
    now = int(time.time())
    claims = {
        "sub": alice_id,
        "role": "admin",
        "kind": "access",
        "iss": "user",
        "aud": "user",
        "iat": now,
        "exp": now + 300,
    }
    for token in (
        forged_token(claims, algorithm="none"),
        forged_token(claims, algorithm="HS256", key=b"not the service's secret key at all"),
        session["refreshToken"],
        "",
    ):
        assert_401(request("GET", f"{base}{API}/users/me", headers=bearer(token)))
    assert_401(request("GET", f"{base}{API}/notes"))

    # The users collection is an admin's.
    alice = bearer(sign_in(base, "alice@example.com")["accessToken"])
    assert request("GET", f"{base}{API}/users", headers=alice).status == 403
    assert request("PATCH", f"{base}{API}/users/{alice_id}", {"role": "admin"}, alice).status == 403
    assert_401(request("GET", f"{base}{API}/users"))
    users = request("GET", f"{base}{API}/users", headers=bearer(admin))
    assert users.status == 200
    assert alice_id in {user["id"] for user in users.body["data"]}
    assert "password" not in json.dumps(users.body).lower()

    # Owned notes: another user's is not found; the owner comes from the token.
    bob = bearer(sign_in(base, "bob@example.com")["accessToken"])
    note = request("POST", f"{base}{API}/notes", {"title": "alice's"}, alice)
    assert note.status == 201, note.body
    assert note.body["data"]["ownerId"] == alice_id
    url = f"{base}{API}/notes/{note.body['data']['id']}"
    assert request("GET", url, headers=bob).status == 404
    assert request("PUT", url, {"title": "bob's now"}, bob).status == 404
    assert request("PATCH", url, {"title": "bob's now"}, bob).status == 404
    assert request("DELETE", url, headers=bob).status == 404
    assert request("GET", f"{base}{API}/notes", headers=bob).body["data"] == []
    assert request("GET", url, headers=alice).body["data"]["title"] == "alice's"
    assert request("GET", url, headers=bearer(admin)).status == 200
    stolen = request("POST", f"{base}{API}/notes", {"title": "x", "ownerId": alice_id}, bob)
    assert stolen.status == 400


def run_walk(venv_of: ProjectVenv, project: Path, database: str) -> None:
    venv = venv_of(project)
    with running_service(venv, project, database, **SETTINGS) as base:
        walk_auth(base, admin_token(venv, project, database, base))


def test_auth_on_sqlite(
    generated: GeneratedProject, project_venv: ProjectVenv, tmp_path: Path
) -> None:
    run_walk(project_venv, generated("user"), f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}")


@pytest.mark.postgres
def test_auth_on_postgres(
    generated: GeneratedProject, project_venv: ProjectVenv, fresh_postgres_database: str
) -> None:
    run_walk(project_venv, generated("user"), fresh_postgres_database)


@pytest.mark.postgres
def test_two_processes_rotate_one_token_once(
    generated: GeneratedProject, project_venv: ProjectVenv, fresh_postgres_database: str
) -> None:
    """The same refresh token sent to two processes at once: one rotation, then a revoked family.

    The database holds the state, and rotation is a conditional UPDATE: whichever request
    loses sees no row changed, which counts as reuse.
    """
    project = generated("user")
    venv = project_venv(project)
    with ExitStack() as stack:
        bases = [
            stack.enter_context(running_service(venv, project, fresh_postgres_database, **SETTINGS))
            for _ in range(2)
        ]
        assert sign_up(bases[0], "racer@example.com").status == 201
        for _ in range(5):
            token = sign_in(bases[0], "racer@example.com")["refreshToken"]
            with ThreadPoolExecutor(max_workers=4) as pool:
                replies = list(pool.map(refresh, bases * 2, [token] * 4))
            statuses = sorted(reply.status for reply in replies)
            assert statuses == [200, 401, 401, 401], statuses
            (winner,) = [reply for reply in replies if reply.status == 200]
            # The losers' attempts were reuse: the winner's new token died with the family.
            assert_401(refresh(bases[1], winner.body["data"]["refreshToken"]))
