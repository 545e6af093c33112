"""HTTP routes for products: /api/v1/products."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.core.database import DatabaseDep, SessionDep
from app.core.schemas import Envelope, ListEnvelope, error_responses
from app.product import service
from app.product.schemas import (
    ProductCreate,
    ProductListQuery,
    ProductRead,
    ProductUpdate,
)

router = APIRouter(prefix="/products", tags=["products"])


@router.get("", summary="List products", responses=error_responses(400))
async def list_products(
    database: DatabaseDep, query: Annotated[ProductListQuery, Query()]
) -> ListEnvelope[ProductRead]:
    """A page of products: ``?page=&limit=``, ``?sort=``, and field filters."""
    items, total = await service.list_products(database=database, query=query)
    return ListEnvelope[ProductRead](data=items, pagination=query.page_params.describe(total))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a product",
    responses=error_responses(400, 409),
)
async def create_product(
    data: ProductCreate, session: SessionDep, request: Request, response: Response
) -> Envelope[ProductRead]:
    """Create a product; ``Location`` says where it lives."""
    item = await service.create_product(session=session, data=data)
    response.headers["Location"] = request.app.url_path_for("get_product", id=str(item.id))
    return Envelope[ProductRead](data=ProductRead.model_validate(item))


@router.get("/{id}", summary="Get a product", responses=error_responses(400, 404))
async def get_product(id: uuid.UUID, database: DatabaseDep) -> Envelope[ProductRead]:
    """One product."""
    item = await service.read_product(database=database, id=id)
    return Envelope[ProductRead](data=item)


@router.put("/{id}", summary="Replace a product", responses=error_responses(400, 404, 409))
async def replace_product(
    id: uuid.UUID, data: ProductCreate, session: SessionDep
) -> Envelope[ProductRead]:
    """Replace every field of a product."""
    item = await service.replace_product(session=session, id=id, data=data)
    return Envelope[ProductRead](data=ProductRead.model_validate(item))


@router.patch("/{id}", summary="Update a product", responses=error_responses(400, 404, 409))
async def update_product(
    id: uuid.UUID, data: ProductUpdate, session: SessionDep
) -> Envelope[ProductRead]:
    """Change some fields of a product."""
    item = await service.update_product(session=session, id=id, data=data)
    return Envelope[ProductRead](data=ProductRead.model_validate(item))


@router.delete(
    "/{id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a product",
    responses=error_responses(400, 404),
)
async def delete_product(id: uuid.UUID, session: SessionDep) -> None:
    """Delete a product."""
    await service.delete_product(session=session, id=id)
