"""Per-line ignore comments: ``# backendkit-lint: ignore[rule-a, rule-b]`` (or all rules)."""

from __future__ import annotations

import ast
import re

_COMMENT = re.compile(r"#\s*backendkit-lint:\s*ignore(?:\[(?P<rules>[^\]]*)\])?")
ALL = "*"


def ignored_rules(source: str) -> dict[int, set[str]]:
    """Line number -> rules ignored there (ALL for a bare ignore)."""
    found: dict[int, set[str]] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        match = _COMMENT.search(line)
        if match:
            rules = match["rules"]
            found[number] = {r.strip() for r in rules.split(",")} if rules else {ALL}
    return found


def statement_spans(source: str) -> list[tuple[int, int]]:
    """(first, last) lines of every simple statement and every ``with`` block."""
    spans: list[tuple[int, int]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt) and not isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.If
        ):
            spans.append((node.lineno, node.end_lineno or node.lineno))
    return spans


def is_ignored(
    rule: str, line: int | None, ignores: dict[int, set[str]], spans: list[tuple[int, int]]
) -> bool:
    """Does a comment on LINE, or on the statement around it, ignore RULE?"""
    if line is None:
        return False
    inner = min(
        (span for span in spans if span[0] <= line <= span[1]),
        key=lambda s: s[1] - s[0],
        default=(line, line),
    )
    return any(
        rule in rules or ALL in rules
        for number, rules in ignores.items()
        if inner[0] <= number <= inner[1]
    )
