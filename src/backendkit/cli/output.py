"""Consoles for command output: rich on a terminal, plain otherwise; NO_COLOR honoured."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

# A table row: (text, style) per cell.
Row = Sequence[tuple[str, str]]


@cache
def console() -> Console:
    """Standard output (rich reads NO_COLOR and TERM itself)."""
    return _console(stderr=False)


@cache
def error_console() -> Console:
    """Standard error."""
    return _console(stderr=True)


def _console(*, stderr: bool) -> Console:
    """A console that prints text as given: no emoji codes (``email:email:unique`` stays
    literal) and, off a terminal, no hard wrap (a piped diff must stay an applicable patch).
    Markup is for backendkit's own text: user text goes in with ``markup=False`` or escaped."""
    from rich.console import Console

    out = Console(stderr=stderr, highlight=False, emoji=False)
    out.soft_wrap = not out.is_terminal
    return out


class PlainReport:
    """Report output for pipes and CI logs: plain lines, no styling, no rich import."""

    def line(self, text: str, style: str = "") -> None:
        print(text)

    def rule(self, title: str) -> None:
        print(f"--- {title} ---")

    def table(self, title: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        cells = [list(columns), *[[text for text, _ in row] for row in rows]]
        widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
        print(title)
        for row in cells:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


class RichReport:
    """Report output on a terminal: styled lines and a table."""

    def line(self, text: str, style: str = "") -> None:
        console().print(text, style=style or None, markup=False, highlight=False)

    def rule(self, title: str) -> None:
        from rich.text import Text

        console().rule(Text(title))

    def table(self, title: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title)
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*(Text(text, style=style) for text, style in row))
        console().print(table)


def report_output() -> PlainReport | RichReport:
    """Rich on a terminal, plain otherwise (CI logs, pipes)."""
    return RichReport() if sys.stdout.isatty() else PlainReport()
