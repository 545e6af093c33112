"""HTTP routes for wishlist items: /api/v1/wishlist-items."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.auth.dependencies import CurrentPrincipal, OwnerScopeDep, current_principal
from app.core.database import get_database
from app.core.schemas import error_responses, json_response
from app.wishlist_item import service
from app.wishlist_item.schemas import (
    WishlistItemCreate,
    WishlistItemEnvelope,
    WishlistItemListEnvelope,
    WishlistItemListQuery,
    WishlistItemUpdate,
)

# Deny by default: every route needs a valid access token.
router = APIRouter(
    prefix="/wishlist-items", tags=["wishlist-items"], dependencies=[Depends(current_principal)]
)


# The routes take the Request and look the database up themselves: each FastAPI dependency
# costs these, the hottest routes, a few percent of their throughput. They return their
# envelope as JSON (json_response), which FastAPI would otherwise validate a second time.
@router.get(
    "",
    summary="List wishlist items",
    response_model=WishlistItemListEnvelope,
    responses=error_responses(400),
)
async def list_wishlist_items(
    request: Request, scope: OwnerScopeDep, query: Annotated[WishlistItemListQuery, Query()]
) -> Response:
    """A page of wishlist items (``?page=`` or ``?cursor=``), sorted, filtered."""
    items, pagination = await service.list_wishlist_items(
        database=get_database(request), scope=scope, query=query
    )
    return json_response(WishlistItemListEnvelope(data=items, pagination=pagination))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a wishlist item",
    response_model=WishlistItemEnvelope,
    responses=error_responses(400, 409),
)
async def create_wishlist_item(
    data: WishlistItemCreate, principal: CurrentPrincipal, request: Request
) -> Response:
    """Create a wishlist item; ``Location`` says where it lives."""
    item = await service.create_wishlist_item(
        database=get_database(request), owner_id=principal.id, data=data
    )
    location = request.app.url_path_for("get_wishlist_item", id=str(item.id))
    return json_response(
        WishlistItemEnvelope(data=item), status.HTTP_201_CREATED, {"Location": location}
    )


@router.get(
    "/{id:uuid}",
    summary="Get a wishlist item",
    response_model=WishlistItemEnvelope,
    responses=error_responses(400, 404),
)
async def get_wishlist_item(id: uuid.UUID, request: Request, scope: OwnerScopeDep) -> Response:
    """One wishlist item."""
    item = await service.read_wishlist_item(database=get_database(request), scope=scope, id=id)
    return json_response(WishlistItemEnvelope(data=item))


@router.put(
    "/{id:uuid}",
    summary="Replace a wishlist item",
    response_model=WishlistItemEnvelope,
    responses=error_responses(400, 404, 409),
)
async def replace_wishlist_item(
    id: uuid.UUID, data: WishlistItemCreate, request: Request, scope: OwnerScopeDep
) -> Response:
    """Replace every field of a wishlist item."""
    item = await service.replace_wishlist_item(
        database=get_database(request), scope=scope, id=id, data=data
    )
    return json_response(WishlistItemEnvelope(data=item))


@router.patch(
    "/{id:uuid}",
    summary="Update a wishlist item",
    response_model=WishlistItemEnvelope,
    responses=error_responses(400, 404, 409),
)
async def update_wishlist_item(
    id: uuid.UUID, data: WishlistItemUpdate, request: Request, scope: OwnerScopeDep
) -> Response:
    """Change some fields of a wishlist item."""
    item = await service.update_wishlist_item(
        database=get_database(request), scope=scope, id=id, data=data
    )
    return json_response(WishlistItemEnvelope(data=item))


@router.delete(
    "/{id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a wishlist item",
    responses=error_responses(400, 404, 409),
)
async def delete_wishlist_item(id: uuid.UUID, request: Request, scope: OwnerScopeDep) -> Response:
    """Delete a wishlist item."""
    await service.delete_wishlist_item(database=get_database(request), scope=scope, id=id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
