"""A GitHub Actions job's ``run`` steps, read from the workflow file and run as shell scripts.

The test of a job runs exactly what the YAML says, so the two cannot drift apart. What this
runner stands in for is narrow and explicit: ``actions/checkout`` (the test runs in the
project's directory) and ``actions/setup-python`` (the test puts a fresh virtual
environment's ``python`` first on PATH). Any other action, or any ``${{ }}`` expression other
than a plain ``${{ vars.NAME }}`` (or ``${{ github.NAME }}``, given as ``github.NAME``) in an
``env`` value, fails the test instead of being guessed.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

STOOD_IN_FOR = ("actions/checkout@", "actions/setup-python@")
VARIABLE = re.compile(r"^\$\{\{\s*(vars|github)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
# What GitHub runs for `shell: bash`.
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]


class UnsupportedStep(AssertionError):
    """The job holds something this runner cannot reproduce faithfully."""


@dataclass(frozen=True)
class Step:
    name: str
    script: str
    env: dict[str, str]


@dataclass(frozen=True)
class StepResult:
    step: Step
    returncode: int
    output: str


def _env(values: Mapping[str, Any] | None, variables: Mapping[str, str]) -> dict[str, str]:
    resolved = {}
    for key, value in (values or {}).items():
        text = str(value)
        if "${{" in text:
            match = VARIABLE.match(text.strip())
            if not match:
                raise UnsupportedStep(f"env {key}: cannot evaluate {text!r}")
            context, name = match.groups()
            key_name = name if context == "vars" else f"github.{name}"
            text = variables.get(key_name, "")  # an unset variable is empty on GitHub
        resolved[key] = text
    return resolved


def job_steps(
    workflow: Path, job: str, variables: Mapping[str, str], only: str | None = None
) -> list[Step]:
    """The ``run`` steps of JOB in WORKFLOW, with the env each step sees (workflow, job and
    step ``env``, repository VARIABLES substituted); ONLY: just the step of that name."""
    flow = yaml.safe_load(workflow.read_text())
    shell = flow.get("defaults", {}).get("run", {}).get("shell")
    if shell != "bash":
        raise UnsupportedStep(f"the workflow's default shell is {shell!r}, not bash")
    spec = flow["jobs"][job]
    base = {**_env(flow.get("env"), variables), **_env(spec.get("env"), variables)}
    steps = []
    for index, step in enumerate(spec["steps"]):
        name = step.get("name", f"step {index + 1}")
        if only is not None and name != only:
            continue
        if "uses" in step:
            if not step["uses"].startswith(STOOD_IN_FOR):
                raise UnsupportedStep(f"{name}: no stand-in for {step['uses']}")
            continue
        script = step["run"]
        if "${{" in script or "shell" in step or "if" in step or "working-directory" in step:
            raise UnsupportedStep(f"{name}: expressions, shells or conditions are not run here")
        steps.append(Step(name, script, {**base, **_env(step.get("env"), variables)}))
    if only is not None and not steps:
        raise UnsupportedStep(f"{workflow} job {job} has no step named {only!r}")
    return steps


def as_shell_script(steps: list[Step]) -> str:
    """STEPS as one readable script (for a failure message or to run by hand)."""
    parts = []
    for step in steps:
        exports = "".join(f"export {k}={_quote(v)}\n" for k, v in step.env.items())
        parts.append(f"# {step.name}\n{exports}{step.script.rstrip()}\n")
    return "\n".join(parts)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\"'\"'") + "'"


def run_steps(steps: list[Step], cwd: Path, env: Mapping[str, str]) -> list[StepResult]:
    """Run STEPS in order as GitHub does (each its own bash -eo pipefail script), stopping at
    the first that fails; ENV is the runner's environment under the steps' own."""
    results = []
    with tempfile.TemporaryDirectory() as scripts:
        for index, step in enumerate(steps):
            path = Path(scripts) / f"step{index}.sh"
            path.write_text(step.script)
            done = subprocess.run(
                [*BASH, str(path)],
                cwd=cwd,
                env={**env, **step.env},
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
            results.append(StepResult(step, done.returncode, done.stdout + done.stderr))
            if done.returncode != 0:
                break
    return results
