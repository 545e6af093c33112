"""schema.graphql rendered from the resources alone (the generated project's tests hold it to
Strawberry's own print, byte for byte)."""

from __future__ import annotations

from backendkit.config import ResourceSpec
from backendkit.context import ResourceView
from backendkit.context.graphql_names import camel
from backendkit.context.graphql_sdl import graphql_sdl


def view(name: str, fields: str, **options: object) -> ResourceView:
    spec = ResourceSpec.model_validate({"name": name, "fields": fields, **options})
    return ResourceView(spec, "0001", "0000_initial")


def test_camel_case_is_strawberrys() -> None:
    assert camel("created_at") == "createdAt"
    assert camel("a_b2c") == "aB2c"  # pydantic's to_camel says aB2C
    assert camel("line2_total") == "line2Total"


def test_no_resource_is_the_empty_query() -> None:
    assert graphql_sdl([], "none") == (
        "schema {\n  query: Empty\n}\n\ntype Empty {\n  ok: Boolean!\n}"
    )


def test_types_are_sorted_and_unused_scalars_left_out() -> None:
    sdl = graphql_sdl([view("note", "body:text")], "none")
    names = [line.split()[1] for line in sdl.splitlines() if line[:1].isalpha()]
    assert names == sorted(names)
    # No field filters on text: no NoteFilter, and no filter argument.
    assert "NoteFilter" not in sdl
    assert "notes(sort: String = null, first: Int! = 20, after: String = null)" in sdl
    assert "scalar Decimal" not in sdl and "scalar DateTime" in sdl


def test_the_jwt_account_takes_a_password_it_never_shows() -> None:
    account = view("user", "email:email:unique name:str role:enum(user,admin)=user")
    sdl = graphql_sdl([account], "jwt")
    node = sdl[sdl.index("type User {") :].split("}")[0]
    assert "email: String!" in node and "password" not in node.lower()
    assert "password: String!" in sdl  # CreateUserInput
    assert "password" not in graphql_sdl([account], "none")


def test_actions_are_mutations_with_an_input() -> None:
    order = view(
        "order",
        "total:int",
        actions=[{"name": "mark_paid", "body": "note:str kind:enum(a,b)=a"}, "archive"],
    )
    sdl = graphql_sdl([order], "none")
    assert "markPaidOrder(id: ID!, input: MarkPaidOrderInput!): OrderPayload!" in sdl
    assert "archiveOrder(id: ID!): OrderPayload!" in sdl
    assert "input MarkPaidOrderInput {\n  note: String!\n  kind: String\n}" in sdl
    assert "note" not in sdl[sdl.index("input CreateOrderInput") :].split("}")[0]
