"""The response envelopes and the camelCase base of every schema."""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, TypeVar

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from app.core.request_id import current_request_id
from app.core.types import utcnow

T = TypeVar("T")


class CamelModel(BaseModel):
    """camelCase in JSON, snake_case in Python; input accepts either spelling."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        from_attributes=True,
    )


def _no_default_in_schema(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def patch_field(**constraints: Any) -> Any:
    """A PATCH field that may be left out but never set to null.

    Only the fields a client sent are applied (``model_dump(exclude_unset=True)``), so the
    None default is never stored; the schema does not advertise it.
    """
    return Field(default=None, json_schema_extra=_no_default_in_schema, **constraints)


class Meta(CamelModel):
    """Facts about the response itself."""

    timestamp: dt.datetime
    request_id: str

    @classmethod
    def now(cls) -> Meta:
        return cls(timestamp=utcnow(), request_id=current_request_id())


class Envelope(CamelModel, Generic[T]):
    """A successful response: ``{"data": ..., "meta": ...}``."""

    data: T
    meta: Meta = Field(default_factory=Meta.now)


class Pagination(CamelModel):
    """Where a page sits in the whole list."""

    page: int
    limit: int
    total: int = Field(
        description=(
            "How many items match: exact when totalIsExact is true, otherwise a lower bound "
            "(at least this many; large lists are not counted to the end)"
        )
    )
    has_more: bool = Field(description="Whether a later page has items")
    total_is_exact: bool = Field(
        default=True, description="False when total is a lower bound rather than the count"
    )


class CursorPagination(CamelModel):
    """Where a keyset page ends: pass ``nextCursor`` as ``?cursor=`` for the next one."""

    next_cursor: str | None
    has_more: bool


class ListEnvelope(CamelModel, Generic[T]):
    """A page of a collection (offset pagination, or keyset with ``?cursor=``)."""

    data: list[T]
    pagination: Pagination | CursorPagination
    meta: Meta = Field(default_factory=Meta.now)


def json_response(
    body: BaseModel, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """BODY, already validated, as a JSON response: serialised once, and only once.

    Given a model, FastAPI validates it against the route's response model again before it
    serialises it: 3 % of a GET by id's instructions. The routes build their envelope
    themselves and return this; their ``response_model`` still documents them.
    """
    content = body.__pydantic_serializer__.to_json(body, by_alias=True)
    return Response(content, status_code, headers, media_type="application/json")


class ErrorDetail(CamelModel):
    """One problem with one input field."""

    field: str
    message: str


class ErrorBody(CamelModel):
    """What went wrong, machine-readable (code) and human-readable (message)."""

    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorEnvelope(CamelModel):
    """The one shape of every error response."""

    error: ErrorBody
    meta: Meta = Field(default_factory=Meta.now)


def error_responses(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting the error envelope for STATUS_CODES."""
    descriptions = {
        400: "The request is not valid",
        401: "Not authenticated",
        403: "Not allowed",
        404: "No such resource",
        409: "Conflicts with existing data",
        413: "The request body is too large",
        422: "Not allowed by the rules of the domain",
        429: "Too many requests",
    }
    return {
        code: {"model": ErrorEnvelope, "description": descriptions.get(code, "Error")}
        for code in status_codes
    }
