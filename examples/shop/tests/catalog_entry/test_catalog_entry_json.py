"""JSON values of catalog entries: refused when unstorable, repaired when read."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa
from httpx import AsyncClient

from app.catalog_entry.models import CatalogEntry
from app.core.database import Database
from app.core.types import MAX_JSON_DEPTH
from tests.catalog_entry.factories import (
    COLLECTION,
    catalog_entry_payload as new_payload,
    create_catalog_entry as create_item,
)

FIELD = "attributes"
COLUMN = "attributes"


def nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    "value",
    [
        '{"x": "\\udc00"}',  # a lone surrogate: not UTF-8, no database stores it faithfully
        '{"\\ud800": 1}',
        '{"x": NaN}',
        '{"x": [Infinity]}',
        '{"x": -Infinity}',
        '{"x": "nul \\u0000"}',
        nested(MAX_JSON_DEPTH + 1),
    ],
)
async def test_unstorable_json_values_are_400(client: AsyncClient, value: str) -> None:
    payload = await new_payload(client)
    payload.pop(FIELD, None)
    body = json.dumps(payload)[:-1] + f', "{FIELD}": {value}}}'
    headers = {"content-type": "application/json"}
    response = await client.post(COLLECTION, content=body.encode(), headers=headers)
    assert response.status_code == 400, response.text
    assert [d["field"] for d in response.json()["error"]["details"]] == [FIELD]
    listed = await client.get(COLLECTION)
    assert (listed.status_code, listed.json()["data"]) == (200, [])


async def test_json_values_within_the_bounds_are_kept(client: AsyncClient) -> None:
    value = json.loads(nested(MAX_JSON_DEPTH - 1))
    value["text"] = "caf\u00e9 \U0001f600"
    response = await client.post(COLLECTION, json=await new_payload(client, **{FIELD: value}))
    assert response.status_code == 201, response.text
    assert response.json()["data"][FIELD] == value


async def test_a_stored_value_that_breaks_the_rules_never_fails_a_read(
    client: AsyncClient, database: Database
) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL refuses such values itself: they cannot be stored there")
    created = await create_item(client)
    broken = {"x": "\udc00", "n": float("nan"), "ok": "kept"}
    async with database.sessions() as session:
        model = CatalogEntry
        change = sa.update(model).where(model.id == uuid.UUID(created["id"]))
        await session.execute(change.values({COLUMN: broken}))
        await session.commit()
    repaired = {"x": "\ufffd", "n": None, "ok": "kept"}
    for url in (COLLECTION, f"{COLLECTION}?cursor="):
        response = await client.get(url)
        assert response.status_code == 200, response.text
        assert response.json()["data"][0][FIELD] == repaired
    one = await client.get(f"{COLLECTION}/{created['id']}")
    assert (one.status_code, one.json()["data"][FIELD]) == (200, repaired)
