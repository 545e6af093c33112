"""SRC[@REF]: where the ref starts, for local paths and the forms git takes."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.errors import UsageError
from backendkit.external.source import TemplateSource, parse_source, template_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://h.example/tpl.git@v1.2.0", TemplateSource("https://h.example/tpl.git", "v1.2.0")),
        ("git@github.com:acme/tpl.git", TemplateSource("git@github.com:acme/tpl.git")),
        ("git@h.example:acme/tpl.git@abc1", TemplateSource("git@h.example:acme/tpl.git", "abc1")),
        ("https://user@host.example/tpl.git", TemplateSource("https://user@host.example/tpl.git")),
        ("gh:acme/tpl@v2", TemplateSource("gh:acme/tpl", "v2")),
    ],
)  # fmt: skip
def test_remote_sources(text: str, expected: TemplateSource) -> None:
    assert parse_source(text) == expected


def test_local_source_is_resolved_and_a_missing_one_refused(tmp_path: Path) -> None:
    (tmp_path / "tpl").mkdir()
    assert parse_source(f"{tmp_path}/tpl@v1") == TemplateSource(str(tmp_path / "tpl"), "v1")
    with pytest.raises(UsageError, match="not found"):
        parse_source(str(tmp_path / "missing"))


def test_template_name() -> None:
    assert template_name("git@github.com:acme/service-template.git") == "service-template"
    assert template_name("/srv/templates/py svc/") == "py-svc"
