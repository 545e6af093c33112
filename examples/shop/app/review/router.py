"""HTTP routes for reviews: /api/v1/reviews."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.auth.dependencies import current_principal
from app.core.database import get_database
from app.core.schemas import error_responses, json_response
from app.review import service
from app.review.schemas import (
    ReviewCreate,
    ReviewCreateInProduct,
    ReviewEnvelope,
    ReviewListEnvelope,
    ReviewListQuery,
    ReviewUpdate,
)

# Deny by default: every route needs a valid access token.
router = APIRouter(prefix="/reviews", tags=["reviews"], dependencies=[Depends(current_principal)])
# Lists and creates under each parent resource, discovered like router.
nested_router = APIRouter(tags=["reviews"], dependencies=[Depends(current_principal)])


# The routes take the Request and look the database up themselves: each FastAPI dependency
# costs these, the hottest routes, a few percent of their throughput. They return their
# envelope as JSON (json_response), which FastAPI would otherwise validate a second time.
@router.get(
    "", summary="List reviews", response_model=ReviewListEnvelope, responses=error_responses(400)
)
async def list_reviews(request: Request, query: Annotated[ReviewListQuery, Query()]) -> Response:
    """A page of reviews (``?page=`` or ``?cursor=``), sorted, filtered."""
    items, pagination = await service.list_reviews(database=get_database(request), query=query)
    return json_response(ReviewListEnvelope(data=items, pagination=pagination))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a review",
    response_model=ReviewEnvelope,
    responses=error_responses(400, 409),
)
async def create_review(data: ReviewCreate, request: Request) -> Response:
    """Create a review; ``Location`` says where it lives."""
    item = await service.create_review(database=get_database(request), data=data)
    location = request.app.url_path_for("get_review", id=str(item.id))
    return json_response(ReviewEnvelope(data=item), status.HTTP_201_CREATED, {"Location": location})


@router.get(
    "/{id:uuid}",
    summary="Get a review",
    response_model=ReviewEnvelope,
    responses=error_responses(400, 404),
)
async def get_review(id: uuid.UUID, request: Request) -> Response:
    """One review."""
    item = await service.read_review(database=get_database(request), id=id)
    return json_response(ReviewEnvelope(data=item))


@router.put(
    "/{id:uuid}",
    summary="Replace a review",
    response_model=ReviewEnvelope,
    responses=error_responses(400, 404, 409, 422),
)
async def replace_review(id: uuid.UUID, data: ReviewCreate, request: Request) -> Response:
    """Replace every field of a review."""
    item = await service.replace_review(database=get_database(request), id=id, data=data)
    return json_response(ReviewEnvelope(data=item))


@router.patch(
    "/{id:uuid}",
    summary="Update a review",
    response_model=ReviewEnvelope,
    responses=error_responses(400, 404, 409, 422),
)
async def update_review(id: uuid.UUID, data: ReviewUpdate, request: Request) -> Response:
    """Change some fields of a review."""
    item = await service.update_review(database=get_database(request), id=id, data=data)
    return json_response(ReviewEnvelope(data=item))


@router.delete(
    "/{id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a review",
    responses=error_responses(400, 404, 409),
)
async def delete_review(id: uuid.UUID, request: Request) -> Response:
    """Delete a review."""
    await service.delete_review(database=get_database(request), id=id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@nested_router.get(
    "/products/{id:uuid}/reviews",
    summary="List the reviews of one product",
    response_model=ReviewListEnvelope,
    responses=error_responses(400, 404),
)
async def list_product_reviews(
    id: uuid.UUID, request: Request, query: Annotated[ReviewListQuery, Query()]
) -> Response:
    """The flat list's query, within one product; 404 without it."""
    items, pagination = await service.list_in_product(
        database=get_database(request), id=id, query=query
    )
    return json_response(ReviewListEnvelope(data=items, pagination=pagination))


@nested_router.post(
    "/products/{id:uuid}/reviews",
    status_code=status.HTTP_201_CREATED,
    summary="Create a review under its product",
    response_model=ReviewEnvelope,
    responses=error_responses(400, 404, 409),
)
async def create_product_review(
    id: uuid.UUID, data: ReviewCreateInProduct, request: Request
) -> Response:
    """Create one under the product ID; ``Location`` is its flat URL."""
    item = await service.create_in_product(database=get_database(request), id=id, data=data)
    location = request.app.url_path_for("get_review", id=str(item.id))
    return json_response(ReviewEnvelope(data=item), status.HTTP_201_CREATED, {"Location": location})
