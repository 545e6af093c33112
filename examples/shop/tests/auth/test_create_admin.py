"""``python -m app create-admin``: the first administrator."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.__main__ import run_command
from app.auth.create_admin import create_admin, main
from app.auth.models import User, UserRole
from app.core.database import Database
from tests.accounts import create_account


async def test_creates_an_admin(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_PASSWORD", "the admin's long password")
    message = await create_admin(database, "Root@Example.com", "Root")
    assert message == "created admin root@example.com"
    async with database.sessions() as session:
        user = (await session.scalars(sa.select(User))).one()
    assert (user.email, user.name, user.role) == ("root@example.com", "Root", UserRole.ADMIN)


async def test_promotes_an_existing_account(database: Database) -> None:
    account = await create_account(database)
    message = await create_admin(database, account.email, "ignored")
    assert "now an admin" in message
    async with database.sessions() as session:
        role = await session.scalar(sa.select(User.role).where(User.id == account.id))
    assert role == UserRole.ADMIN


async def test_a_short_password_is_refused(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADMIN_PASSWORD", "short")
    with pytest.raises(ValueError, match="at least 12"):
        await create_admin(database, "root@example.com", "Root")


def test_bad_input_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--email", "not-an-email"]) == 2
    assert "create-admin: email" in capsys.readouterr().err


def test_python_m_app_names_its_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command(["no-such-command"]) == 2
    assert "(commands: create-admin)" in capsys.readouterr().err
