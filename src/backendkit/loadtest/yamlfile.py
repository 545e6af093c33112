"""Read a small YAML file into a pydantic model; a problem is one line naming its file line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from backendkit.errors import UsageError

ModelT = TypeVar("ModelT", bound=BaseModel)


def load_model(path: Path, model: type[ModelT], *, wrap_list: str | None = None) -> ModelT:
    """PATH parsed as MODEL; a top-level list is taken as the field WRAP_LIST when given."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"cannot read {path}: it is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise UsageError(f"{path}{line}: not valid YAML: {exc.problem or exc}") from None
    if wrap_list and isinstance(data, list):
        data = {wrap_list: data}
        prefix: tuple[str | int, ...] = (wrap_list,)
    else:
        prefix = ()
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])[len(prefix) :] if loc_starts(error["loc"], prefix) else ()
        line_number = _line_of(node, loc)
        where = ".".join(str(part) for part in error["loc"]) or "file"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise UsageError(f"{path}:{line_number}: {where}: {message}") from None


def loc_starts(loc: Sequence[str | int], prefix: tuple[str | int, ...]) -> bool:
    """Whether a pydantic error location begins with PREFIX."""
    return tuple(loc[: len(prefix)]) == prefix


def _line_of(node: yaml.Node | None, loc: Sequence[str | int]) -> int:
    # The deepest node the location reaches; an unknown key points at its mapping.
    if node is None:
        return 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    child = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1
