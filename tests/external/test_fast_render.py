"""backendkit's own render of a Copier template equals ``copier copy``'s, file for file, across
tags and answers; a template outside what it supports goes to Copier, with the same result."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from backendkit.external.fast_render import fast_render
from backendkit.external.template_files import Unsupported
from tests.external.template_repo import build_template_repo
from tests.external.test_template_new_update import backendkit, copier, data_args, layout, tree


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template_repo(tmp_path_factory.mktemp("tpl") / "service-template")


@pytest.mark.parametrize(
    ("ref", "answers"),
    [
        ("v1.0.0", []),
        ("v2.0.0", ["db=sqlite", "log_level=debug", "port=81"]),
        (None, ["project_name=billing", "db=postgres", "db_host=db.internal"]),
    ],
)
def test_own_render_equals_copier_copy(
    template_repo: Path, tmp_path: Path, ref: str | None, answers: list[str]
) -> None:
    target = tmp_path / "svc"
    pinned = ["--vcs-ref", ref] if ref else []
    copier("copy", "--defaults", *pinned, *data_args(answers), str(template_repo), str(target))
    data = dict(answer.split("=", 1) for answer in answers)
    render = fast_render(str(template_repo), data, ref, target.name)
    assert {f.path: f.content for f in render["files"]} == tree(target)
    assert render["directories"] == [p for p, kind in layout(target).items() if kind == "dir"]
    assert render["describe"] == (ref or "v2.0.0")


def test_an_unsupported_template_is_rendered_by_copier(tmp_path: Path) -> None:
    template = tmp_path / "tpl"
    template.mkdir()
    (template / "copier.yml").write_text("ports:\n  type: yaml\n  default: [80, 443]\n")
    (template / "ports.txt.jinja").write_text("{{ ports | join(',') }}\n")
    with pytest.raises(Unsupported):
        fast_render(str(template), {}, None, "p")
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    assert backendkit("new", str(ours), "--template", str(template), "--no-git").returncode == 0
    copier("copy", "--defaults", str(template), str(theirs))
    assert tree(ours) == tree(theirs) == {"ports.txt": b"80,443\n"}


def test_a_git_url_is_cloned_and_rendered_by_backendkit(
    template_repo: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "service-template.git"
    subprocess.run(["git", "clone", "--bare", "-q", str(template_repo), str(bare)], check=True)
    url = f"file://{bare}"
    theirs = tmp_path / "theirs"
    copier("copy", "--defaults", "--vcs-ref", "v1.1.0", url, str(theirs))
    render = fast_render(url, {}, "v1.1.0", theirs.name)
    assert {f.path: f.content for f in render["files"]} == tree(theirs)
    assert render["describe"] == "v1.1.0"
    ours = tmp_path / "ours"
    result = backendkit("new", str(ours), "--template", f"{url}@v1.1.0", "--no-git")
    assert result.returncode == 0, result.stderr
    assert "check passed" in backendkit("check", str(ours), "--no-migrations").stdout


LINKS_TEMPLATE = """\
_preserve_symlinks: true
_exclude: ["copier.yml", ".git", "*.bak"]
name:
  type: str
  default: app
"""


def _links_template(root: Path) -> Path:
    """A template keeping its links: to a file, to a directory, with a templated target; and
    a directory left empty (its only file excluded)."""
    (root / "src").mkdir(parents=True)
    (root / "copier.yml").write_text(LINKS_TEMPLATE)
    (root / "src/app.txt").write_text("the app\n")
    (root / "current.txt").symlink_to("src/app.txt")
    (root / "{{ name }}-link.jinja").symlink_to("src/{{ name }}.txt")
    (root / "lib").symlink_to("src")
    (root / "var/log").mkdir(parents=True)
    (root / "var/log/rotate.bak").write_text("excluded\n")
    return root


@pytest.mark.parametrize("in_git", [False, True])
def test_empty_directories_and_kept_links_as_copier_writes_them(
    tmp_path: Path, in_git: bool
) -> None:
    template = _links_template(tmp_path / "tpl")
    if in_git:
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "v1"], ["tag", "v1.0.0"]):
            subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                           cwd=template, check=True, capture_output=True)  # fmt: skip
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    copier("copy", "--defaults", str(template), str(theirs))
    result = backendkit("new", str(ours), "--template", str(template), "--no-git")
    assert result.returncode == 0, result.stderr
    expected = {"app-link": "-> src/app.txt", "current.txt": "-> src/app.txt", "lib": "-> src",
                "src": "dir", "var": "dir", "var/log": "dir"}  # fmt: skip
    assert layout(ours) == layout(theirs) == expected
    assert tree(ours) == tree(theirs)
    render = fast_render(str(template), {}, None, "theirs")  # backendkit's engine made it
    assert render["directories"] == ["src", "var", "var/log"]
    assert render["symlinks"] == {k: v[3:] for k, v in expected.items() if v != "dir"}
    assert "check passed" in backendkit("check", str(ours), "--no-migrations").stdout
