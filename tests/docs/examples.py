"""The console examples of README.md and docs/, read as the pages say they run.

A fenced ``console`` block is preceded by one HTML comment that says how it is checked:

- ``<!-- replay -->``: its ``$`` lines run, in order, in the page's own fresh directory (the
  directory and the working directory a ``cd`` leaves carry over to the page's next block);
- ``<!-- replay after: SHELL -->``: SHELL runs first, unseen by the reader (a project to stand
  in), then the block as above;
- ``<!-- not replayed: REASON -->``: the block needs what a test machine has not (a server, the
  network, a checkout); REASON says what, and its ``backendkit`` calls still parse.

A ``$`` line exits 0 unless its trailing comment says otherwise (``# exit 1 ...``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(
    r"^(?:<!--\s*(?P<mark>.*?)\s*-->\n)?```console\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL
)
EXPECTED_EXIT = re.compile(r"#\s*exits?\s+(\d+)\b")


@dataclass(frozen=True)
class Command:
    line: str
    expected_exit: int


@dataclass(frozen=True)
class Block:
    page: Path
    mark: str
    commands: tuple[Command, ...]

    @property
    def replayed(self) -> bool:
        return self.mark == "replay" or self.mark.startswith("replay after:")

    @property
    def setup(self) -> str:
        return self.mark.removeprefix("replay after:").strip() if self.mark != "replay" else ""


def commands_of(body: str) -> tuple[Command, ...]:
    """The ``$`` lines of a block's BODY, continuation lines joined."""
    commands = []
    for line in body.replace("\\\n", " ").splitlines():
        if line.startswith("$ "):
            found = EXPECTED_EXIT.search(line)
            commands.append(Command(line[2:], int(found.group(1)) if found else 0))
    return tuple(commands)


def blocks_of(page: Path) -> list[Block]:
    return [
        Block(page, (match["mark"] or "").strip(), commands_of(match["body"]))
        for match in BLOCK.finditer(page.read_text())
    ]


def all_blocks() -> list[Block]:
    return [block for page in PAGES for block in blocks_of(page)]


INLINE = re.compile(r"(?<!`)`(backendkit [^`]+)`(?!`)")
PLACEHOLDER = re.compile(r"\[|\.\.\.|\||<|\b[A-Z][A-Z_]{2,}\b")


def inline_commands(page: Path) -> list[str]:
    """``backendkit ...`` code spans of PAGE's prose that are whole commands, not synopses
    with placeholders (``NAME``, ``[--opt]``, ``...``)."""
    text = re.sub(r"^```.*?^```", "", page.read_text(), flags=re.MULTILINE | re.DOTALL)
    spans = (" ".join(match.split()) for match in INLINE.findall(text))
    return [span for span in spans if not PLACEHOLDER.search(span)]
