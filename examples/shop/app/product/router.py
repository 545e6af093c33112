"""HTTP routes for products: /api/v1/products."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.auth.dependencies import current_principal
from app.core.database import get_database
from app.core.schemas import error_responses, json_response
from app.product import service
from app.product.schemas import (
    ProductCreate,
    ProductCreateInCategory,
    ProductEnvelope,
    ProductListEnvelope,
    ProductListQuery,
    ProductUpdate,
)

# Deny by default: every route needs a valid access token.
router = APIRouter(prefix="/products", tags=["products"], dependencies=[Depends(current_principal)])
# Lists and creates under each parent resource, discovered like router.
nested_router = APIRouter(tags=["products"], dependencies=[Depends(current_principal)])


# The routes take the Request and look the database up themselves: each FastAPI dependency
# costs these, the hottest routes, a few percent of their throughput. They return their
# envelope as JSON (json_response), which FastAPI would otherwise validate a second time.
@router.get(
    "", summary="List products", response_model=ProductListEnvelope, responses=error_responses(400)
)
async def list_products(request: Request, query: Annotated[ProductListQuery, Query()]) -> Response:
    """A page of products (``?page=`` or ``?cursor=``), sorted, filtered."""
    items, pagination = await service.list_products(database=get_database(request), query=query)
    return json_response(ProductListEnvelope(data=items, pagination=pagination))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a product",
    response_model=ProductEnvelope,
    responses=error_responses(400, 409),
)
async def create_product(data: ProductCreate, request: Request) -> Response:
    """Create a product; ``Location`` says where it lives."""
    item = await service.create_product(database=get_database(request), data=data)
    location = request.app.url_path_for("get_product", id=str(item.id))
    return json_response(
        ProductEnvelope(data=item), status.HTTP_201_CREATED, {"Location": location}
    )


@router.get(
    "/{id:uuid}",
    summary="Get a product",
    response_model=ProductEnvelope,
    responses=error_responses(400, 404),
)
async def get_product(id: uuid.UUID, request: Request) -> Response:
    """One product."""
    item = await service.read_product(database=get_database(request), id=id)
    return json_response(ProductEnvelope(data=item))


@router.put(
    "/{id:uuid}",
    summary="Replace a product",
    response_model=ProductEnvelope,
    responses=error_responses(400, 404, 409, 422),
)
async def replace_product(id: uuid.UUID, data: ProductCreate, request: Request) -> Response:
    """Replace every field of a product."""
    item = await service.replace_product(database=get_database(request), id=id, data=data)
    return json_response(ProductEnvelope(data=item))


@router.patch(
    "/{id:uuid}",
    summary="Update a product",
    response_model=ProductEnvelope,
    responses=error_responses(400, 404, 409, 422),
)
async def update_product(id: uuid.UUID, data: ProductUpdate, request: Request) -> Response:
    """Change some fields of a product."""
    item = await service.update_product(database=get_database(request), id=id, data=data)
    return json_response(ProductEnvelope(data=item))


@router.delete(
    "/{id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a product",
    responses=error_responses(400, 404, 409),
)
async def delete_product(id: uuid.UUID, request: Request) -> Response:
    """Delete a product."""
    await service.delete_product(database=get_database(request), id=id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@nested_router.get(
    "/categories/{id:uuid}/products",
    summary="List the products of one category",
    response_model=ProductListEnvelope,
    responses=error_responses(400, 404),
)
async def list_category_products(
    id: uuid.UUID, request: Request, query: Annotated[ProductListQuery, Query()]
) -> Response:
    """The flat list's query, within one category; 404 without it."""
    items, pagination = await service.list_in_category(
        database=get_database(request), id=id, query=query
    )
    return json_response(ProductListEnvelope(data=items, pagination=pagination))


@nested_router.post(
    "/categories/{id:uuid}/products",
    status_code=status.HTTP_201_CREATED,
    summary="Create a product under its category",
    response_model=ProductEnvelope,
    responses=error_responses(400, 404, 409),
)
async def create_category_product(
    id: uuid.UUID, data: ProductCreateInCategory, request: Request
) -> Response:
    """Create one under the category ID; ``Location`` is its flat URL."""
    item = await service.create_in_category(database=get_database(request), id=id, data=data)
    location = request.app.url_path_for("get_product", id=str(item.id))
    return json_response(
        ProductEnvelope(data=item), status.HTTP_201_CREATED, {"Location": location}
    )
