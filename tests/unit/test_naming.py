from __future__ import annotations

import pytest

from backendkit.errors import UsageError
from backendkit.naming import (
    ResourceNames,
    json_key,
    plural,
    validate_resource_name,
    validate_service_name,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("person", "people"),
        ("category", "categories"),
        ("status", "statuses"),
        ("status_update", "status_updates"),
        ("child", "children"),
        ("box", "boxes"),
        ("address", "addresses"),
    ],
)
def test_plural_is_english(word: str, expected: str) -> None:
    assert plural(word) == expected


def test_multi_word_resource_spellings() -> None:
    names = ResourceNames("status_update")
    assert names.plural == "status_updates"
    assert names.class_name == "StatusUpdate"
    assert names.path == "status-updates"
    assert names.camel == "statusUpdate"


@pytest.mark.parametrize("name", ["book-club", "user", "svc2", "order_api"])
def test_valid_service_names(name: str) -> None:
    assert validate_service_name(name) == name


@pytest.mark.parametrize(
    "name", ["", "../evil", "9lives", "Book", "a/b", "-x", "x-", "a--b", "a" * 51]
)
def test_invalid_service_names(name: str) -> None:
    with pytest.raises(UsageError):
        validate_service_name(name)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty"),
        ("class", "Python keyword"),
        ("9lives", "lowercase identifier"),
        ("../evil", "lowercase identifier"),
        ("book-club", "lowercase identifier"),
        ("app", "reserved for the service's own modules and packages"),
        ("a", "its table 'as' is an SQL keyword"),
        ("users", "singular"),
        ("match", "Python keyword"),
    ],
)
def test_invalid_resource_names(name: str, reason: str) -> None:
    with pytest.raises(UsageError, match=reason):
        validate_resource_name(name)


@pytest.mark.parametrize(
    "column",
    ["name", "is_active", "created_at", "x", "a_b_c", "item2_count", "v2", "line_2", "http_url",
     "address_line_1", "sku"],
)  # fmt: skip
def test_json_key_matches_the_generated_schemas_alias_generator(column: str) -> None:
    from pydantic.alias_generators import to_camel

    assert json_key(column) == to_camel(column)
