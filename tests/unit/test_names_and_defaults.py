"""Names, fields and defaults: each works end to end or is refused up front with one line."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pydantic
import pytest

from backendkit.config import ResourceSpec, ServiceConfig
from backendkit.config_file import build_config
from backendkit.errors import UsageError
from backendkit.fields import parse_field
from backendkit.naming import (
    plural,
    singular,
    validate_field_name,
    validate_resource_name,
    validate_service_name,
)
from backendkit.reserved import (
    CLASS_BODY_NAMES,
    EVENT_TABLES,
    PYDANTIC_ATTRIBUTES,
    RESERVED_MODULE_NAMES,
    TEMPLATE_IMPORTED_NAMES,
    TEMPLATE_TABLES,
)
from tests.helpers import run_cli, tree

TEMPLATE = Path(__file__).parents[2] / "templates" / "fastapi"
RESOURCE_TEMPLATES = sorted((TEMPLATE / "resource").rglob("*.jinja"))


@pytest.mark.parametrize("name", ["x\n", "x\r", "x\t", "x\x1b", "x\u202e", "x\n\n", "\nx"])
def test_names_with_control_characters_or_a_trailing_newline_are_refused(name: str) -> None:
    for validate in (validate_service_name, validate_resource_name, validate_field_name):
        with pytest.raises(UsageError) as refused:
            validate(name)
        assert "\n" not in str(refused.value)
    with pytest.raises(UsageError):
        parse_field(f"{name}:str")


def test_new_with_a_trailing_newline_in_the_name_writes_nothing(tmp_path: Path) -> None:
    result = run_cli("new", "x\n", "--crud", "--no-git", "--defaults", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert tree(tmp_path) == set()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("main", "service's own modules"),
        ("conftest", "service's own modules"),
        ("cache", "service's own modules"),
        ("list", "ListEnvelope would replace"),
        ("entity", "Entity would replace"),
        ("repository", "Repository would replace"),
        ("envelope", "Envelope would replace"),
    ],
)
def test_resource_names_the_generated_code_uses_are_refused_saying_why(
    name: str, reason: str
) -> None:
    with pytest.raises(UsageError, match=reason):
        validate_resource_name(name)


def test_a_resource_whose_table_jwt_auth_owns_is_refused() -> None:
    with pytest.raises(UsageError, match="--auth jwt has a table 'refresh_tokens'"):
        build_config({"name": "shop", "resources": [{"name": "refresh_token"}]})
    config = build_config(
        {"name": "shop", "auth": "none", "resources": [{"name": "refresh_token"}]}
    )
    assert config.resources[0].names.plural == "refresh_tokens"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("model_config", "pydantic"),
        ("model_validate_me", "pydantic"),
        ("json", "pydantic"),
        ("schema", "pydantic"),
        ("copy", "pydantic"),
        ("metadata", "SQLAlchemy"),
        ("registry", "SQLAlchemy"),
        ("page", "paging and sorting"),
        ("limit", "paging and sorting"),
        ("sort", "paging and sorting"),
        ("cursor", "paging and sorting"),
        ("sa", "module or helper"),
        ("uuid", "module or helper"),
        ("id", "every table has this column"),
        ("deleted_at", "--soft-delete adds this column"),
    ],
)
def test_field_names_the_generated_classes_use_are_refused_saying_why(
    name: str, reason: str
) -> None:
    with pytest.raises(UsageError, match=f"'{name}' is reserved: .*{re.escape(reason)}"):
        parse_field(f"{name}:str")


@pytest.mark.parametrize(
    "token",
    ["data:str", "type:str", "status:enum(a,b)", "order:int", "address_line2:str", "line1:str",
     "model_year:int", "owner_id:uuid", "format:str", "svc26:ref(svc26)"],
)  # fmt: skip
def test_ordinary_field_names_are_accepted(token: str) -> None:
    parse_field(token)


def test_owner_id_is_refused_only_on_an_owned_resource() -> None:
    user = {"name": "user", "fields": "email:email:unique name:str role:enum(user,admin)=user "
            "is_active:bool=true"}  # fmt: skip
    build_config({"name": "shop", "resources": [{"name": "note", "fields": "owner_id:uuid"}]})
    with pytest.raises(UsageError, match="owner_id is set by the service"):
        build_config(
            {
                "name": "shop",
                "resources": [user, {"name": "note", "fields": "owner_id:uuid", "owned": True}],
            }
        )


def test_fields_that_share_a_json_key_are_refused() -> None:
    with pytest.raises(ValueError, match="share a JSON key: line1, line_1"):
        ResourceSpec.model_validate({"name": "address", "fields": "line1:str line_1:str"})


def test_an_enum_field_whose_class_would_replace_a_generated_class_is_refused() -> None:
    with pytest.raises(ValueError, match="enum class ItemRead would replace"):
        ResourceSpec.model_validate({"name": "item", "fields": "read:enum(yes,no)"})


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("f:float=nan", "not a finite number"),
        ("f:float=inf", "not a finite number"),
        ("f:float=-inf", "not a finite number"),
        ("e:email=notanemail", "not an email address"),
        ("u:url=nope", "not an absolute http(s) URL"),
        ("u:url=ftp://x", "not an absolute http(s) URL"),
        (f"b:bigint={2**63}", "does not fit the bigint column"),
        ("i:int=99999999999", "does not fit the int column"),
        ("p:decimal(4,2)=123.456", "does not fit decimal(4,2)"),
        ("p:decimal(4,2)=1.234", "does not fit decimal(4,2)"),
        ("p:decimal(5,2)=12345.678", "does not fit decimal(5,2)"),
        ("p:decimal=123456789.5", "does not fit decimal(10,2)"),
        ("s:str=a\tb", "control characters"),
    ],
)
def test_defaults_must_be_valid_for_their_type_and_fit_their_column(
    token: str, message: str
) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        parse_field(token)


@pytest.mark.parametrize(
    ("token", "default"),
    [
        ("e:email=team@example.com", "team@example.com"),
        ("u:url=https://example.com/a?b=1", "https://example.com/a?b=1"),
        (f"b:bigint={2**63 - 1}", 2**63 - 1),
        (f"i:int={-(2**31)}", -(2**31)),
        ("p:decimal(4,2)=12.5", Decimal("12.5")),
        ("p:decimal(5,0)=1E+3", Decimal("1000")),
    ],
)
def test_defaults_that_fit_are_kept(token: str, default: object) -> None:
    assert parse_field(token).default == default


@pytest.mark.parametrize(
    "command", [["new", "shop", "--crud", "--no-git", "--defaults"], ["add", "resource", "item"]]
)
def test_a_decimal_default_with_too_many_digits_is_one_line_exit_2(
    tmp_path: Path, command: list[str]
) -> None:
    cwd = tmp_path
    if command[0] == "add":
        made = run_cli("new", "shop", "--crud", "--no-git", "--defaults", cwd=tmp_path)
        assert made.returncode == 0, made.stderr
        cwd = tmp_path / "shop"
    before = tree(cwd)
    result = run_cli(*command, "price:decimal(5,2)=12345.678", cwd=cwd)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "does not fit decimal(5,2)" in result.stderr
    assert tree(cwd) == before


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("criterion", "criteria"),
        ("phenomenon", "phenomena"),
        ("datum", "data"),
        ("curriculum", "curricula"),
        ("cactus", "cacti"),
        ("campus", "campuses"),
        ("bonus", "bonuses"),
        ("status", "statuses"),
        ("person", "people"),
        ("category", "categories"),
        ("lab_result", "lab_results"),
        ("test_criterion", "test_criteria"),
    ],
)
def test_plurals_are_english_irregular_ones_included(word: str, expected: str) -> None:
    assert plural(word) == expected
    assert singular(expected) == word
    validate_resource_name(word)


def test_a_config_file_with_several_mistakes_reports_each_of_them() -> None:
    with pytest.raises(UsageError) as refused:
        build_config(
            {
                "name": "shop",
                "db": "oracle",
                "cache": "memory",
                "resources": [{"name": "list"}, {"name": "order", "fields": "page:int"}],
            }
        )
    message = str(refused.value)
    assert "\n" not in message
    for part in ("db: 'oracle'", "cache: 'memory'", "'list'", "'page' is reserved"):
        assert part in message


def test_the_next_hint_and_readme_of_a_postgres_project_say_to_create_the_database(
    tmp_path: Path,
) -> None:
    result = run_cli(
        "new", "ticket-hub", "--crud", "--db", "postgres", "--no-git", "--defaults", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "createdb -h localhost -U postgres ticket_hub" in result.stdout
    readme = (tmp_path / "ticket-hub" / "README.md").read_text()
    assert "createdb -h localhost -U postgres ticket_hub" in readme
    assert "./data/" not in readme
    sqlite = run_cli("new", "shop", "--crud", "--no-git", "--defaults", cwd=tmp_path)
    assert "createdb" not in sqlite.stdout
    assert "SQLite in `./data/`" in (tmp_path / "shop" / "README.md").read_text()


def test_reserved_lists_hold_what_the_templates_use() -> None:
    text = "\n".join(path.read_text() for path in RESOURCE_TEMPLATES)
    imported: set[str] = set()
    for names in re.findall(r"\bimport ([A-Za-z_][A-Za-z0-9_, ]*)", text):
        imported.update(n.split(" as ")[-1].strip() for n in names.split(","))
    # Class-like names (constants such as COLLECTION are no class a resource could make).
    capitalised = {n for n in imported if n[:1].isupper() and not n.isupper()}
    assert capitalised <= TEMPLATE_IMPORTED_NAMES | {"User"}
    models_and_schemas = "\n".join(
        p.read_text() for p in RESOURCE_TEMPLATES if p.name.startswith(("models", "schemas"))
    )
    used_in_bodies = set()
    for line in re.findall(r"\bimport ([a-z_][A-Za-z0-9_, ]*?)(?:\"|$)", models_and_schemas, re.M):
        used_in_bodies.update(n.split(" as ")[-1].strip() for n in line.split(","))
    assert used_in_bodies - {"annotations"} <= CLASS_BODY_NAMES
    public = {n for n in dir(pydantic.BaseModel) if not n.startswith("_")}
    assert public <= PYDANTIC_ATTRIBUTES
    tables = set(re.findall(r'__tablename__ = "([a-z_]+)"', _project_sources()))
    # users is the sign-in account itself: a `user` resource with --auth jwt is that table.
    # A double underscore (the generated tests' own tables) is no resource's table name.
    tables = {t for t in tables if "__" not in t}
    assert tables - {"users"} <= TEMPLATE_TABLES["jwt"] | EVENT_TABLES


def test_every_module_beside_the_resource_packages_is_a_reserved_resource_name() -> None:
    for package in ("app", "tests"):
        for entry in (TEMPLATE / "project" / package).iterdir():
            module = re.sub(r"\{%.*?%\}", "", entry.name).split(".")[0]
            if module.startswith(("__", "test_")):
                continue  # neither a resource package nor tests/<name>/test_<name>_* can match
            assert module in RESERVED_MODULE_NAMES, f"{package}/{entry.name}"


def _project_sources() -> str:
    return "\n".join(
        path.read_text()
        for path in (TEMPLATE / "project").rglob("*")
        if path.suffix in {".py", ".jinja"}
    )


def test_a_service_with_ordinary_and_digit_names_validates() -> None:
    ServiceConfig.model_validate(
        {
            "name": "svc26",
            "auth": "none",
            "resources": [
                {"name": "svc26", "fields": "line1:str data:str type:str order:int"},
                {"name": "criterion", "fields": "svc26:ref(svc26) address_line2:str"},
            ],
        }
    )


def test_a_resource_may_declare_its_plural_and_the_state_records_it(tmp_path: Path) -> None:
    made = run_cli(
        "new", "pl", "--crud", "--plural", "plis", "--auth", "none", "--no-git", "--defaults",
        cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    project = tmp_path / "pl"
    added = run_cli("add", "resource", "thing", "pl:ref(pl)", "--plural", "stuff", cwd=project)
    assert added.returncode == 0, added.stderr
    state = (project / ".backendkit" / "state.yml").read_text()
    assert "plural: plis" in state
    assert "plural: stuff" in state
    models = (project / "app" / "thing" / "models.py").read_text()
    assert '__tablename__ = "stuff"' in models
    assert 'sa.ForeignKey("plis.id"' in models
    assert 'APIRouter(prefix="/stuff"' in (project / "app" / "thing" / "router.py").read_text()
    assert (project / "migrations" / "versions" / "0002_create_stuff.py").is_file()
    assert run_cli("check", cwd=project).returncode == 0


def test_a_declared_plural_is_checked_like_a_name() -> None:
    with pytest.raises(UsageError, match=r"invalid plural 'Bad.*' of 'thing'"):
        build_config({"name": "shop", "resources": [{"name": "thing", "plural": "Bad\n"}]})
    with pytest.raises(UsageError, match="SQL keyword"):
        build_config({"name": "shop", "resources": [{"name": "thing", "plural": "order"}]})


def test_docs_say_where_a_multi_word_resource_is_served() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "resources.md").read_text()
    assert "`lab_result` is served at `/api/v1/lab-results`" in docs
