"""Property: whatever names, fields, defaults and config files a user gives, the CLI either makes
a project that imports, builds its app and passes ruff, or refuses in one line and writes nothing.

Runs ``backendkit new`` and ``backendkit add resource`` as a user would (a subprocess each),
with a fixed seed. BACKENDKIT_FUZZ_EXAMPLES sets how many cases per test (default 10: about a
minute and a half in all);
``BACKENDKIT_FUZZ_EXAMPLES=2000 scripts/test tests/boundary`` is the long run.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, given, seed, settings
from hypothesis import strategies as st

from backendkit.naming import IRREGULAR_PLURALS
from backendkit.reserved import (
    CLASS_BODY_NAMES,
    PYDANTIC_ATTRIBUTES,
    QUERY_WORDS,
    RESERVED_MODULE_NAMES,
    SQLALCHEMY_ATTRIBUTES,
)
from tests.e2e.projects import run_tool
from tests.e2e.venv import Venv, ensure_venv, requirements_of

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("BACKENDKIT_FUZZ_EXAMPLES", "10"))
SEED = 20261203

# What users write, what the generated code already uses, and what no identifier may hold.
ORDINARY = [
    "title", "data", "type", "status", "order", "address_line2", "line1", "svc26", "kind",
    "price", "note", "level2", "model_year", "value", "count", "label", "owner_id", "format",
]  # fmt: skip
RESERVED = sorted(
    QUERY_WORDS | PYDANTIC_ATTRIBUTES | SQLALCHEMY_ATTRIBUTES | CLASS_BODY_NAMES
    | RESERVED_MODULE_NAMES | {"id", "created_at", "deleted_at", "list", "entity", "conftest"}
    | {"refresh_token", "class", "match", "none", "user", "self", "cls", "repository"}
)  # fmt: skip
NASTY = [
    "x\n", "x\r", "\tx", "x y", "X", "_x", "x__y", "é", "ß", "\uff58", "x-y", "1x", "", "x" * 70,
    "-x", "x.y", "x/y", "../x", "x\x1b[31m", "x\u202e", "ab\u0301",
]  # fmt: skip
ordinary = st.sampled_from(ORDINARY)
# Ordinary names three times in eight: enough cases get through to build a project.
words = st.sampled_from(
    [
        ordinary,
        ordinary,
        ordinary,
        st.sampled_from(RESERVED),
        st.sampled_from(NASTY),
        st.sampled_from(sorted(IRREGULAR_PLURALS) + sorted(IRREGULAR_PLURALS.values())),
        st.from_regex(r"[a-z][a-z0-9_]{0,14}", fullmatch=True),
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8
        ),
    ]
).flatmap(lambda strategy: strategy)
service_names = st.one_of(words, st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True))

NASTY_DEFAULTS = [
    "nan", "inf", "-inf", "1e309", str(2**31), str(2**63), str(-(2**63) - 1), "99999999999",
    "notanemail", "a@b.co", "ftp://x", "https://example.com/a?b=c", "nope", "12345.678",
    "123.456", "1E+3", "0.5", "", "'", '"', "\\", "{{ x }}", "{% raw %}", "true", "maybe",
    "2024-02-30", "2024-02-29", "é\u202e", "x\ny", "123e4567-e89b-12d3-a456-426614174000",
    "draft",
]  # fmt: skip
defaults = st.one_of(
    st.sampled_from(NASTY_DEFAULTS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=6),
)
types = st.one_of(
    st.sampled_from(
        [
            "str",
            "text",
            "int",
            "bigint",
            "float",
            "decimal",
            "bool",
            "date",
            "datetime",
            "uuid",
            "email",
            "url",
            "json",
            "str(80)",
            "str(3)",
            "enum(draft,active)",
            "enum(a,a)",
            "decimal(5,2)",
            "decimal(4,2)",
            "decimal(38,38)",
            "str(0)",
            "blob",
            "ref(base)",
        ]
    ),
    st.tuples(st.integers(0, 40), st.integers(0, 40)).map(lambda ps: f"decimal({ps[0]},{ps[1]})"),
)
modifiers = st.lists(st.sampled_from(["unique", "index", "optional", "primary"]), max_size=2)


@st.composite
def field_tokens(draw: st.DrawFn) -> str:
    token = f"{draw(words)}:{draw(types)}" + "".join(f":{m}" for m in draw(modifiers))
    if draw(st.integers(0, 2)) == 0:
        token += "=" + draw(defaults)
    return token


fields = st.lists(field_tokens(), max_size=4)


@st.composite
def config_files(draw: st.DrawFn, name: str) -> str:
    """A config file's text: mostly a mapping of settings, now and then not even that."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(["- a list\n", "name: [unclosed\n", "42\n", "\n"]))
    settings_: dict[str, Any] = {"name": name}
    for key, choices in {
        "db": ["sqlite", "postgres", "oracle"],
        "auth": ["jwt", "none", 7],
        "deploy": ["docker,k8s", "none", ["helm"]],
    }.items():
        if draw(st.booleans()):
            settings_[key] = draw(st.sampled_from(choices))
    settings_["resources"] = [
        {"name": draw(words), "fields": " ".join(shlex.quote(t) for t in draw(fields))}
        for _ in range(draw(st.integers(0, 2)))
    ]
    for resource in settings_["resources"]:
        if draw(st.integers(0, 3)) == 0:
            resource["plural"] = draw(words)
    return yaml.safe_dump(settings_, allow_unicode=True)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backendkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        timeout=120,
        check=False,
    )


def _snapshot(root: Path) -> dict[str, str]:
    """Every path below ROOT with a hash of its content (directories too)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
        for p in sorted(root.rglob("*"))
    }


def _venv_for(project: Path) -> Venv:
    return ensure_venv(requirements_of(project))


def _assert_outcome(
    result: subprocess.CompletedProcess[str], before: dict[str, str], after: dict[str, str]
) -> bool:
    """True when the command succeeded; a refusal must be one clean line that wrote nothing."""
    shown = f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode in {0, 2}, shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    if result.returncode == 2:
        assert after == before, f"a refused command wrote files:\n{shown}"
        event("refused")
        return False
    event("made a project")
    return True


def _assert_project_works(project: Path) -> None:
    venv = _venv_for(project)
    built = run_tool(
        venv, project, "-c", "import app.main as m; m.create_app()", timeout=120, APP_ENV="test"
    )
    assert built.returncode == 0, f"{project}: the app does not build:\n{built.stderr[-3000:]}"
    for command in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        ruff = run_tool(venv, project, "-m", "ruff", *command, timeout=120)
        assert ruff.returncode == 0, f"{project}: ruff {command[0]}:\n{ruff.stdout[-3000:]}"


@pytest.fixture(scope="module")
def base_project() -> Iterator[Path]:
    """A project to add resources to, copied for each case."""
    with tempfile.TemporaryDirectory() as tmp:
        result = _run(
            ["new", "base", "--crud", "--auth", "none", "--no-git", "--defaults"], Path(tmp)
        )
        assert result.returncode == 0, result.stderr
        yield Path(tmp) / "base"


_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    # Each case runs the CLI and the project's tools: shrinking would take many minutes, and
    # the case as generated is reported whole.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@seed(SEED)
@_SETTINGS
@given(
    name=service_names,
    tokens=fields,
    as_one_string=st.booleans(),
    auth=st.sampled_from(["none", "jwt"]),
    db=st.sampled_from(["sqlite", "postgres"]),
)
def test_new_makes_a_working_project_or_refuses_cleanly(
    name: str, tokens: list[str], as_one_string: bool, auth: str, db: str
) -> None:
    field_args = ["--fields", shlex.join(tokens)] if as_one_string and tokens else tokens
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        args = ["new", name, "--crud", "--auth", auth, "--db", db, "--no-git", "--defaults"]
        result = _run([*args, *field_args], workspace)
        if _assert_outcome(result, {}, _snapshot(workspace)):
            (project,) = workspace.iterdir()
            _assert_project_works(project)


@seed(SEED)
@_SETTINGS
@given(data=st.data(), name=st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True))
def test_new_from_a_config_file_makes_a_working_project_or_refuses_cleanly(
    data: st.DataObject, name: str
) -> None:
    text = data.draw(config_files(name))
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        (workspace / "service.yml").write_text(text)
        before = _snapshot(workspace)
        result = _run(["new", name, "--config", "service.yml", "--no-git", "--defaults"], workspace)
        if _assert_outcome(result, before, _snapshot(workspace)):
            _assert_project_works(workspace / name)


@seed(SEED)
@_SETTINGS
@given(
    resource=words,
    tokens=fields,
    options=st.lists(st.sampled_from(["--owned", "--soft-delete"]), max_size=2, unique=True),
    plural=st.one_of(st.none(), words),
)
def test_add_resource_makes_a_working_project_or_changes_nothing(
    base_project: Path, resource: str, tokens: list[str], options: list[str], plural: str | None
) -> None:
    if plural is not None:
        options = [*options, "--plural", plural]
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "base"
        shutil.copytree(base_project, project)
        before = _snapshot(project)
        result = _run(["add", "resource", resource, *tokens, *options], project)
        if _assert_outcome(result, before, _snapshot(project)):
            _assert_project_works(project)
