"""Business rules for users: the router calls these; they use the repository.

This module is yours: backendkit wrote it once and will not change it.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import Database
from app.core.errors import NotFoundError
from app.user.models import User
from app.user.repository import UserRepository
from app.user.schemas import (
    UserCreate,
    UserListQuery,
    UserRead,
    UserUpdate,
)


async def list_users(*, database: Database, query: UserListQuery) -> tuple[list[UserRead], int]:
    """One page of users matching the query, and how many match in all."""
    repository = UserRepository
    rows, total = await repository.read_page(
        database,
        page=query.page_params,
        sort=repository.sort_keys(query.sort),
        filters=query.filters(),
    )
    return [UserRead.model_validate(row) for row in rows], total


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
    item = User(**data.model_dump())
    await UserRepository(session).add(item)
    await session.commit()
    return item


async def replace_user(*, session: AsyncSession, id: uuid.UUID, data: UserCreate) -> User:
    """Replace every field of a user (PUT)."""
    item = await get_user(session=session, id=id)
    await UserRepository(session).update(item, data.model_dump())
    await session.commit()
    return item


async def update_user(*, session: AsyncSession, id: uuid.UUID, data: UserUpdate) -> User:
    """Change the fields a client sent (PATCH)."""
    item = await get_user(session=session, id=id)
    changes = data.model_dump(exclude_unset=True)
    await UserRepository(session).update(item, changes)
    await session.commit()
    return item


async def delete_user(*, session: AsyncSession, id: uuid.UUID) -> None:
    """Delete a user."""
    item = await get_user(session=session, id=id)
    await UserRepository(session).delete(item)
    await session.commit()
