"""Offset and keyset (cursor) pagination and whitelisted sorting for list endpoints."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel

from app.core.errors import BadRequestError
from app.core.schemas import CamelModel, ErrorDetail, Pagination
from app.core.types import PlainStr

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Deep offsets are slow and can overflow; nobody pages this far by hand.
MAX_PAGE = 100_000
# Offset pages count the matching rows up to this many, no further: a count reads every row
# it counts, and page 1 of a large table must not read the table (docs/resources.md).
COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class PageParams:
    """Which page of a list was asked for (limit already capped)."""

    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    def describe(self, total: int, *, has_more: bool, exact: bool) -> Pagination:
        return Pagination(
            page=self.page, limit=self.limit, total=total, has_more=has_more, total_is_exact=exact
        )


class ListQuery(CamelModel):
    """The query of a list endpoint; each resource adds its equality filters."""

    # A mistyped filter is a 400 naming it, never the whole list unfiltered.
    model_config = ConfigDict(extra="forbid")

    page: int = Field(default=1, ge=1, le=MAX_PAGE, description="1-based page number")
    limit: int = Field(
        default=DEFAULT_LIMIT,
        ge=1,
        description=f"Items per page; more than {MAX_LIMIT} means {MAX_LIMIT}",
    )
    sort: PlainStr | None = Field(
        default=None,
        max_length=200,
        description="Comma-separated columns, '-' for descending, e.g. -created_at",
    )
    cursor: PlainStr | None = Field(
        default=None,
        max_length=2000,
        # What the service issues: base64url JSON, a dot, base64url signature (or empty).
        pattern=r"^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?$",
        description=(
            "Keyset pagination: send it empty (?cursor=) for the first page, then the "
            "previous page's nextCursor. Replaces page; stable while rows are added."
        ),
    )

    @property
    def page_params(self) -> PageParams:
        return PageParams(page=self.page, limit=min(self.limit, MAX_LIMIT))

    def filters(self) -> dict[str, Any]:
        """The equality filters given (every field except paging and sorting)."""
        return self.model_dump(exclude_none=True, exclude={"page", "limit", "sort", "cursor"})


@dataclass(frozen=True)
class SortKey:
    column: str
    descending: bool


@lru_cache(maxsize=256)
def _spellings(allowed: tuple[str, ...]) -> dict[str, str]:
    """Each ALLOWED column by its own name and by its JSON key (line_2 and line2 alike)."""
    return {**{to_camel(column): column for column in allowed}, **{c: c for c in allowed}}


def sort_field(columns: Collection[str]) -> Any:
    """The ``sort`` parameter of a list over COLUMNS, its whole rule stated in the schema."""
    spellings = sorted(_spellings(tuple(columns)), key=lambda name: (-len(name), name))
    key = "-?(" + "|".join(re.escape(name) for name in spellings) + ")"
    longest = ",".join("-" + max(_spellings((column,)), key=len) for column in columns)
    return Field(
        default=None,
        pattern=f"^({key}(,{key})*)?$",
        # Every column once, each at its longest spelling, fits; repeats may not grow it.
        max_length=max(len(longest), 200),
        description=(
            "Comma-separated columns (snake_case or camelCase), '-' for descending, "
            f"e.g. -{sorted(columns)[0]}; empty means the default order"
        ),
    )


def parse_sort(value: str | None, allowed: Collection[str], default: str) -> list[SortKey]:
    """Parse ``?sort=-created_at,name`` against the ALLOWED columns (camelCase accepted too)."""
    spellings = _spellings(tuple(allowed))
    keys: list[SortKey] = []
    for item in (value or default).split(","):
        descending = item.startswith("-")
        column = spellings.get(item.removeprefix("-"))
        if column is None:
            choices = ", ".join(sorted(allowed))
            raise _bad_sort(f"cannot sort by {item!r}; use one of {choices}")
        # A repeated column cannot change the order: the first one decides, as in SQL.
        if all(key.column != column for key in keys):
            keys.append(SortKey(column=column, descending=descending))
    return keys


def _bad_sort(message: str) -> BadRequestError:
    return BadRequestError("The request is not valid", [ErrorDetail(field="sort", message=message)])
