"""The GraphQL schema of a ``--api rest,graphql`` project, in SDL, from its resources alone.

``schema.graphql`` is written when the project is generated (and again by ``add resource``)
without importing the project: this renders, byte for byte, what Strawberry prints for the
generated ``app/*/graphql.py`` modules (types sorted by name, fields in declaration order).
The generated ``tests/test_graphql.py`` compares the file with Strawberry's own print, so the
two cannot drift apart unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from backendkit.context.graphql_names import camel

if TYPE_CHECKING:
    from backendkit.context.field_view import FieldView
    from backendkit.context.resource_view import ResourceView
    from backendkit.naming import ResourceNames

DEFAULT_FIRST = 20
# Scalars Strawberry declares (name: the lines printed above ``scalar NAME``, and its suffix).
_JSON_URL = (
    "https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf"
)
_SCALARS = {
    "BigInt": ('"""A 64-bit integer."""', ""),
    "Date": ('"""Date (isoformat)"""', ""),
    "DateTime": ('"""Date with time (isoformat)"""', ""),
    "Decimal": ('"""Decimal (fixed-point)"""', ""),
    "JSON": (
        f'"""\nThe `JSON` scalar type represents JSON values as specified by '
        f"[ECMA-404]({_JSON_URL}).\n" + '"""',
        f' @specifiedBy(url: "{_JSON_URL}")',
    ),
    "UUID": ("", ""),
}
# GraphQL type of a field type, where it is not String.
_TYPES = {
    "int": "Int", "bigint": "BigInt", "float": "Float", "decimal": "Decimal",
    "bool": "Boolean", "date": "Date", "datetime": "DateTime", "uuid": "UUID", "json": "JSON",
    "ref": "ID",
}  # fmt: skip


def graphql_resources(resources: Iterable[ResourceView]) -> list[ResourceView]:
    """The resources' GraphQL modules, in the order the service discovers them."""
    return sorted(resources, key=lambda r: r.name)


def graphql_sdl(resources: Sequence[ResourceView], auth: str) -> str:
    """The schema Strawberry prints for RESOURCES (without the final newline)."""
    served = graphql_resources(resources)
    blocks: dict[str, str] = {}
    if not served:
        blocks["Empty"] = _block("type", "Empty", ["ok: Boolean!"])
        return "\n\n".join(["schema {\n  query: Empty\n}", *_sorted(blocks)])
    query: list[str] = []
    mutation: list[str] = []
    for resource in served:
        _add_resource(blocks, resource, served, auth)
        r = resource.class_name
        page = f"first: Int! = {DEFAULT_FIRST}, after: String = null"
        query.append(f"{camel(resource.name)}(id: ID!): {r}")
        filter_arg = f"filter: {r}Filter = null, " if resource.filterable_fields else ""
        query.append(
            f"{camel(resource.plural)}({filter_arg}sort: String = null, {page}): {r}Connection!"
        )
        name = resource.name
        mutation.append(f"{camel('create_' + name)}(input: Create{r}Input!): {r}Payload!")
        mutation.append(f"{camel('update_' + name)}(id: ID!, input: Update{r}Input!): {r}Payload!")
        mutation.append(f"{camel('delete_' + name)}(id: ID!): DeletePayload!")
        for action in resource.actions:
            body = f", input: {action.graphql_input}!" if action.body else ""
            mutation.append(f"{action.graphql_mutation}(id: ID!{body}): {r}Payload!")
    blocks["Query"] = _block("type", "Query", query)
    blocks["Mutation"] = _block("type", "Mutation", mutation)
    blocks["PageInfo"] = _block("type", "PageInfo", ["hasNextPage: Boolean!", "endCursor: String"])
    blocks["FieldError"] = _block(
        "type", "FieldError", ["field: String", "message: String!", "code: String!"]
    )
    blocks["DeletePayload"] = _block("type", "DeletePayload", ["id: ID", "errors: [FieldError!]!"])
    used = {t for block in blocks.values() for t in _SCALARS if re.search(rf": {t}\b", block)}
    for scalar in used:
        description, suffix = _SCALARS[scalar]
        blocks[scalar] = (description + "\n" if description else "") + f"scalar {scalar}{suffix}"
    return "\n\n".join(_sorted(blocks))


def _sorted(blocks: dict[str, str]) -> list[str]:
    return [blocks[name] for name in sorted(blocks)]


def _block(kind: str, name: str, lines: Sequence[str]) -> str:
    if not lines:
        return f"{kind} {name}"
    return f"{kind} {name} {{\n" + "".join(f"  {line}\n" for line in lines) + "}"


def _parent(ref: FieldView) -> ResourceNames:
    assert ref.parent is not None  # graphql_links holds refs only
    return ref.parent


def _type_of(field: FieldView, enum: str | None) -> str:
    if field.type == "enum":
        return enum or field.enum_class
    return _TYPES.get(field.type, "String")


def _line(field: FieldView, *, non_null: bool, enum: str | None = None) -> str:
    return f"{camel(field.name)}: {_type_of(field, enum)}{'!' if non_null else ''}"


def _add_resource(
    blocks: dict[str, str], resource: ResourceView, served: Sequence[ResourceView], auth: str
) -> None:
    r = resource.class_name
    node = ["id: ID!"]
    if resource.owned:
        node.append("ownerId: ID!")
    node += [_line(f, non_null=not f.optional) for f in resource.fields]
    node += ["createdAt: DateTime!", "updatedAt: DateTime!"]
    for ref in resource.graphql_links(auth):
        node.append(f"{camel(ref.spec.name)}: {_parent(ref).class_name}")
    # The lists children add to this type, in the order their modules are discovered.
    children: list[str] = []
    for child in served:
        for ref in child.graphql_links(auth):
            if _parent(ref).singular == resource.name and child.plural not in children:
                children.append(child.plural)
                node.append(
                    f"{camel(child.plural)}(first: Int! = {DEFAULT_FIRST}, after: String = null): "
                    f"{child.class_name}Connection!"
                )
    blocks[r] = _block("type", r, node)
    blocks[f"{r}Connection"] = _block(
        "type",
        f"{r}Connection",
        [f"edges: [{r}Edge!]!", "pageInfo: PageInfo!", "totalCount: Int!"],
    )
    blocks[f"{r}Edge"] = _block("type", f"{r}Edge", [f"node: {r}!", "cursor: String!"])
    if resource.filterable_fields:
        filters = [_line(f, non_null=False) for f in resource.filterable_fields]
        blocks[f"{r}Filter"] = _block("input", f"{r}Filter", filters)
    # The sign-in account (jwt) takes a password: write-only, never a field of the node.
    account = auth == "jwt" and resource.name == "user"
    fields = resource.fields
    create = [_line(f, non_null=True) for f in fields if f.required]
    create += ["password: String!"] if account else []
    create += [_line(f, non_null=False) for f in fields if not f.required]
    blocks[f"Create{r}Input"] = _block("input", f"Create{r}Input", create)
    update = [_line(f, non_null=False) for f in fields] + (["password: String"] if account else [])
    blocks[f"Update{r}Input"] = _block("input", f"Update{r}Input", update)
    blocks[f"{r}Payload"] = _block(
        "type", f"{r}Payload", [f"{camel(resource.name)}: {r}", "errors: [FieldError!]!"]
    )
    for action in resource.actions:
        if action.body:
            # Enum values of a body are strings: the request schema checks them.
            body = action.body
            lines = [_line(f, non_null=True, enum="String") for f in body if f.required]
            lines += [_line(f, non_null=False, enum="String") for f in body if not f.required]
            blocks[action.graphql_input] = _block("input", action.graphql_input, lines)
    for field in resource.enum_fields:
        values = [choice.upper() for choice in field.choices]
        blocks[field.enum_class] = _block("enum", field.enum_class, values)
