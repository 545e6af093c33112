"""One virtual environment for generated projects, built once per dependency set and shared.

It lives in ``$BACKENDKIT_TEST_CACHE`` (default ``~/.cache/backendkit-tests``), keyed by a hash
of the interpreter, the generated ``pyproject.toml``'s dependencies and the pins of the
template's ``uv.lock``, so it is rebuilt only when those change. pip installs exactly the
versions that lock pins (as constraints): the generated projects' tests run on the versions a
generated project ships with (scripts/refresh-template-lock). A file lock keeps concurrent test
runs from building the same one twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_COMPLETE = ".backendkit-complete"


def cache_root() -> Path:
    configured = os.environ.get("BACKENDKIT_TEST_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "backendkit-tests"


def requirements_of(project: Path) -> list[str]:
    """Runtime and ``dev`` requirements declared by the project's pyproject.toml."""
    data = tomllib.loads((project / "pyproject.toml").read_text())
    declared = data["project"]
    return [*declared["dependencies"], *declared["optional-dependencies"]["dev"]]


def template_lock_pins() -> list[str]:
    """``name==version`` for every package of the template's uv.lock (its widest answer set)."""
    from jinja2 import Environment

    template = Path(__file__).resolve().parents[2] / "templates/fastapi/project/uv.lock.jinja"
    env = Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    lock = env.from_string(template.read_text())
    pins: set[str] = set()
    # The broker answers exclude one another: the widest set is their union.
    for broker in ("rabbitmq", "nats", "redis"):
        widest = {"auth": "jwt", "api": ("rest", "graphql"), "broker": broker, "project_name": "-"}
        packages = tomllib.loads(lock.render(**widest))["package"]
        pins.update(f"{p['name']}=={p['version']}" for p in packages if p["name"] != "-")
    return sorted(pins)


def environment_key(requirements: list[str]) -> str:
    identity = {
        "python": platform.python_implementation() + platform.python_version(),
        "platform": sys.platform,
        "requirements": sorted(requirements),
        "pins": template_lock_pins(),
    }
    return hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Venv:
    """A built environment; tools run as ``python -m TOOL`` so paths never matter."""

    root: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    @property
    def mypy_cache(self) -> Path:
        # Shared by every generated project: third-party modules are checked once.
        return self.root / "mypy-cache"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_venv(requirements: list[str]) -> Venv:
    """The environment for REQUIREMENTS, built with pip on first use."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    venv = Venv(root / f"venv-{environment_key(requirements)}")
    if (venv.root / _COMPLETE).is_file():
        return venv
    with _locked(root / f"{venv.root.name}.lock"):
        if (venv.root / _COMPLETE).is_file():
            return venv
        # Scripts in a venv embed its absolute path, so it is built in place; the marker
        # written last says it is whole, and an unfinished one is started over.
        shutil.rmtree(venv.root, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv.root)])
        constraints = root / f"{venv.root.name}.constraints.txt"
        constraints.write_text("\n".join(template_lock_pins()) + "\n")
        _run([str(venv.python), "-m", "pip", "install", "--quiet", "-c", str(constraints),
              *requirements])  # fmt: skip
        (venv.root / _COMPLETE).write_text("\n".join(sorted(requirements)) + "\n")
    return venv


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
