"""The users collection is admin-only: these tests act as an admin."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.auth.models import User
from tests.accounts import http_client


@pytest.fixture
async def client(app: FastAPI, admin_account: User) -> AsyncIterator[AsyncClient]:
    """An admin's client whose lists ask for ``role=user``: the acting admin is left out of
    what the tests count, and every account they create has that role."""
    async with http_client(app, admin_account) as http:
        http.params = http.params.set("role", "user")
        yield http
