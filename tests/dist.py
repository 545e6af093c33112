"""backendkit's own distributions for the tests: built once per session, and a cached
directory of their dependencies' wheels so that a fresh virtual environment installs them with
``--no-index`` (proving where backendkit itself came from).

The dependency wheels live in ``$BACKENDKIT_TEST_CACHE`` (tests/e2e/venv.py), keyed by the
interpreter and the wheel's declared requirements, and are fetched with pip's usual
configuration the first time only.
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
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

from tests.e2e.venv import cache_root

REPOSITORY = Path(__file__).resolve().parents[1]
_COMPLETE = ".backendkit-complete"


@dataclass(frozen=True)
class Dist:
    """A built sdist and wheel of this checkout."""

    directory: Path
    wheel: Path
    sdist: Path


def build_dist(out: Path) -> Dist:
    """The sdist, then the wheel built from it (python -m build, without isolation: the dev
    extra holds the build backend), in OUT."""
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPOSITORY)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("backendkit-*.whl")
    (sdist,) = out.glob("backendkit-*.tar.gz")
    return Dist(out, wheel, sdist)


def requirements_of(wheel: Path) -> list[str]:
    """The Requires-Dist lines of WHEEL's metadata (no extras)."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(archive.read(name).decode())
    return sorted(r for r in metadata.get_all("Requires-Dist", []) if "extra ==" not in r)


def dependency_wheels(wheel: Path) -> Path:
    """A directory holding a wheel of every runtime dependency of WHEEL (not WHEEL itself)."""
    requirements = requirements_of(wheel)
    identity = {
        "python": platform.python_implementation() + platform.python_version(),
        "platform": sys.platform + platform.machine(),
        "requirements": requirements,
    }
    key = hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:16]
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    directory = root / f"wheelhouse-{key}"
    if (directory / _COMPLETE).is_file():
        return directory
    with (root / f"{directory.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory / _COMPLETE).is_file():
            shutil.rmtree(directory, ignore_errors=True)
            result = subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(directory),
                 *requirements],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if result.returncode != 0:
                raise RuntimeError(f"pip wheel failed:\n{result.stdout}\n{result.stderr}")
            (directory / _COMPLETE).write_text("\n".join(requirements) + "\n")
    return directory


def isolated_pip_env(venv: Path, **pip: str) -> dict[str, str]:
    """The environment of a CI step run with VENV's python first on PATH (what setup-python
    gives a job): no machine pip configuration, no checkout on the import path, and the
    PIP_* settings given (e.g. NO_INDEX="1", FIND_LINKS="dir1 dir2")."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "BACKENDKIT_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_COMPILE="1",  # no bytecode for the dependencies: seconds a test
        NO_COLOR="1",
    )
    env.update({f"PIP_{key}": value for key, value in pip.items()})
    return env


def fresh_venv(path: Path) -> Path:
    """A new virtual environment at PATH with pip and nothing else: a copy of one made once and
    cached (a venv holds no absolute path but its interpreter's, and ``python -m pip`` runs
    from the copy; creating one with ensurepip costs seconds)."""
    identity = platform.python_implementation() + platform.python_version() + sys.executable
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    pristine = root / f"pristine-venv-{key}"
    if not (pristine / _COMPLETE).is_file():
        with (root / f"{pristine.name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (pristine / _COMPLETE).is_file():
                shutil.rmtree(pristine, ignore_errors=True)
                subprocess.run(
                    [sys.executable, "-m", "venv", str(pristine)], check=True, capture_output=True
                )
                (pristine / _COMPLETE).write_text(identity + "\n")
    shutil.copytree(pristine, path, symlinks=True, ignore=shutil.ignore_patterns(_COMPLETE))
    return path
