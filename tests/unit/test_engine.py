from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.engine import RenderedFile, load_template, write_tree
from backendkit.errors import BackendkitError
from tests.helpers import build_file_tree, tree

COPIER_YML = """\
_subdirectory: project
_envops: {trim_blocks: true, lstrip_blocks: true}
_exclude: ["*.pyc"]
_backendkit:
  name: demo
  version: "1.2.3"
  seeded: ["README.md"]
  local: [".env"]
"""


@pytest.fixture
def template_root(tmp_path: Path) -> Path:
    root = tmp_path / "tpl"
    build_file_tree(
        root,
        {
            "copier.yml": COPIER_YML,
            "project/README.md.jinja": "# {{ title }}\n",
            "project/static.txt": "{{ not rendered }}\n",
            "project/{{ package }}/__init__.py.jinja": '"""{{ package }}."""\n',
            "project/{% if docker %}Dockerfile{% endif %}.jinja": "FROM python\n",
            "project/{% if docker %}deploy{% endif %}/app.yml": "kind: Deployment\n",
            "project/.env.jinja": "SECRET={{ secret }}\n",
            "project/skip.pyc": "binary",
            "project/.ruff_cache/0.1/123": "cache",
            "project/pkg/__pycache__/x.cpython-311.pyc": "cache",
        },
    )
    return root


def render(root: Path, **context: object) -> dict[str, RenderedFile]:
    values = {"title": "Demo", "package": "pkg", "docker": False, "secret": "s", **context}
    return {f.path: f for f in load_template(root).render("project", values)}


def test_renders_names_contents_and_conditionals(template_root: Path) -> None:
    files = render(template_root)
    assert set(files) == {"README.md", "static.txt", "pkg/__init__.py", ".env"}
    assert files["README.md"].content == b"# Demo\n"
    assert files["static.txt"].content == b"{{ not rendered }}\n"
    with_docker = render(template_root, docker=True)
    assert {"Dockerfile", "deploy/app.yml"} <= set(with_docker)


def test_ownership_classes(template_root: Path) -> None:
    files = render(template_root)
    assert files["README.md"].ownership == "seeded"
    assert files[".env"].ownership == "local"
    assert files["pkg/__init__.py"].ownership == "managed"


def test_template_metadata(template_root: Path) -> None:
    template = load_template(template_root)
    assert (template.name, template.version) == ("demo", "1.2.3")


def test_undefined_variable_names_the_file(template_root: Path) -> None:
    (template_root / "project/broken.txt.jinja").write_text("{{ missing }}\n")
    with pytest.raises(BackendkitError, match=r"broken.txt.jinja.*'missing' is undefined"):
        render(template_root)


def test_unsafe_rendered_name_is_refused(template_root: Path) -> None:
    with pytest.raises(BackendkitError, match="unsafe"):
        render(template_root, package="..")


def test_directory_without_copier_yml_is_not_a_template(tmp_path: Path) -> None:
    with pytest.raises(BackendkitError, match=r"no copier\.yml"):
        load_template(tmp_path)


def _file(path: str, text: str = "x") -> RenderedFile:
    return RenderedFile(path, text.encode(), "managed")


def test_new_directory_is_written_whole(tmp_path: Path) -> None:
    write_tree(tmp_path / "out", [_file("a.txt"), _file("b/c.txt")])
    assert tree(tmp_path / "out") == {"a.txt", "b/c.txt"}


def test_failure_leaves_no_new_directory(tmp_path: Path) -> None:
    # "a" is a file and then a directory: the second write fails half-way.
    with pytest.raises(OSError):
        write_tree(tmp_path / "out", [_file("ok.txt"), _file("a"), _file("a/b")])
    assert list(tmp_path.iterdir()) == []


def test_failure_leaves_an_existing_directory_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_file_tree(out, {"a": "mine\n", "keep.txt": "mine\n"})
    with pytest.raises(OSError):
        write_tree(out, [_file("new/x.txt"), _file("a", "theirs"), _file("a/b")])
    assert tree(out) == {"a", "keep.txt"}
    assert (out / "a").read_text() == "mine\n"


def test_existing_directory_only_given_files_change(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_file_tree(out, {"a.txt": "old\n", "mine.txt": "mine\n"})
    write_tree(out, [_file("a.txt", "new\n"), _file("d/e.txt")])
    assert (out / "a.txt").read_text() == "new\n"
    assert (out / "mine.txt").read_text() == "mine\n"
    assert tree(out) == {"a.txt", "mine.txt", "d/e.txt"}
