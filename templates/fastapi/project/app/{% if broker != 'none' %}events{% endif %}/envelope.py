"""The event envelope: a CloudEvents 1.0 event in its JSON format.

The correlation id (the request id of the HTTP request that caused the event) and the
version of the data's schema travel as the CloudEvents extensions ``correlationid`` and
``schemaversion``; ``subject`` is the id of the row the event is about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.ids import uuid7_text
from app.core.types import utcnow

SCHEMA_VERSION = "1.0"


def new_event_id() -> str:
    """A fresh, time-ordered event id."""
    return f"evt_{uuid7_text()}"


class CloudEvent(BaseModel):
    """One event as it travels between services."""

    # Extensions other producers add are kept (CloudEvents allows any).
    model_config = ConfigDict(frozen=True, extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=new_event_id, min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    subject: str | None = None
    time: dt.datetime = Field(default_factory=utcnow)
    datacontenttype: str = "application/json"
    data: dict[str, Any] = Field(default_factory=dict)
    correlationid: str | None = None
    schemaversion: str = SCHEMA_VERSION

    def to_json(self) -> dict[str, Any]:
        """The event as the JSON object that goes on the wire (absent attributes left out)."""
        return self.model_dump(mode="json", exclude_none=True)
