"""One shared environment for generated services of every broker answer.

Their dependencies differ only in FastStream's extras (the broker's client): one environment
with all three installs once what three would install thrice.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.venv import Venv, ensure_venv, requirements_of

_FASTSTREAM = re.compile(r"^faststream\[[a-z,]+\]")


def events_venv(project: Path) -> Venv:
    """The environment of PROJECT (a service with a broker), shared across brokers."""
    requirements = [
        _FASTSTREAM.sub("faststream[nats,rabbit,redis]", r) for r in requirements_of(project)
    ]
    return ensure_venv(requirements)
