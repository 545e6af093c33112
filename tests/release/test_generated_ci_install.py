"""The generated CI's template job, run from its own YAML against a generated project: it
installs backendkit from the source the team controls (by default the exact version the state
file records; BACKENDKIT_PIP_SPEC overrides it) and runs backendkit check. backendkit comes from
a wheel built from this checkout and served from a local directory, with ``--no-index`` so that
nothing else can provide it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backendkit import __version__
from backendkit.config import ServiceConfig
from backendkit.generate import new_service
from tests.dist import Dist, dependency_wheels, fresh_venv, isolated_pip_env
from tests.release.workflow_steps import StepResult, as_shell_script, job_steps, run_steps

WORKFLOW = ".github/workflows/ci.yml"
JOB = "template"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated") / "orders"
    config = ServiceConfig.model_validate(
        {"name": "orders", "resources": [{"name": "order", "fields": "ref:str(20)"}]}
    )
    new_service(config, root)
    return root


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(generated, tmp_path / "orders", symlinks=True))


@pytest.fixture(scope="module")
def local_index(backendkit_dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding only backendkit's wheel (pip --find-links)."""
    directory = tmp_path_factory.mktemp("local-index")
    shutil.copy2(backendkit_dist.wheel, directory)
    return directory


@pytest.fixture(scope="module")
def dependencies(backendkit_dist: Dist) -> Path:
    return dependency_wheels(backendkit_dist.wheel)


def run_template_job(
    project: Path, venv_dir: Path, variables: dict[str, str], **pip: str
) -> list[StepResult]:
    steps = job_steps(project / WORKFLOW, JOB, variables)
    assert [s.name for s in steps] == ["Install backendkit", "backendkit check"], steps
    return run_steps(steps, project, isolated_pip_env(fresh_venv(venv_dir), **pip))


def report(results: list[StepResult]) -> str:
    return as_shell_script([r.step for r in results]) + "\n".join(
        f"--- {r.step.name} (exit {r.returncode})\n{r.output}" for r in results
    )


def assert_job_passed(results: list[StepResult], venv_dir: Path, source: str) -> None:
    """Both steps passed, and pip took backendkit from SOURCE (a path or URL prefix)."""
    assert len(results) == 2 and all(r.returncode == 0 for r in results), report(results)
    install, check = results
    taken = [
        line
        for line in install.output.splitlines()
        if line.startswith("Processing ") and f"backendkit-{__version__}-" in line
    ]
    assert len(taken) == 1 and source in taken[0], install.output
    assert f"backendkit {__version__}\n" in install.output, install.output
    assert (venv_dir / "bin/backendkit").is_file()
    assert "check passed" in check.output, check.output


def test_default_source_is_the_recorded_version(
    project: Path, tmp_path: Path, local_index: Path, dependencies: Path
) -> None:
    state = (project / ".backendkit/state.yml").read_text()
    assert f"\nbackendkit: {__version__}\n" in state
    results = run_template_job(
        project,
        tmp_path / "venv",
        variables={},
        NO_INDEX="1",
        FIND_LINKS=f"{local_index} {dependencies}",
    )
    assert_job_passed(results, tmp_path / "venv", source=str(local_index))


def test_override_with_a_wheel_in_the_repository(
    project: Path, tmp_path: Path, backendkit_dist: Dist, dependencies: Path
) -> None:
    tools = project / "tools"
    tools.mkdir()
    shutil.copy2(backendkit_dist.wheel, tools)
    spec = f"./tools/{backendkit_dist.wheel.name}"
    # No source of backendkit but the wheel the variable names.
    results = run_template_job(
        project,
        tmp_path / "venv",
        variables={"BACKENDKIT_PIP_SPEC": spec},
        NO_INDEX="1",
        FIND_LINKS=str(dependencies),
    )
    assert_job_passed(results, tmp_path / "venv", source=spec)


def test_override_with_an_internal_index(
    project: Path, tmp_path: Path, backendkit_dist: Dist, dependencies: Path
) -> None:
    # A PEP 503 simple index with backendkit alone, as a team's internal index would serve it.
    package = tmp_path / "simple/backendkit"
    package.mkdir(parents=True)
    shutil.copy2(backendkit_dist.wheel, package)
    name = backendkit_dist.wheel.name
    (package / "index.html").write_text(f'<html><body><a href="{name}">{name}</a></body></html>')
    spec = f"backendkit=={__version__} --index-url {(tmp_path / 'simple').as_uri()}"
    results = run_template_job(
        project,
        tmp_path / "venv",
        variables={"BACKENDKIT_PIP_SPEC": spec},
        FIND_LINKS=str(dependencies),  # the dependencies; backendkit only from the index
    )
    assert_job_passed(results, tmp_path / "venv", source=str(package))


def test_a_version_that_cannot_be_installed_says_what_to_set(
    project: Path, tmp_path: Path, dependencies: Path
) -> None:
    results = run_template_job(
        project, tmp_path / "venv", variables={}, NO_INDEX="1", FIND_LINKS=str(dependencies)
    )
    assert len(results) == 1 and results[0].returncode != 0, report(results)
    lines = [line for line in results[0].output.splitlines() if "BACKENDKIT_PIP_SPEC" in line]
    assert len(lines) == 1, results[0].output
    (line,) = lines
    assert line.startswith("::error::"), line
    assert f"backendkit {__version__} (recorded in .backendkit/state.yml)" in line
    assert "set the repository variable BACKENDKIT_PIP_SPEC" in line


def test_the_job_is_what_this_test_runs(generated: Path) -> None:
    """The workflow's template job is the two steps above, run with bash; a step this test
    cannot run would fail job_steps, never be skipped."""
    steps = job_steps(generated / WORKFLOW, JOB, {"BACKENDKIT_PIP_SPEC": "x"})
    assert steps[0].env["BACKENDKIT_PIP_SPEC"] == "x"
    assert "backendkit check" in steps[-1].script


def test_readme_installs_from_the_same_source(generated: Path) -> None:
    """The README's local install reads the recorded version exactly as the job does, and
    names the same override."""
    (install, _check) = job_steps(generated / WORKFLOW, JOB, {})
    (recorded,) = [line.strip() for line in install.script.splitlines() if "recorded=" in line]
    readme = (generated / "README.md").read_text()
    assert f"\n{recorded}\n" in readme
    assert "${BACKENDKIT_PIP_SPEC:-backendkit==$recorded}" in readme
    assert '"${BACKENDKIT_PIP_SPEC:-backendkit==$recorded}"' in install.script
