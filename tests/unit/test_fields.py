from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from backendkit.errors import UsageError
from backendkit.fields import FIELD_TYPES, parse_field, parse_fields, split_fields


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("title:str", {"type": "str", "length": None}),
        ("title:str(80)", {"type": "str", "length": 80}),
        ("price:decimal(12,3)", {"type": "decimal", "precision": 12, "scale": 3}),
        ("email:email:unique", {"type": "email", "unique": True}),
        ("sku:str:unique:index", {"unique": True, "index": True}),
        ("note:text:optional", {"type": "text", "optional": True}),
        ("status:enum(draft,active)=draft", {"choices": ("draft", "active"), "default": "draft"}),
        ("qty:int=3", {"default": 3}),
        ("big:bigint=-9", {"default": -9}),
        ("ratio:float=0.5", {"default": 0.5}),
        ("price:decimal=9.99", {"default": Decimal("9.99")}),
        ("done:bool=false", {"default": False}),
        ("on:date=2024-02-29", {"default": dt.date(2024, 2, 29)}),
        ("ref_id:uuid", {"type": "uuid"}),
        ("category:ref(category)", {"type": "ref", "ref": "category"}),
        ("greeting:str=a:b=c", {"default": "a:b=c"}),
    ],
)
def test_parses(token: str, expected: dict[str, object]) -> None:
    spec = parse_field(token)
    for key, value in expected.items():
        assert getattr(spec, key) == value


def test_every_type_parses() -> None:
    for type_ in FIELD_TYPES:
        token = {"enum": "x:enum(a,b)", "ref": "x:ref(thing)"}.get(type_, f"x:{type_}")
        assert parse_field(token).type == type_


def test_ref_column_gets_id_suffix() -> None:
    assert parse_field("category:ref(category)").column == "category_id"


@pytest.mark.parametrize(
    "token",
    [
        "title:str(80):unique=hi",
        "status:enum(a,b):index=b",
        "price:decimal(10,2)=1.50",
        "x:bool=true",
    ],
)
def test_round_trips_through_its_token(token: str) -> None:
    assert parse_field(token).to_token() == token
    assert parse_field(parse_field(token).to_token()) == parse_field(token)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("qty:int=abc", "'abc' is not a valid int"),
        ("title", "expected name:type"),
        ("title:string", "unknown type 'string'; valid types: str, text"),
        ("title:str:uniq", "unknown modifier 'uniq'; valid modifiers: unique, index, optional"),
        ("Title:str", "invalid field name"),
        ("class:str", "Python keyword"),
        ("id:uuid", "every table has this column already"),
        ("s:enum()", "enum takes lowercase identifiers"),
        ("s:enum(a,a)", "repeat"),
        ("s:enum(a,b)=c", "not one of a, b"),
        ("p:decimal(2,5)", "decimal takes (precision,scale)"),
        ("t:str(0)", "str takes one positive length"),
        ("t:str(3)=toolong", "longer than 3"),
        ("b:bool=maybe", "not a bool"),
        ("d:date=yesterday", "not a valid date"),
        ("j:json={}", "cannot have a default"),
        ("n:int(4)", "takes no arguments"),
        ("c:ref(../x)", "invalid resource name"),
        ("c:ref(categories)", "name resources in the singular"),
        ("c:ref()", "resource name is empty"),
        ("c:ref(a,b)", "ref takes one resource"),
        ("c:ref", "ref takes one resource, e.g. ref(category)"),
        ("c:ref(category)=x", "a ref field cannot have a default"),
    ],
)
def test_errors_name_the_token(token: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_field(token)
    assert token in str(raised.value)
    assert message in str(raised.value)


def test_duplicate_fields_are_refused() -> None:
    with pytest.raises(UsageError, match="declared twice"):
        parse_fields(["a:str", "a:int"])


def test_split_fields_honours_quotes() -> None:
    assert split_fields('title:str "motto:str=hello world"') == [
        "title:str",
        "motto:str=hello world",
    ]


def test_uuid_default() -> None:
    value = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    assert parse_field(f"k:uuid={value}").default == uuid.UUID(value)


def test_ref_and_its_column_cannot_both_be_declared() -> None:
    with pytest.raises(UsageError, match="declared twice"):
        parse_fields(["category_id:uuid", "category:ref(category)"])


def test_optional_ref_round_trips() -> None:
    spec = parse_field("category:ref(category):optional")
    assert (spec.ref, spec.optional, spec.column) == ("category", True, "category_id")
    assert spec.to_token() == "category:ref(category):optional"
