"""``python -m app create-admin --email EMAIL``: make the first administrator.

The password comes from ADMIN_PASSWORD or, on a terminal, a prompt (never the command line,
which other users of the machine can read). An existing account is promoted instead.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from pydantic import TypeAdapter, ValidationError

from app.auth.models import User, UserRole
from app.auth.schemas import NewPassword, RegisterRequest
from app.auth.service import find_by_email, normalise_email
from app.core import passwords
from app.core.config import get_settings
from app.core.database import Database


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app create-admin",
        description="Create an administrator (or promote an existing account to one).",
    )
    parser.add_argument("--email", required=True, help="the administrator's email")
    parser.add_argument("--name", default="Administrator", help="the display name")
    return parser


def _password() -> str:
    password = os.environ.get("ADMIN_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        raise ValueError("set ADMIN_PASSWORD, or run on a terminal to be asked for it")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat it: ") != first:
        raise ValueError("the two passwords differ")
    return first


async def create_admin(database: Database, email: str, name: str) -> str:
    """Create or promote the account for EMAIL; what was done, in words."""
    async with database.sessions() as session:
        user = await find_by_email(session, email)
        if user is not None:
            user.role = UserRole.ADMIN
            user.is_active = True
            await session.commit()
            return f"{user.email} is now an admin (its password is unchanged)"
        password = TypeAdapter(NewPassword).validate_python(_password())
        user = User(
            email=normalise_email(email),
            name=name,
            role=UserRole.ADMIN,
            is_active=True,
            password_hash=await passwords.hash_password(password),
        )
        session.add(user)
        await session.commit()
        return f"created admin {user.email}"


async def _run(email: str, name: str) -> str:
    database = Database.from_settings(get_settings())
    try:
        return await create_admin(database, email, name)
    finally:
        await database.dispose()


# Stands for the password, which is checked on its own, while the email and name are checked.
_STAND_IN = "a stand-in passphrase 4Kq"


def main(argv: list[str]) -> int:
    """The command; its exit status (2 for bad input)."""
    args = _parser().parse_args(argv)
    try:
        # The same rules as registration: a valid email and a name of 1 to 100 characters.
        checked = RegisterRequest(email=args.email, name=args.name, password=_STAND_IN)
        print(asyncio.run(_run(checked.email, checked.name)))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'password'}: {e['msg']}"
            for e in error.errors()
        )
        print(f"create-admin: {problems}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"create-admin: {error}", file=sys.stderr)
        return 2
    return 0
