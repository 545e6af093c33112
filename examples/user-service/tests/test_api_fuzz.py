"""Every operation, fuzzed from the OpenAPI document: no server errors, answers as documented.

schemathesis generates requests (valid and invalid) for each operation and checks that no
response is a 5xx and that each response's status and body match the document. Examples
are few and derandomized so that this runs in the normal suite, the same way every time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings as hypothesis_settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.auth.models import UserRole
from app.core.config import Settings
from app.core.database import Database
from app.main import app as documented_app, create_app
from tests.accounts import bearer_headers, create_account

MAX_EXAMPLES = 8
BASE_URL = "http://testserver"
# The document of the module's app; each test runs its requests against an app of its own.
api_schema = schemathesis.openapi.from_dict(documented_app.openapi())


@dataclass(frozen=True)
class FuzzTarget:
    app: FastAPI
    headers: dict[str, str]


@pytest.fixture
async def fuzz_target(settings: Settings, database: Database) -> AsyncIterator[FuzzTarget]:
    """A fresh app (schemathesis runs it on an event loop of its own), an admin's token."""
    app = create_app(settings)
    # An administrator reaches every operation; a user's 403s would hide most of them.
    headers = bearer_headers(app, await create_account(database, role=UserRole.ADMIN))
    # Connections opened on this loop must not be reused on schemathesis's.
    await app.state.database.dispose()
    yield FuzzTarget(app, headers)
    shutdown_lifespans()  # closes the app's connections on the loop that opened them


@api_schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: Case[Any], fuzz_target: FuzzTarget) -> None:
    # Derandomized examples repeat their keys, which would turn most POSTs into a 422 for
    # a reused key; test_hardening covers the replays.
    case.headers.pop("Idempotency-Key", None)
    case.call_and_validate(
        base_url=BASE_URL,
        app=fuzz_target.app,
        headers=fuzz_target.headers,
        checks=[not_a_server_error, response_schema_conformance],
    )
