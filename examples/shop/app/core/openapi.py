"""The OpenAPI document, corrected to say what the service really answers.

FastAPI documents request validation failures as 422 with its own body; this service
answers 400 with the error envelope, and every operation may answer 500. The middleware
answers too: 413 (body too large), 429 (rate limited) and, for a POST with an
Idempotency-Key, 409 (still in progress) and 422 (key reused for another request).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.core.idempotency import MAX_KEY_LENGTH
from app.core.rate_limit import UNLIMITED_PATHS
from app.core.schemas import ErrorEnvelope

_ERROR_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Retries with the same key and body get the first response, not a new effect",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}}


def install_openapi(app: FastAPI, *, unkeyed: Sequence[str] = ()) -> None:
    """Replace ``app.openapi`` with a generator of the corrected document.

    POSTs under the UNKEYED prefixes (sign-in) never take an Idempotency-Key: not documented.
    """

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
        for path, path_item in schema.get("paths", {}).items():
            for method, operation in path_item.items():
                responses = operation.setdefault("responses", {})
                if _is_framework_validation(responses.get("422")):
                    del responses["422"]
                    responses.setdefault("400", _error_response("The request is not valid"))
                if method == "post" and not path.startswith(tuple(unkeyed)):
                    _document_idempotency(operation)
                if operation.get("parameters"):
                    responses.setdefault("400", _error_response("The request is not valid"))
                if "requestBody" in operation:
                    responses.setdefault("413", _error_response("The request body is too large"))
                if "security" in operation:
                    responses.setdefault("401", _error_response("Not authenticated"))
                    responses.setdefault("403", _error_response("Not allowed"))
                if not path.startswith(UNLIMITED_PATHS):
                    limited = _error_response("Too many requests")
                    responses.setdefault("429", {**limited, "headers": _RETRY_AFTER})
                responses.setdefault("500", _error_response("Unexpected error"))
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        _exact_integer_bounds(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _is_framework_validation(response: dict[str, Any] | None) -> bool:
    """FastAPI's own 422 (its validation body), which this service answers as a 400."""
    if response is None:
        return False
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))


def _document_idempotency(operation: dict[str, Any]) -> None:
    operation.setdefault("parameters", []).append(_IDEMPOTENCY_KEY)
    responses = operation["responses"]
    responses.setdefault(
        "409", _error_response("Conflicts with existing data, or the key is in use")
    )
    responses.setdefault("422", _error_response("Not allowed, or a reused Idempotency-Key"))


def _exact_integer_bounds(node: Any) -> None:
    """Integer bounds as integers: FastAPI's document model holds them as doubles (2147483647.0).

    A double's shortest spelling is not always its value (9.223372036854775e+18 is
    9223372036854774784), and fuzzers read the spelling: the bounds are chosen to be exact
    doubles, and written here as the integers they are.
    """
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                if isinstance(node.get(bound), float):
                    node[bound] = int(node[bound])
        for child in node.values():
            _exact_integer_bounds(child)
    elif isinstance(node, list):
        for child in node:
            _exact_integer_bounds(child)
