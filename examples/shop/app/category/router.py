"""HTTP routes for categories: /api/v1/categories."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.auth.dependencies import current_principal
from app.category import service
from app.category.schemas import (
    CategoryCreate,
    CategoryEnvelope,
    CategoryListEnvelope,
    CategoryListQuery,
    CategoryUpdate,
)
from app.core.database import get_database
from app.core.schemas import error_responses, json_response

# Deny by default: every route needs a valid access token.
router = APIRouter(
    prefix="/categories", tags=["categories"], dependencies=[Depends(current_principal)]
)


# The routes take the Request and look the database up themselves: each FastAPI dependency
# costs these, the hottest routes, a few percent of their throughput. They return their
# envelope as JSON (json_response), which FastAPI would otherwise validate a second time.
@router.get(
    "",
    summary="List categories",
    response_model=CategoryListEnvelope,
    responses=error_responses(400),
)
async def list_categories(
    request: Request, query: Annotated[CategoryListQuery, Query()]
) -> Response:
    """A page of categories (``?page=`` or ``?cursor=``), sorted, filtered."""
    items, pagination = await service.list_categories(database=get_database(request), query=query)
    return json_response(CategoryListEnvelope(data=items, pagination=pagination))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a category",
    response_model=CategoryEnvelope,
    responses=error_responses(400, 409),
)
async def create_category(data: CategoryCreate, request: Request) -> Response:
    """Create a category; ``Location`` says where it lives."""
    item = await service.create_category(database=get_database(request), data=data)
    location = request.app.url_path_for("get_category", id=str(item.id))
    return json_response(
        CategoryEnvelope(data=item), status.HTTP_201_CREATED, {"Location": location}
    )


@router.get(
    "/{id:uuid}",
    summary="Get a category",
    response_model=CategoryEnvelope,
    responses=error_responses(400, 404),
)
async def get_category(id: uuid.UUID, request: Request) -> Response:
    """One category."""
    item = await service.read_category(database=get_database(request), id=id)
    return json_response(CategoryEnvelope(data=item))


@router.put(
    "/{id:uuid}",
    summary="Replace a category",
    response_model=CategoryEnvelope,
    responses=error_responses(400, 404, 409),
)
async def replace_category(id: uuid.UUID, data: CategoryCreate, request: Request) -> Response:
    """Replace every field of a category."""
    item = await service.replace_category(database=get_database(request), id=id, data=data)
    return json_response(CategoryEnvelope(data=item))


@router.patch(
    "/{id:uuid}",
    summary="Update a category",
    response_model=CategoryEnvelope,
    responses=error_responses(400, 404, 409),
)
async def update_category(id: uuid.UUID, data: CategoryUpdate, request: Request) -> Response:
    """Change some fields of a category."""
    item = await service.update_category(database=get_database(request), id=id, data=data)
    return json_response(CategoryEnvelope(data=item))


@router.delete(
    "/{id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a category",
    responses=error_responses(400, 404, 409),
)
async def delete_category(id: uuid.UUID, request: Request) -> Response:
    """Delete a category."""
    await service.delete_category(database=get_database(request), id=id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
