"""Input types: decimals as the schema states them, json values any database stores."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ValidationError

from app.core.types import DecimalScale, JsonObject, StoredJson


class Price(BaseModel):
    amount: Annotated[Decimal, DecimalScale(10, 2)]


class Document(BaseModel):
    value: JsonObject


class Stored(BaseModel):
    value: StoredJson


@pytest.mark.parametrize(
    "text", ["1_000", " 5 ", "5 ", "\u0665", "1\u0660", "+5", "1e3", "0x10", "5.", ".5", ""]
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
