"""``new --template``, ``check`` and ``update --ref`` on a Copier template in a git repository,
compared with Copier's own ``copy`` and ``update`` on the same answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from backendkit.external.fast_render import fast_render
from tests.external.template_repo import build_template_repo, commit_all

ANSWERS = ["project_name=shop", "db=postgres", "port=9000", "api_key=s3cret"]
MARKERS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")


def backendkit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "backendkit", *args],
        cwd=cwd, capture_output=True, text=True, env=env, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def copier(*args: str, cwd: Path | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "copier", *args],
        cwd=cwd, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def tree(root: Path) -> dict[str, bytes]:
    """Every file below ROOT but git's and backendkit's own, by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in {".git", ".backendkit"}
    }


def layout(root: Path) -> dict[str, str]:
    """Every directory and symbolic link below ROOT but git's and backendkit's own."""
    return {
        p.relative_to(root).as_posix(): f"-> {os.readlink(p)}" if p.is_symlink() else "dir"
        for p in sorted(root.rglob("*"))
        if (p.is_symlink() or p.is_dir())
        and p.relative_to(root).parts[0] not in {".git", ".backendkit"}
    }


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template_repo(tmp_path_factory.mktemp("tpl") / "service-template")


def data_args(answers: list[str]) -> list[str]:
    return [arg for answer in answers for arg in ("--data", answer)]


def test_new_is_byte_identical_to_copier_copy_and_check_reads_it(
    template_repo: Path, tmp_path: Path
) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    result = backendkit("new", str(ours), "--template", f"{template_repo}@v1.1.0",
                        *data_args(ANSWERS), "--no-git")  # fmt: skip
    assert result.returncode == 0, result.stderr
    copier("copy", "--defaults", "--vcs-ref", "v1.1.0", *data_args(ANSWERS),
           str(template_repo), str(theirs))  # fmt: skip
    assert tree(ours) == tree(theirs)
    assert layout(ours) == layout(theirs) == {"cache": "dir", "docs": "dir", "src": "dir"}
    assert "scratch.bak" not in tree(ours) and "src/shop.py" in tree(ours)
    assert tree(ours)["docs/notes.md"] == b"Your notes.\n"  # the link, followed
    # backendkit's own engine rendered it (Copier is the fallback), byte for byte the same.
    data = dict(answer.split("=", 1) for answer in ANSWERS)
    fast = fast_render(str(template_repo), data, "v1.1.0", "theirs")
    assert {f.path: f.content for f in fast["files"]} == tree(theirs)
    assert fast["directories"] == ["cache", "docs", "src"] and fast["symlinks"] == {}

    state = yaml.safe_load((ours / ".backendkit/state.yml").read_text())
    assert state["source"]["url"] == str(template_repo)
    assert state["source"]["ref"] == "v1.1.0" and len(state["source"]["commit"]) == 40
    assert state["template"] == {"name": "service-template", "version": "1.1.0"}
    assert state["answers"] == {"project_name": "shop", "port": 9000, "db": "postgres",
                                "db_host": "db.shop"}  # fmt: skip
    assert "s3cret" not in (ours / ".backendkit/state.yml").read_text()
    assert state["files"]["NOTES.md"]["ownership"] == "seeded"  # _skip_if_exists
    assert state["files"]["settings.env"]["ownership"] == "seeded"  # holds the secret

    clean = backendkit("check", str(ours), "--json", "--no-migrations")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (ours / "src/shop.py").write_text("drifted\n")
    drifted = backendkit("check", str(ours), "--json", "--no-migrations")
    assert drifted.returncode == 1
    report = json.loads(drifted.stdout)
    failing = [f["path"] for f in report["files"] if f["failing"]]
    assert failing == ["src/shop.py"]


def _edit(project: Path) -> None:
    """The same user edits on both projects: one merges, one conflicts, one is in a file the
    template drops."""
    app = project / "src/shop.py"
    app.write_text(app.read_text() + "\n\ndef extra() -> int:\n    return 42  # user line\n")
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("make run.", "make run-dev.  # user line"))
    legacy = project / "legacy.txt"
    legacy.write_text(legacy.read_text() + "tuned=yes  # user line\n")


def _lines(files: dict[str, bytes]) -> set[tuple[str, str]]:
    return {
        (path, line)
        for path, content in files.items()
        if path != ".copier-answers.yml"
        for line in content.decode().splitlines()
        if line.strip() and not line.startswith(MARKERS)
    }


def test_update_keeps_every_line_copier_keeps_and_those_it_loses(
    template_repo: Path, tmp_path: Path
) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    assert backendkit("new", str(ours), "--template", f"{template_repo}@v1.0.0",
                      *data_args(ANSWERS), "--no-git").returncode == 0  # fmt: skip
    copier("copy", "--defaults", "--vcs-ref", "v1.0.0", *data_args(ANSWERS),
           str(template_repo), str(theirs))  # fmt: skip
    for project in (ours, theirs):
        commit_all(project, "generated")
        _edit(project)
        commit_all(project, "user edits")

    result = backendkit("update", "--path", str(ours), "--ref", "v2.0.0", "--json")
    copier("update", "--defaults", "--vcs-ref", "v2.0.0", "--data", "api_key=s3cret",
           cwd=theirs)  # fmt: skip

    assert result.returncode == 1, result.stderr  # the README conflicts
    plan = json.loads(result.stdout)
    assert plan["conflicts"] == ["README.md"]
    ours_files, theirs_files = tree(ours), tree(theirs)
    assert layout(theirs).items() <= layout(ours).items()  # Copier's update drops cache/
    lost = _lines(theirs_files) - _lines(ours_files)
    assert not lost, f"lines Copier keeps and backendkit lost: {sorted(lost)}"
    assert ("legacy.txt", "tuned=yes  # user line") in _lines(ours_files) - _lines(theirs_files)
    assert b"return 42  # user line" in ours_files["src/shop.py"]
    assert ours_files["src/shop.py"].startswith(b'"""The shop service."""')  # v1.1.0's line
    answers = yaml.safe_load(ours_files[".copier-answers.yml"])
    assert answers["_commit"] == "v2.0.0" and answers["log_level"] == "info"

    state = yaml.safe_load((ours / ".backendkit/state.yml").read_text())
    assert state["source"]["ref"] == "v2.0.0" and state["template"]["version"] == "2.0.0"
    assert "legacy.txt" not in state["files"]


def test_update_to_an_older_tag_is_refused(template_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert backendkit("new", str(project), "--template", f"{template_repo}@v1.1.0",
                      "--no-git").returncode == 0  # fmt: skip
    result = backendkit("update", "--path", str(project), "--ref", "v1.0.0")
    assert result.returncode == 2 and "newer than" in result.stderr
