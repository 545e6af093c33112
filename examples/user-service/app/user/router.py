"""HTTP routes for users: /api/v1/users."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.auth.dependencies import require_roles
from app.core.database import SessionDep, get_database
from app.core.schemas import error_responses, json_response
from app.user import service
from app.user.schemas import (
    UserCreate,
    UserEnvelope,
    UserListEnvelope,
    UserListQuery,
    UserRead,
    UserUpdate,
)

# Accounts are an admin's to list and manage; each user has /users/me for its own.
router = APIRouter(prefix="/users", tags=["users"], dependencies=[Depends(require_roles("admin"))])


# The reads take the Request and look the database up themselves: each FastAPI dependency
# costs these, the hottest routes, a few percent of their throughput. They return their
# envelope as JSON (json_response), which FastAPI would otherwise validate a second time.
@router.get(
    "", summary="List users", response_model=UserListEnvelope, responses=error_responses(400)
)
async def list_users(request: Request, query: Annotated[UserListQuery, Query()]) -> Response:
    """A page of users (``?page=`` or ``?cursor=``), sorted, filtered."""
    items, pagination = await service.list_users(database=get_database(request), query=query)
    return json_response(UserListEnvelope(data=items, pagination=pagination))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a user",
    responses=error_responses(400, 409),
)
async def create_user(
    data: UserCreate, session: SessionDep, request: Request, response: Response
) -> UserEnvelope:
    """Create a user; ``Location`` says where it lives."""
    item = await service.create_user(session=session, data=data)
    response.headers["Location"] = request.app.url_path_for("get_user", id=str(item.id))
    return UserEnvelope(data=UserRead.model_validate(item))


@router.get(
    "/{id:uuid}",
    summary="Get a user",
    response_model=UserEnvelope,
    responses=error_responses(400, 404),
)
async def get_user(id: uuid.UUID, request: Request) -> Response:
    """One user."""
    item = await service.read_user(database=get_database(request), id=id)
    return json_response(UserEnvelope(data=item))


@router.put("/{id:uuid}", summary="Replace a user", responses=error_responses(400, 404, 409))
async def replace_user(id: uuid.UUID, data: UserCreate, session: SessionDep) -> UserEnvelope:
    """Replace every field of a user."""
    item = await service.replace_user(session=session, id=id, data=data)
    return UserEnvelope(data=UserRead.model_validate(item))


@router.patch("/{id:uuid}", summary="Update a user", responses=error_responses(400, 404, 409))
async def update_user(id: uuid.UUID, data: UserUpdate, session: SessionDep) -> UserEnvelope:
    """Change some fields of a user."""
    item = await service.update_user(session=session, id=id, data=data)
    return UserEnvelope(data=UserRead.model_validate(item))


@router.delete(
    "/{id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a user",
    responses=error_responses(400, 404, 409),
)
async def delete_user(id: uuid.UUID, session: SessionDep) -> None:
    """Delete a user."""
    await service.delete_user(session=session, id=id)
