"""Generated projects set up with uv from the uv.lock generation renders (without the network).

The lock agrees with pyproject.toml for every answer that changes the dependencies (auth, api), so
`uv sync --locked` (CI) accepts it; `uv sync --frozen` installs it and the project's own checks
pass in that environment; the Dockerfile's install step, run from its own text, gives an
environment that serves the app without the development tools; the README's pip path works.
uv fetches from PyPI the first time, then from a cache shared between runs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from backendkit.config import ServiceConfig
from backendkit.deploy import UV_VERSION
from backendkit.generate import new_service
from tests.e2e.venv import cache_root, template_lock_pins

RESOURCES = [{"name": "book", "fields": "title:str(200) pages:int:optional"}]


def uv() -> str:
    found = Path(sys.executable).parent / "uv"
    if not found.is_file():
        pytest.fail("uv is not installed: pip install -e '.[dev]'")
    return str(found)


def uv_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    env.update(UV_CACHE_DIR=str(cache_root() / "uv-cache"), UV_PYTHON=sys.executable, **extra)
    env["UV_PYTHON_DOWNLOADS"] = "never"
    return env


def run(command: list[str], cwd: Path, timeout: float = 600, **env: str) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=uv_env(**env), capture_output=True, text=True, timeout=timeout
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed ({result.returncode}):\n{output}"
    return output


def generate(parent: Path, name: str, **answers: object) -> Path:
    config = ServiceConfig.model_validate({"name": name, "resources": RESOURCES, **answers})
    root = parent / name
    new_service(config, root)
    return root


@pytest.mark.parametrize(
    ("auth", "api", "broker"),
    [
        ("jwt", "rest", "none"),
        ("none", "rest", "none"),
        ("jwt", "rest,graphql", "none"),
        ("none", "rest,graphql", "none"),
        ("jwt", "rest", "rabbitmq"),
        ("none", "rest,graphql", "nats"),
        ("none", "rest", "redis"),
    ],
)
def test_rendered_lock_is_what_uv_lock_writes(
    tmp_path: Path, auth: str, api: str, broker: str
) -> None:
    """--check fails unless the lock is exactly current for pyproject.toml; no network."""
    project = generate(
        tmp_path, "shelf_keeper", auth=auth, api=api.split(","), cache="redis", broker=broker
    )
    run([uv(), "lock", "--check", "--offline"], project)
    locked = tomllib.loads((project / "uv.lock").read_text())
    names = {package["name"] for package in locked["package"]}
    assert "shelf-keeper" in names
    assert ("pyjwt" in names) == (auth == "jwt")
    assert ("strawberry-graphql" in names) == ("graphql" in api)
    assert ("faststream" in names) == (broker != "none")
    assert ("aio-pika" in names) == (broker == "rabbitmq")
    assert ("nats-py" in names) == (broker == "nats")
    for package in locked["package"]:
        if package["name"] != "shelf-keeper":
            wheels = package.get("wheels", [])
            assert wheels or "sdist" in package, package["name"]
            assert all(w["hash"].startswith("sha256:") for w in wheels), package["name"]


def test_shared_test_environment_installs_the_lock_pins() -> None:
    """The generated projects' tests run on the versions the lock ships."""
    pins = dict(pin.split("==") for pin in template_lock_pins())
    assert pins["fastapi"] and pins["schemathesis"] == "4.32.5"


def test_uv_sync_frozen_installs_the_lock_and_the_project_checks_pass(tmp_path: Path) -> None:
    project = generate(tmp_path, "shelf")
    run([uv(), "sync", "--frozen", "--extra", "dev"], project)
    python = project / ".venv" / "bin" / "python"
    installed = run([uv(), "pip", "freeze", "--python", str(python)], project)
    pins = {pin.lower() for pin in template_lock_pins()}
    frozen = {line.lower() for line in installed.splitlines() if "==" in line}
    assert frozen <= pins, sorted(frozen - pins)
    for command in (["ruff", "check", "."], ["alembic", "upgrade", "head"], ["pytest", "-q", "-x"]):
        run([uv(), "run", "--frozen", "--extra", "dev", *command], project, timeout=900)


def dockerfile_uv_sync(dockerfile: Path) -> list[str]:
    text = dockerfile.read_text().replace("\\\n", " ")
    (line,) = [line for line in text.splitlines() if line.startswith("RUN") and "uv sync" in line]
    return line[line.index("uv sync") :].split()


def test_dockerfile_installs_the_lock_without_dev_tools(tmp_path: Path) -> None:
    project = generate(tmp_path, "shelf", deploy=["docker"])
    dockerfile = (project / "Dockerfile").read_text()
    assert f'"uv=={UV_VERSION}"' in dockerfile
    assert re.search(r"RUN --mount=type=cache,target=/root/\.cache/uv\s*\\\n\s*uv sync", dockerfile)
    # The build context of that step: what the Dockerfile copies before it.
    context = tmp_path / "build"
    context.mkdir()
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy2(project / name, context / name)
    venv = tmp_path / "opt-venv"
    command = dockerfile_uv_sync(project / "Dockerfile")
    assert command[:3] == ["uv", "sync", "--frozen"] and "--no-dev" in command
    run([uv(), *command[1:]], context, UV_PROJECT_ENVIRONMENT=str(venv))
    probe = "import app.main, opentelemetry.sdk, importlib.util as u; print(u.find_spec('pytest'))"
    out = run([str(venv / "bin" / "python"), "-c", probe], project, PYTHONPATH=str(project))
    assert out.strip() == "None"


def test_readme_pip_path_installs_the_project_and_its_tools(tmp_path: Path) -> None:
    """The README's 'Without uv' commands, as written."""
    project = generate(tmp_path, "shelf")
    readme = (project / "README.md").read_text()
    section = readme[readme.index("### Without uv") :]
    block = section[section.index("```bash\n") + 8 : section.index("```\n", 10)]
    install = block.splitlines()[0]
    assert install.startswith("python3 -m venv .venv && .venv/bin/pip install -e")
    result = subprocess.run(
        ["bash", "-c", install.replace("python3", sys.executable, 1)],
        cwd=project, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    check = [str(project / ".venv/bin/python"), "-c", "import app.main, pytest, ruff, mypy"]
    subprocess.run(check, cwd=project, check=True, timeout=120)
