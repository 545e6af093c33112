"""Input types: decimals as the schema states them, json values any database stores."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import jsonschema_rs
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from app.core.types import DecimalScale, Int32, Int64, JsonObject, QueryInt32, StoredJson


class Price(BaseModel):
    amount: Annotated[Decimal, DecimalScale(10, 2)]


class Document(BaseModel):
    value: JsonObject


class Stored(BaseModel):
    value: StoredJson


@pytest.mark.parametrize(
    "text",
    [
        *("1_000", " 5 ", "5 ", "\u0665", "1\u0660", "+5", "1e3", "0x10", "5.", ".5", ""),
        *("12.500", "123456789", "000000001"),
    ],
)
def test_decimal_text_is_plain_ascii_digits(text: str) -> None:
    with pytest.raises(ValidationError):
        Price(amount=text)


@pytest.mark.parametrize(
    ("given", "kept"), [("12.5", "12.50"), ("-3", "-3.00"), (7, "7.00"), ("0.10", "0.10")]
)
def test_decimals_are_kept_at_their_scale(given: Any, kept: str) -> None:
    assert str(Price(amount=given).amount) == kept


@pytest.mark.parametrize("zero", ["-0.00", "-0", -0.0, "0"])
def test_negative_zero_is_zero(zero: Any) -> None:
    assert str(Price(amount=zero).amount) == "0.00"


def test_json_values_nul_surrogates_nan_refused_and_repaired_when_stored() -> None:
    for bad in ({"x": "\x00"}, {"x": "\udc00"}, {"x": float("nan")}, {"x": [float("inf")]}):
        with pytest.raises(ValidationError):
            Document(value=bad)
    repaired = Stored(value={"x": "\udc00", "n": float("-inf"), "ok": [1, "\u00e9"]})
    assert repaired.model_dump_json() == '{"value":{"x":"\ufffd","n":null,"ok":[1,"\u00e9"]}}'


@pytest.mark.parametrize(
    "given", ["12.5", "-3", 7, "0.10", "12.500", 12.345, "000000001", True, "1_000", 1e8]
)
def test_the_schema_of_a_decimal_says_what_it_accepts(given: Any) -> None:
    # The OpenAPI schema and the validator agree on every value: a client can rely on it.
    schema = TypeAdapter(Annotated[Decimal, DecimalScale(10, 2)]).json_schema()
    # schemathesis's validator, which judges what the fuzzers send.
    stated = jsonschema_rs.validator_for(schema).is_valid(given)
    try:
        Price(amount=given)
    except ValidationError:
        accepted = False
    else:
        accepted = True
    assert stated == accepted, (given, schema)


@pytest.mark.parametrize("kind", [Int32, Int64])
def test_a_json_integer_is_a_number_never_a_boolean_or_text(kind: Any) -> None:
    adapter = TypeAdapter(kind)
    assert adapter.validate_json("5") == 5
    assert adapter.validate_json("5.0") == 5  # JSON Schema's integer includes 5.0
    for refused in ("true", "false", '"5"', "5.5"):
        with pytest.raises(ValidationError):
            adapter.validate_json(refused)


def test_an_integer_filter_is_read_from_query_text() -> None:
    assert TypeAdapter(QueryInt32).validate_python("5") == 5
