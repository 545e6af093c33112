"""Every console block of README.md and docs/ is either replayed, as the page says it runs, or
says why it cannot be (tests/docs/examples.py gives the marks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.examples import ROOT, Block, all_blocks

BIN = Path(sys.executable).parent
REPLAYED_PAGES = sorted({block.page for block in all_blocks() if block.replayed})


def test_every_console_block_is_replayed_or_says_why_not() -> None:
    unmarked = [
        f"{block.page.relative_to(ROOT)}: {block.commands[0].line if block.commands else ''}"
        for block in all_blocks()
        if not block.replayed and not block.mark.startswith("not replayed:")
    ]
    assert not unmarked, "mark each with <!-- replay --> or <!-- not replayed: REASON -->"
    assert len(REPLAYED_PAGES) >= 4


@pytest.fixture(scope="module")
def project_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared environment of generated projects: `migrate` and `db lint` run Alembic in it."""
    from tests.e2e.venv import ensure_venv, requirements_of

    directory = tmp_path_factory.mktemp("docs-project")
    subprocess.run(
        [str(BIN / "backendkit"), "new", "user", "--crud", "--no-git", "--defaults"],
        cwd=directory, capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    return ensure_venv(requirements_of(directory / "user")).root / "bin" / "python"


def shell(command: str, cwd: Path, state: Path, python: Path) -> subprocess.CompletedProcess[str]:
    """COMMAND in bash from CWD; the directory it ends in is left in STATE for the next one."""
    script = f'{command}\nstatus=$?\npwd > "{state}"\nexit $status'
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "NO_COLOR": "1",
        "BACKENDKIT_PROJECT_PYTHON": str(python),
        "GIT_AUTHOR_NAME": "docs",
        "GIT_AUTHOR_EMAIL": "docs@example.com",
        "GIT_COMMITTER_NAME": "docs",
        "GIT_COMMITTER_EMAIL": "docs@example.com",
    }
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


def replay(blocks: list[Block], directory: Path, python: Path) -> None:
    state = directory.parent / f"{directory.name}.cwd"
    cwd = directory
    for block in blocks:
        steps = [(block.setup, 0)] if block.setup else []
        steps += [(command.line, command.expected_exit) for command in block.commands]
        for line, expected in steps:
            run = shell(line, cwd, state, python)
            where = f"{block.page.relative_to(ROOT)}: $ {line}"
            assert run.returncode == expected, f"{where}\n{run.stdout}{run.stderr}"
            cwd = Path(state.read_text().strip())


@pytest.mark.parametrize("page", REPLAYED_PAGES, ids=lambda page: page.name)
def test_page_examples_replay_in_a_fresh_directory(
    page: Path, tmp_path: Path, project_python: Path
) -> None:
    directory = tmp_path / "work"
    directory.mkdir()
    blocks = [block for block in all_blocks() if block.page == page and block.replayed]
    replay(blocks, directory, project_python)
