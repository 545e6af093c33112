from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.config import ServiceConfig
from backendkit.config_file import build_config, read_config_file
from backendkit.errors import UsageError


def test_defaults() -> None:
    config = build_config({"name": "shop"})
    assert config.db == "sqlite"
    assert config.resources == ()


def test_resource_fields_accept_the_field_syntax() -> None:
    config = build_config(
        {"name": "shop", "resources": [{"name": "product", "fields": "name:str sku:str:unique"}]}
    )
    assert [f.name for f in config.resources[0].fields] == ["name", "sku"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "shop", "db": "mysql"}, "db: 'mysql' is not valid; choose one of: 'sqlite' or"),
        ({"name": "shop", "colour": "red"}, "colour: unknown setting; valid settings: name"),
        ({"name": "../evil"}, "invalid service name"),
        ({"name": "s", "resources": [{"name": "class"}]}, "Python keyword"),
        ({"name": "s", "resources": [{"name": "b"}, {"name": "b"}]}, "resources repeat: b"),
        (
            {"name": "s", "resources": [{"name": "p", "fields": "qty:int=abc"}]},
            "'qty:int=abc': default 'abc' is not a valid int",
        ),
    ],
)
def test_one_line_errors(values: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        build_config(values)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_config_is_complete_before_anything_is_written() -> None:
    assert ServiceConfig.__struct_config__.frozen is True


def test_yaml_and_toml_config_files(tmp_path: Path) -> None:
    yml = tmp_path / "svc.yml"
    yml.write_text(
        "name: shop\ndb: postgres\nresources:\n  - name: product\n    fields: [name:str]\n"
    )
    toml = tmp_path / "pyproject.toml"
    toml.write_text('[tool.backendkit]\nname = "shop"\ndb = "postgres"\n')
    assert build_config(read_config_file(yml)).resources[0].name == "product"
    assert build_config(read_config_file(toml)).db == "postgres"


def test_config_file_that_does_not_parse(tmp_path: Path) -> None:
    bad = tmp_path / "svc.yml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(UsageError, match="does not parse"):
        read_config_file(bad)


def test_refs_follow_their_parents_in_one_config() -> None:
    config = build_config(
        {
            "name": "shop",
            "auth": "none",
            "resources": [
                {"name": "category", "fields": "name:str"},
                {"name": "product", "fields": "name:str category:ref(category)"},
                {"name": "review", "fields": "product:ref(product) rating:int:optional"},
            ],
        }
    )
    (ref,) = config.resources[2].refs
    assert (ref.name, ref.ref, ref.column) == ("product", "product", "product_id")


@pytest.mark.parametrize(
    ("resources", "message"),
    [
        (
            [{"name": "product", "fields": "category:ref(category)"}, {"name": "category"}],
            "field 'category:ref(category)' of 'product': 'category' must be declared before "
            "'product'",
        ),
        (
            [{"name": "product", "fields": "category:ref(category)"}],
            "no resource 'category' (declared before it: none)",
        ),
        (
            [{"name": "category", "fields": "parent:ref(category):optional"}],
            "resources.0: field 'parent:ref(category):optional': a resource cannot ref itself",
        ),
        (
            [
                {"name": "user", "fields": "name:str"},
                {"name": "post", "fields": "author:ref(user) editor:ref(user)"},
            ],
            "field 'editor:ref(user)': 'post' already refs 'user'; one ref per parent resource",
        ),
    ],
)
def test_bad_refs_are_one_line_errors(resources: list[dict[str, str]], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        build_config({"name": "shop", "auth": "none", "resources": resources})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_sign_in_account_has_no_refs() -> None:
    fields = "email:email:unique name:str(100) role:enum(user,admin)=user is_active:bool=true"
    resources = [
        {"name": "team", "fields": "name:str"},
        {"name": "user", "fields": fields + " team:ref(team):optional"},
    ]
    with pytest.raises(UsageError, match="the user resource is the sign-in account"):
        build_config({"name": "shop", "auth": "jwt", "resources": resources})
    assert build_config({"name": "shop", "auth": "none", "resources": resources})


BOTH = ("rest", "graphql")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("rest", ("rest",)),
        ("rest,graphql", BOTH),
        ("graphql,rest", BOTH),
        (["graphql", "rest"], BOTH),
    ],
)
def test_api_accepts_both_in_any_order(value: object, expected: tuple[str, ...]) -> None:
    config = build_config({"name": "shop", "api": value})
    assert config.api == expected
    assert config.graphql == ("graphql" in expected)


def test_api_rest_alone_is_not_recorded_so_rest_projects_keep_their_state() -> None:
    assert "api" not in build_config({"name": "shop"}).answers()
    assert build_config({"name": "shop", "api": "rest,graphql"}).answers()["api"] == [
        "rest",
        "graphql",
    ]


@pytest.mark.parametrize("value", ["graphql", "soap", "rest,soap", ""])
def test_api_refuses_what_is_not_built(value: str) -> None:
    with pytest.raises(UsageError):
        build_config({"name": "shop", "api": value})
