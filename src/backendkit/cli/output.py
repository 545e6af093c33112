"""Consoles for command output: rich on a terminal, plain otherwise; NO_COLOR honoured."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@cache
def console() -> Console:
    """Standard output (rich reads NO_COLOR and TERM itself)."""
    from rich.console import Console

    return Console(highlight=False)


@cache
def error_console() -> Console:
    """Standard error."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)
