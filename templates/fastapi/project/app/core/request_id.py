"""The current request's id, readable anywhere while the request is handled."""

from __future__ import annotations

import re
from contextvars import ContextVar

from app.core.ids import uuid7_text

HEADER = "X-Request-ID"
# A client's id is echoed only when it is short and plain: it ends up in logs and headers.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id_var: ContextVar[str] = ContextVar("request_id", default="")


def new_request_id(incoming: str | None) -> str:
    """The client's X-Request-ID when acceptable, else a fresh one."""
    if incoming and _ACCEPTABLE.match(incoming):
        return incoming
    return uuid7_text()


def current_request_id() -> str:
    return request_id_var.get()
