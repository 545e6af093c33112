"""A real server's protections, probed over HTTP: headers, body limits, idempotency, rate limits."""

from __future__ import annotations

import http.client
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.live_auth import PASSWORD, has_jwt_auth
from tests.e2e.live_server import Reply, request, running_service
from tests.e2e.projects import check_tool

pytestmark = pytest.mark.e2e

MIB = 1024 * 1024
API_RATE_LIMIT = 60
SETTINGS = {
    "RATE_LIMIT_PER_MINUTE": str(API_RATE_LIMIT),
    "AUTH_RATE_LIMIT_PER_MINUTE": "10",
    "TRUSTED_PROXIES": "127.0.0.1",
}


def raw_post(
    base: str, path: str, body: bytes | Iterator[bytes]
) -> tuple[int, dict[str, str], bytes]:
    """POST BODY as is: bytes with a Content-Length, an iterator chunked (no length)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        headers = {"Content-Type": "application/json"}
        connection.request("POST", path, body=body, headers=headers, encode_chunked=True)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def assert_envelope(reply: Reply, status: int, code: str) -> None:
    assert reply.status == status, reply.body
    assert set(reply.body) == {"error", "meta"}
    assert reply.body["error"]["code"] == code
    for leak in ("Traceback", 'File "', "SELECT "):
        assert leak not in json.dumps(reply.body)


def probe_headers(base: str) -> None:
    for path in ("/health", "/api/v1/nothing-here"):
        headers = request("GET", base + path).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers
    with urllib.request.urlopen(f"{base}/docs", timeout=10) as docs:
        assert "https://cdn.jsdelivr.net" in docs.headers["Content-Security-Policy"]
    # The server trusts 127.0.0.1 as its proxy here: it says the client used HTTPS.
    behind_tls = request("GET", f"{base}/health", headers={"X-Forwarded-Proto": "https"})
    assert behind_tls.headers["Strict-Transport-Security"].startswith("max-age=")


def probe_body_limit(base: str, path: str) -> None:
    status, _, body = raw_post(base, path, b"{" + b" " * MIB + b"}")
    assert status == 413
    assert json.loads(body)["error"]["code"] == "PAYLOAD_TOO_LARGE"

    def chunks() -> Iterator[bytes]:
        yield b"{"
        for _ in range(17):
            yield b" " * (64 * 1024)
        yield b"}"

    status, headers, body = raw_post(base, path, chunks())
    assert status == 413
    assert json.loads(body)["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "X-Request-ID" in headers or "x-request-id" in headers


def probe_idempotency(
    base: str,
    path: str,
    first: dict[str, str],
    second: dict[str, str],
    auth: dict[str, str] | None = None,
) -> None:
    key = {"Idempotency-Key": "live-probe-1", **(auth or {})}
    created = request("POST", base + path, first, key)
    assert created.status == 201, created.body
    replayed = request("POST", base + path, first, key)
    assert replayed.status == 201
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.body["data"] == created.body["data"]
    assert replayed.headers["Location"] == created.headers["Location"]
    assert_envelope(request("POST", base + path, second, key), 422, "IDEMPOTENCY_KEY_REUSED")


def probe_login_limit(base: str) -> None:
    attempt = {"email": "nobody@example.com", "password": PASSWORD + "!"}
    statuses = [request("POST", f"{base}/api/v1/auth/login", attempt).status for _ in range(10)]
    assert statuses == [401] * 10
    refused = request("POST", f"{base}/api/v1/auth/login", attempt)
    assert_envelope(refused, 429, "RATE_LIMITED")
    assert 1 <= int(refused.headers["Retry-After"]) <= 66  # a minute and one 6 s sub-window
    # Another account from the same client is not held back by this one's failures.
    other = {**attempt, "email": "somebody@example.com"}
    assert request("POST", f"{base}/api/v1/auth/login", other).status == 401


def probe_api_limit(base: str) -> None:
    for _ in range(API_RATE_LIMIT + 1):
        reply = request("GET", f"{base}/api/v1/nothing-here")
        if reply.status == 429:
            assert_envelope(reply, 429, "RATE_LIMITED")
            assert int(reply.headers["Retry-After"]) >= 1
            break
    else:
        pytest.fail(f"no 429 after {API_RATE_LIMIT + 1} requests in a minute")
    assert request("GET", f"{base}/health").status == 200  # probes are never limited


def probe(name: str, database: str, generated: GeneratedProject, venv_of: ProjectVenv) -> None:
    project = generated(name)
    with running_service(venv_of(project), project, database, **SETTINGS) as base:
        probe_headers(base)
        assert has_jwt_auth(project), "the probes sign up through the auth routes"
        probe_body_limit(base, "/api/v1/auth/register")
        account = {"email": "probe@example.com", "password": PASSWORD, "name": "Probe"}
        key = {"Idempotency-Key": "live-probe-0"}
        assert request("POST", f"{base}/api/v1/auth/register", account, key).status == 201
        # Sign-in routes are never stored: the replay is answered afresh (the email is taken).
        again = request("POST", f"{base}/api/v1/auth/register", account, key)
        assert again.status == 409
        assert "Idempotent-Replayed" not in again.headers
        credentials = {"email": account["email"], "password": PASSWORD}
        login = request("POST", f"{base}/api/v1/auth/login", credentials)
        assert login.status == 200, login.body
        auth = {"Authorization": f"Bearer {login.body['data']['accessToken']}"}
        probe_idempotency(base, "/api/v1/notes", {"title": "one"}, {"title": "two"}, auth)
        probe_login_limit(base)
        probe_api_limit(base)


def test_a_live_service_is_hardened_on_sqlite(
    generated: GeneratedProject, project_venv: ProjectVenv, tmp_path: Path
) -> None:
    probe("user", f"sqlite+aiosqlite:///{tmp_path / 'live.db'}", generated, project_venv)


def test_a_live_service_is_hardened_on_postgres(
    fresh_postgres_database: str, generated: GeneratedProject, project_venv: ProjectVenv
) -> None:
    probe("user", fresh_postgres_database, generated, project_venv)


def test_replicas_share_limits_and_idempotency_keys_through_redis(
    redis_url: str, generated: GeneratedProject, project_venv: ProjectVenv, tmp_path: Path
) -> None:
    project = generated("user")
    venv = project_venv(project)
    shared = {
        **SETTINGS,
        "REDIS_URL": redis_url,
        "APP_NAME": f"e2e-{uuid4().hex[:8]}",  # the key namespace: nothing left from other runs
        "RATE_LIMIT_PER_MINUTE": "8",
    }
    database = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    with (
        running_service(venv, project, database, **shared) as first,
        running_service(venv, project, database, **shared) as second,
    ):
        account = {"email": "replica@example.com", "password": PASSWORD, "name": "Replica"}
        assert request("POST", f"{first}/api/v1/auth/register", account).status == 201
        credentials = {"email": account["email"], "password": PASSWORD}
        login = request("POST", f"{first}/api/v1/auth/login", credentials)
        assert login.status == 200, login.body
        key = {"Idempotency-Key": "replicated-1",
               "Authorization": f"Bearer {login.body['data']['accessToken']}"}  # fmt: skip
        created = request("POST", f"{first}/api/v1/notes", {"title": "shared"}, key)
        assert created.status == 201, created.body
        replayed = request("POST", f"{second}/api/v1/notes", {"title": "shared"}, key)
        assert replayed.status == 201
        assert replayed.headers["Idempotent-Replayed"] == "true"
        assert replayed.body["data"] == created.body["data"]
        # A few requests so far; the shared count reaches the limit of 8 across both replicas,
        # long before either replica alone would.
        statuses = [
            request("GET", f"{base}/api/v1/nothing-here").status for base in (first, second) * 4
        ]
    assert 429 in statuses
    assert 1 <= statuses.index(429) <= 5


def test_generated_redis_tests_run_against_redis(
    redis_url: str, generated: GeneratedProject, project_venv: ProjectVenv
) -> None:
    project = generated("user")
    result = check_tool(
        project_venv(project),
        project,
        "-m",
        "pytest",
        "-q",
        "-rs",
        "-p",
        "no:cacheprovider",
        "tests/core/test_hardening.py",
        "tests/core/test_rate_limit.py",
        REDIS_URL=redis_url,
    )
    assert " passed" in result.stdout
    assert "skipped" not in result.stdout, result.stdout
