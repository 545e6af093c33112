"""Strawberry against Ariadne on the generated service's hot queries, in process.

Run in a scratch virtualenv: pip install strawberry-graphql ariadne, then
python benchmarks/graphql_libraries.py

Both execute on graphql-core; each answers ``product(id)`` (7 fields) and a 20-node page from
static data, so only the library's own cost shows. Rounds alternate, medians of 5 are
reported as executions per second and the ratio strawberry / ariadne.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import time
import uuid
from decimal import Decimal

import strawberry
from ariadne import QueryType, make_executable_schema
from ariadne import graphql as ariadne_graphql

ROW = {
    "id": str(uuid.uuid4()),
    "name": "Lamp",
    "sku": "SKU-1",
    "price": Decimal("9.50"),
    "in_stock": True,
    "created_at": dt.datetime.now(dt.UTC),
    "updated_at": dt.datetime.now(dt.UTC),
}


@strawberry.type
class Product:
    id: strawberry.ID
    name: str
    sku: str
    price: Decimal
    in_stock: bool
    created_at: dt.datetime
    updated_at: dt.datetime


@strawberry.type
class Edge:
    node: Product
    cursor: str


@strawberry.type
class Conn:
    edges: list[Edge]


@strawberry.type
class Query:
    @strawberry.field
    async def product(self, id: strawberry.ID) -> Product | None:
        return Product(**ROW)

    @strawberry.field
    async def products(self, first: int = 20) -> Conn:
        return Conn(edges=[Edge(node=Product(**ROW), cursor="c") for _ in range(first)])


sb = strawberry.Schema(query=Query)

SDL = """
scalar Decimal
scalar DateTime
type Product {
  id: ID! name: String! sku: String! price: Decimal! inStock: Boolean!
  createdAt: DateTime! updatedAt: DateTime!
}
type Edge { node: Product! cursor: String! }
type Conn { edges: [Edge!]! }
type Query { product(id: ID!): Product products(first: Int = 20): Conn! }
"""
from ariadne import ScalarType  # noqa: E402

decimal = ScalarType("Decimal", serializer=str)
datetime = ScalarType("DateTime", serializer=lambda v: v.isoformat())
query = QueryType()


@query.field("product")
async def resolve_product(*_, id):
    return ROW


@query.field("products")
async def resolve_products(*_, first=20):
    return {"edges": [{"node": ROW, "cursor": "c"} for _ in range(first)]}


ar = make_executable_schema(SDL, query, decimal, datetime, convert_names_case=True)

ONE = "query One($id: ID!) { product(id: $id) { id name sku price inStock createdAt updatedAt } }"
NODE = "id name sku price inStock createdAt updatedAt"
PAGE = "query Page { products(first: 20) { edges { cursor node { " + NODE + " } } } }"


async def run_sb(q, v):
    r = await sb.execute(q, variable_values=v)
    assert not r.errors, r.errors


async def run_ar(q, v):
    _, r = await ariadne_graphql(ar, {"query": q, "variables": v})
    assert "errors" not in r, r


async def rate(fn, q, v, seconds=1.0):
    n = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        await fn(q, v)
        n += 1
    return n / seconds


async def main():
    for name, q, v in (("product(id)", ONE, {"id": ROW["id"]}), ("products(first: 20)", PAGE, {})):
        s, a = [], []
        for _ in range(5):
            s.append(await rate(run_sb, q, v))
            a.append(await rate(run_ar, q, v))
        ms, ma = statistics.median(s), statistics.median(a)
        print(
            f"{name:<20} strawberry {ms:7.0f}/s  ariadne {ma:7.0f}/s  "
            f"strawberry/ariadne {ms / ma:.2f}"
        )


asyncio.run(main())
