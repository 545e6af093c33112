"""The OpenAPI document, corrected to say what the service really answers.

FastAPI documents request validation failures as 422 with its own body; this service
answers 400 with the error envelope, and every operation may answer 500.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.core.schemas import ErrorEnvelope

_ERROR_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}}


def install_openapi(app: FastAPI) -> None:
    """Replace ``app.openapi`` with a generator of the corrected document."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorEnvelope" not in components:
            definition = ErrorEnvelope.model_json_schema(
                by_alias=True, ref_template="#/components/schemas/{model}"
            )
            components.update(definition.pop("$defs", {}))
            components["ErrorEnvelope"] = definition
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                if responses.pop("422", None) is not None or operation.get("parameters"):
                    responses.setdefault("400", _error_response("The request is not valid"))
                if "requestBody" in operation:
                    responses.setdefault("413", _error_response("The request body is too large"))
                responses.setdefault("500", _error_response("Unexpected error"))
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
