"""check, update and add never reach outside the project, and refuse a state they cannot trust."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import run_cli

STATE = ".backendkit/state.yml"
BASELINE = ".backendkit/baseline.zip"
# Each command as a user runs it: update with a changed answer, so that it would write.
COMMANDS = {
    "check": ("check",),
    "update": ("update", "--set", "cache=redis", "--allow-dirty"),
    "add": ("add", "resource", "tag", "label:str"),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    result = run_cli("new", "shop", "--crud", "--fields", "name:str", "--no-git", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "shop"


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    """A fresh copy of the generated project, with room beside it for files outside it."""
    copy = tmp_path / "work" / "shop"
    shutil.copytree(generated, copy, symlinks=True)
    return copy


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below ROOT (symbolic links not followed) and its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


def assert_refused(project: Path, command: str, outside: Path, message: str) -> None:
    """COMMAND exits 2 with one line naming MESSAGE; nothing changes in or outside the project."""
    before_outside, before_project = snapshot(outside), snapshot(project)
    result = run_cli(*COMMANDS[command], cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert snapshot(outside) == before_outside
    assert snapshot(project) == before_project


def add_record(project: Path, path: str, content: bytes) -> None:
    digest = hashlib.sha256(content).hexdigest()
    state = project / STATE
    text = state.read_text().replace(
        "files:\n", f"files:\n  {path}: {{sha256: {digest}, ownership: managed}}\n"
    )
    state.write_text(text)


@pytest.mark.parametrize("command", COMMANDS)
def test_state_path_climbing_out_of_the_project_is_refused(project: Path, command: str) -> None:
    victim = project.parent / "victim.txt"
    victim.write_bytes(b"not yours\n")
    add_record(project, "../victim.txt", victim.read_bytes())
    assert_refused(project, command, project.parent, "refusing '../victim.txt': it climbs out")
    assert victim.read_bytes() == b"not yours\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_absolute_state_path_is_refused(project: Path, command: str) -> None:
    victim = project.parent / "victim.txt"
    victim.write_bytes(b"not yours\n")
    add_record(project, str(victim), victim.read_bytes())
    assert_refused(project, command, project.parent, "it is absolute")


@pytest.mark.parametrize("command", COMMANDS)
def test_symlinked_directory_leading_outside_is_not_followed(project: Path, command: str) -> None:
    outside = project.parent / "elsewhere"
    shutil.move(project / "app/core", outside)
    (project / "app/core").symlink_to(outside, target_is_directory=True)
    assert_refused(project, command, outside, "a symbolic link leads outside the project")


@pytest.mark.parametrize("command", COMMANDS)
def test_symlinked_file_leading_outside_is_not_followed(project: Path, command: str) -> None:
    outside = project.parent / "elsewhere"
    outside.mkdir()
    shutil.move(project / "README.md", outside / "README.md")
    (project / "README.md").symlink_to(outside / "README.md")
    assert_refused(project, command, outside, "a symbolic link leads outside the project")


@pytest.mark.parametrize("command", COMMANDS)
def test_baseline_entry_climbing_out_is_refused(project: Path, command: str) -> None:
    with zipfile.ZipFile(project / BASELINE, "a") as archive:
        archive.writestr("../x", b"planted\n")
    assert_refused(project, command, project.parent, "refusing '../x'")
    assert not (project.parent / "x").exists()


def edit_state(project: Path, edit: Callable[[str], str]) -> None:
    state = project / STATE
    state.write_text(edit(state.read_text()))


@pytest.mark.parametrize("command", COMMANDS)
def test_newer_state_schema_asks_to_upgrade_backendkit(project: Path, command: str) -> None:
    edit_state(project, lambda t: t.replace("schema_version: 1", "schema_version: 99"))
    assert_refused(project, command, project.parent, "upgrade backendkit")
    assert "schema_version: 99" in (project / STATE).read_text()


@pytest.mark.parametrize("command", COMMANDS)
def test_malformed_template_version_is_refused(project: Path, command: str) -> None:
    edit_state(project, lambda t: t.replace("version: 0.", "version: x0.", 1))
    assert_refused(project, command, project.parent, "is not a version")


def recorded_template_version(project: Path) -> str:
    for line in (project / STATE).read_text().splitlines():
        if line.startswith("template:"):
            return line.split("version:")[1].strip(" }")
    raise AssertionError("no template line")


@pytest.mark.parametrize("command", ["update", "add"])
def test_older_template_than_recorded_is_refused(project: Path, command: str) -> None:
    installed = recorded_template_version(project)
    edit_state(project, lambda t: t.replace(f"version: {installed}", "version: 99.0.0", 1))
    assert_refused(
        project, command, project.parent, f"99.0.0, newer than the installed {installed}"
    )


def test_update_allow_downgrade_goes_back_to_the_installed_template(project: Path) -> None:
    installed = recorded_template_version(project)
    edit_state(project, lambda t: t.replace(f"version: {installed}", "version: 99.0.0", 1))
    result = run_cli("update", "--allow-downgrade", "--allow-dirty", cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"template fastapi 99.0.0 -> {installed}" in result.stdout
    assert recorded_template_version(project) == installed


def test_versions_compare_as_versions_not_text(project: Path) -> None:
    # 0.10.0 is newer than 0.9.0 although it sorts before it as text.
    from backendkit.errors import UsageError
    from backendkit.versions import refuse_downgrade

    refuse_downgrade("fastapi", "0.9.0", "0.10.0", allowed=False)
    with pytest.raises(UsageError, match="upgrade backendkit"):
        refuse_downgrade("fastapi", "0.10.0", "0.9.0", allowed=False)


def test_state_file_that_is_not_utf8_is_one_line(project: Path) -> None:
    (project / STATE).write_bytes(b"\xff\xfe schema_version: 1\n")
    for command in COMMANDS:
        assert_refused(project, command, project.parent, "is not UTF-8 text")


def test_writer_checks_every_path_again_at_use(project: Path) -> None:
    """A symbolic link planted after the state was loaded is still not written through."""
    from backendkit.engine import RenderedFile, write_tree
    from backendkit.errors import UsageError

    outside = project.parent / "elsewhere"
    outside.mkdir()
    (project / "app/planted").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UsageError, match="symbolic link leads outside"):
        write_tree(project, [RenderedFile("app/planted/x.py", b"x\n", "managed")])
    with pytest.raises(UsageError, match="climbs out"):
        write_tree(project, [RenderedFile("../x.py", b"x\n", "managed")])
    assert list(outside.iterdir()) == []
    assert not (project.parent / "x.py").exists()


@pytest.mark.parametrize(
    "path", ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/", "a\\b", "a\nb", "a\x7fb"]
)
def test_paths_that_are_not_plain_relative_paths_are_refused(path: str) -> None:
    from backendkit.safe_paths import path_problem

    assert path_problem(path) is not None


@pytest.mark.parametrize("path", ["app/main.py", ".github/workflows/ci.yml", "a..b/..c", "é.md"])
def test_plain_relative_paths_are_accepted(path: str) -> None:
    from backendkit.safe_paths import path_problem

    assert path_problem(path) is None


def test_file_the_system_cannot_read_is_one_line(project: Path) -> None:
    # A loop of symbolic links stays inside the project, but reading it fails in the OS.
    (project / "app/main.py").unlink()
    (project / "app/main.py").symlink_to("main.py")
    assert_refused(project, "check", project.parent, "Too many levels of symbolic links")
