"""HTTP routes for catalog entries: /api/v1/catalog-entries."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.auth.dependencies import current_principal
from app.catalog_entry import service
from app.catalog_entry.schemas import (
    CatalogEntryCreate,
    CatalogEntryEnvelope,
    CatalogEntryListEnvelope,
    CatalogEntryListQuery,
    CatalogEntryUpdate,
)
from app.core.database import get_database
from app.core.schemas import error_responses, json_response

# Deny by default: every route needs a valid access token.
router = APIRouter(
    prefix="/catalog-entries", tags=["catalog-entries"], dependencies=[Depends(current_principal)]
)


# The routes take the Request and look the database up themselves: each FastAPI dependency
# costs these, the hottest routes, a few percent of their throughput. They return their
# envelope as JSON (json_response), which FastAPI would otherwise validate a second time.
@router.get(
    "",
    summary="List catalog entries",
    response_model=CatalogEntryListEnvelope,
    responses=error_responses(400),
)
async def list_catalog_entries(
    request: Request, query: Annotated[CatalogEntryListQuery, Query()]
) -> Response:
    """A page of catalog entries (``?page=`` or ``?cursor=``), sorted, filtered."""
    items, pagination = await service.list_catalog_entries(
        database=get_database(request), query=query
    )
    return json_response(CatalogEntryListEnvelope(data=items, pagination=pagination))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a catalog entry",
    response_model=CatalogEntryEnvelope,
    responses=error_responses(400, 409),
)
async def create_catalog_entry(data: CatalogEntryCreate, request: Request) -> Response:
    """Create a catalog entry; ``Location`` says where it lives."""
    item = await service.create_catalog_entry(database=get_database(request), data=data)
    location = request.app.url_path_for("get_catalog_entry", id=str(item.id))
    return json_response(
        CatalogEntryEnvelope(data=item), status.HTTP_201_CREATED, {"Location": location}
    )


@router.get(
    "/{id:uuid}",
    summary="Get a catalog entry",
    response_model=CatalogEntryEnvelope,
    responses=error_responses(400, 404),
)
async def get_catalog_entry(id: uuid.UUID, request: Request) -> Response:
    """One catalog entry."""
    item = await service.read_catalog_entry(database=get_database(request), id=id)
    return json_response(CatalogEntryEnvelope(data=item))


@router.put(
    "/{id:uuid}",
    summary="Replace a catalog entry",
    response_model=CatalogEntryEnvelope,
    responses=error_responses(400, 404, 409),
)
async def replace_catalog_entry(
    id: uuid.UUID, data: CatalogEntryCreate, request: Request
) -> Response:
    """Replace every field of a catalog entry."""
    item = await service.replace_catalog_entry(database=get_database(request), id=id, data=data)
    return json_response(CatalogEntryEnvelope(data=item))


@router.patch(
    "/{id:uuid}",
    summary="Update a catalog entry",
    response_model=CatalogEntryEnvelope,
    responses=error_responses(400, 404, 409),
)
async def update_catalog_entry(
    id: uuid.UUID, data: CatalogEntryUpdate, request: Request
) -> Response:
    """Change some fields of a catalog entry."""
    item = await service.update_catalog_entry(database=get_database(request), id=id, data=data)
    return json_response(CatalogEntryEnvelope(data=item))


@router.delete(
    "/{id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a catalog entry",
    responses=error_responses(400, 404, 409),
)
async def delete_catalog_entry(id: uuid.UUID, request: Request) -> Response:
    """Delete a catalog entry."""
    await service.delete_catalog_entry(database=get_database(request), id=id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
