"""Business rules for users: the router calls these; they use the repository.

This module is yours: backendkit wrote it once, and later changes made through backendkit
(add field, add action, update) are merged into your edits, never written over them.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.service import account_columns
from app.core.database import Database
from app.core.errors import NotFoundError
from app.core.schemas import CursorPagination, Pagination
from app.user.models import User
from app.user.repository import UserRepository
from app.user.schemas import UserCreate, UserListQuery, UserRead, UserUpdate


async def list_users(
    *, database: Database, query: UserListQuery
) -> tuple[list[UserRead], Pagination | CursorPagination]:
    """One page of users matching the query (by offset or by cursor)."""
    rows, pagination = await UserRepository.read_list(database, query)
    return [UserRead.model_validate(row) for row in rows], pagination


async def get_user(*, session: AsyncSession, id: uuid.UUID) -> User:
    """The user with ID; NotFoundError when there is none."""
    item = await UserRepository(session).get(id)
    if item is None:
        raise NotFoundError("User not found")
    return item


async def read_user(*, database: Database, id: uuid.UUID) -> UserRead:
    """The user with ID as clients see it; NotFoundError when there is none."""
    row = await UserRepository.read(database, id)
    if row is None:
        raise NotFoundError("User not found")
    item = UserRead.model_validate(row)
    return item


async def create_user(*, session: AsyncSession, data: UserCreate) -> User:
    """Store a new user."""
    item = User(**await account_columns(data.model_dump()))
    await UserRepository(session).add(item)
    await session.commit()
    return item


async def replace_user(*, session: AsyncSession, id: uuid.UUID, data: UserCreate) -> User:
    """Replace every field of a user (PUT)."""
    item = await get_user(session=session, id=id)
    values = await account_columns(data.model_dump())
    await UserRepository(session).update(item, values)
    await session.commit()
    return item


async def update_user(*, session: AsyncSession, id: uuid.UUID, data: UserUpdate) -> User:
    """Change the fields a client sent (PATCH)."""
    item = await get_user(session=session, id=id)
    changes = await account_columns(data.model_dump(exclude_unset=True))
    await UserRepository(session).update(item, changes)
    await session.commit()
    return item


async def delete_user(*, session: AsyncSession, id: uuid.UUID) -> None:
    """Delete a user."""
    item = await get_user(session=session, id=id)
    await UserRepository(session).delete(item)
    await session.commit()
