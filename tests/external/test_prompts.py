"""On a terminal, ``new --template`` asks the questions --data leaves open, as Copier asks them:
help text, defaults rendered from earlier answers, choices, validators, ``when``, secrets
hidden. Driven through a real pseudo-terminal; the project equals ``copier copy``'s with the
same answers given as data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.external.template_repo import build_template_repo
from tests.external.terminal import CLEAR_LINE, DOWN, ENTER, Terminal
from tests.external.test_template_new_update import copier, data_args, tree


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template_repo(tmp_path_factory.mktemp("tpl") / "service-template")


def test_questions_are_asked_on_a_terminal(template_repo: Path, tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    terminal = Terminal(
        [sys.executable, "-m", "backendkit", "new", str(ours), "--template", str(template_repo),
         "--data", "port=9000", "--no-git"],
        cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    try:
        terminal.expect("The project's name")  # the help text stands for the question
        terminal.expect("demo")  # its default, editable
        terminal.send(CLEAR_LINE + "not valid" + ENTER)
        terminal.expect("must be an identifier")  # the validator's message; asked again
        terminal.send(CLEAR_LINE + "shop" + ENTER)
        terminal.expect("sqlite")  # port was given with --data: not asked
        terminal.expect("postgres")
        terminal.send(DOWN + ENTER)
        terminal.expect("db.shop")  # asked (when: db is postgres), default from the answers
        terminal.send(ENTER)
        terminal.expect("api_key")
        terminal.send(CLEAR_LINE + "s3cret" + ENTER)
        terminal.expect("log_level")
        terminal.send(ENTER)
        terminal.expect("wrote ")
    finally:
        status = terminal.wait()
    assert status == 0, terminal.text
    assert "s3cret" not in terminal.text and "port (int)" not in terminal.text

    theirs = tmp_path / "theirs"
    answers = ["project_name=shop", "port=9000", "db=postgres", "db_host=db.shop",
               "api_key=s3cret", "log_level=info"]  # fmt: skip
    copier("copy", "--defaults", *data_args(answers), str(template_repo), str(theirs))
    assert tree(ours) == tree(theirs)
    assert b"API_KEY=s3cret" in tree(ours)["settings.env"]
