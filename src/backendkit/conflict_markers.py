"""Conflict markers as ``update`` leaves them (``git merge-file``): a file holding them does not
parse, so ``check`` fails on it."""

from __future__ import annotations


def has_conflict_markers(content: bytes) -> bool:
    """Whether CONTENT holds a conflict block as update writes one: a ``<<<<<<< `` line, then a
    ``=======`` line, then a ``>>>>>>> `` line (one of them alone is ordinary text: a Markdown
    heading is underlined with ``=======``)."""
    if b"<<<<<<< " not in content:
        return False  # the common case, without splitting every file into lines
    expected = (b"<<<<<<< ", b"=======", b">>>>>>> ")
    step = 0
    for line in content.splitlines():
        marker = expected[step]
        if (line == marker) if marker == b"=======" else line.startswith(marker):
            step += 1
            if step == len(expected):
                return True
    return False
