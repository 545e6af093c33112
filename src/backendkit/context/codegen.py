"""Lay generated Python out exactly as ruff formats it, so generated code is lint-clean."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# The generated project's ruff line length: generated code is laid out the way ruff would.
LINE_LENGTH = 100


@dataclass(frozen=True)
class Call:
    """A call or bracketed literal, rendered the way ruff format lays it out."""

    head: str
    args: tuple[str | Call, ...]
    open: str = "("
    close: str = ")"

    def inline(self) -> str:
        return f"{self.head}{self.open}{', '.join(inline(a) for a in self.args)}{self.close}"

    def render(self, indent: int = 0, tail: str = "") -> str:
        """One line if it fits; else the arguments on one indented line; else one per line."""
        pad = " " * indent
        flat = f"{pad}{self.inline()}{tail}"
        if len(flat) <= LINE_LENGTH or not self.args:
            return flat
        inner = " " * (indent + 4)
        hugged = inner + ", ".join(inline(a) for a in self.args)
        is_call = self.open == "(" and not self.head.endswith((" ", "="))
        single_param_def = len(self.args) == 1 and self.head.lstrip().startswith(
            ("def ", "async def ")
        )
        if len(hugged) <= LINE_LENGTH and is_call and not single_param_def:
            return f"{pad}{self.head}{self.open}\n{hugged}\n{pad}{self.close}{tail}"
        lines = [f"{pad}{self.head}{self.open}"]
        for arg in self.args:
            if isinstance(arg, Call):
                lines.append(arg.render(indent + 4, ","))
            else:
                lines.append(f"{inner}{arg},")
        lines.append(f"{pad}{self.close}{tail}")
        return "\n".join(lines)


def inline(arg: str | Call) -> str:
    return arg.inline() if isinstance(arg, Call) else arg


def render_call(head: str, args: Iterable[str], indent: int = 0, tail: str = "") -> str:
    """Templates' entry to Call: ``{{ render_call("foo", [...], 4) }}``."""
    return Call(head, tuple(args)).render(indent, tail)


def render_collection(
    head: str, items: Iterable[str], indent: int = 0, brackets: str = "[]"
) -> str:
    """A list, tuple, set or dict literal after HEAD (e.g. ``NAMES = ``), laid out as ruff does."""
    return Call(head, tuple(items), brackets[0], brackets[1]).render(indent)


def python_imports(wanted: Mapping[str, bool]) -> str:
    """The import block for the WANTED lines (``import x`` / ``from x import a``), isort-style.

    Sections: ``__future__``, standard library, third party, first party (``app``, ``tests``),
    each sorted as ruff's isort does, long ``from`` imports wrapped one name per line.
    """
    plain: dict[str, set[str]] = {}
    members: dict[str, set[str]] = {}
    for line, include in wanted.items():
        if not include:
            continue
        if line.startswith("from "):
            module, imported = line[5:].split(" import ")
            members.setdefault(module, set()).update(n.strip() for n in imported.split(","))
        else:
            statement = line.removeprefix("import ")
            plain.setdefault(statement.split(" as ")[0], set()).add(line)
    sections: dict[int, list[str]] = {}
    for module, lines in plain.items():
        sections.setdefault(_section(module), []).extend(
            f"0{module.lower()}\t{line}" for line in lines
        )
    for module, names in members.items():
        ordered = sorted(names, key=_member_key)
        statement = f"from {module} import {', '.join(ordered)}"
        if len(statement) > LINE_LENGTH:
            wrapped = "".join(f"    {n},\n" for n in ordered)
            statement = f"from {module} import (\n{wrapped})"
        sections.setdefault(_section(module), []).append(f"1{module.lower()}\t{statement}")
    blocks = [
        "\n".join(entry.split("\t", 1)[1] for entry in sorted(sections[key]))
        for key in sorted(sections)
    ]
    return "\n\n".join(blocks)


def _section(module: str) -> int:
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    if top in sys.stdlib_module_names:
        return 1
    if top in {"app", "tests"}:
        return 3
    return 2


def _member_key(name: str) -> tuple[int, str]:
    if len(name) > 1 and name.isupper():
        return (0, name.lower())
    if name[:1].isupper():
        return (1, name.lower())
    return (2, name.lower())


def py_str(value: str) -> str:
    """VALUE as a Python string literal in ruff's preferred quotes."""
    if '"' in value and "'" not in value:
        return repr(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
