"""The release process: this repository's workflows validate offline, the release workflow
publishes by trusted publishing only, scripts/check-dist passes a good build and fails one
without its templates, and the versions, the changelog and --version agree."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from backendkit import __version__
from backendkit.config import ServiceConfig
from backendkit.drift import FileState, check_project
from backendkit.generate import new_service
from backendkit.project import Project
from backendkit.templates import get_template
from tests.deploy import validators
from tests.dist import Dist, dependency_wheels, isolated_pip_env
from tests.release.workflow_steps import job_steps, run_steps

REPOSITORY = Path(__file__).resolve().parents[2]
WORKFLOWS = REPOSITORY / ".github/workflows"
RELEASE = WORKFLOWS / "release.yml"
PINNED_ACTION = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_STEP = "The tag is the package's version, with its changelog entry"


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def test_repository_workflows_pass_the_github_workflow_schemas() -> None:
    workflows = sorted(WORKFLOWS.glob("*.yml"))
    assert {w.name for w in workflows} >= {"ci.yml", "release.yml"}
    validators.check_jsonschema("vendor.github-workflows", workflows)
    validators.check_jsonschema("custom.github-workflows-require-timeout", workflows)


def test_release_runs_on_version_tags_and_publishes_without_a_token() -> None:
    flow = load(RELEASE)
    # PyYAML reads the `on` key as True.
    assert flow[True] == {"push": {"tags": ["v*"]}}
    assert flow["permissions"] == {"contents": "read"}
    build, publish = flow["jobs"]["build"], flow["jobs"]["publish"]
    script = "\n".join(step.get("run", "") for step in build["steps"])
    for command in ("python -m build", "scripts/check-dist dist"):
        assert command in script, command
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    (upload,) = [s for s in publish["steps"] if "gh-action-pypi-publish" in s.get("uses", "")]
    assert upload["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert "with" not in upload, "trusted publishing: no password, no token"
    assert "secrets." not in RELEASE.read_text()
    for job in flow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert PINNED_ACTION.match(step["uses"].split(" ")[0]), step["uses"]


def version_check(tmp_path: Path, tag: str, changelog: str) -> tuple[int, str]:
    """The release workflow's version step, run from its YAML on a copy of the version files."""
    (tmp_path / "src/backendkit").mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPOSITORY / "pyproject.toml", tmp_path)
    shutil.copy2(REPOSITORY / "src/backendkit/__init__.py", tmp_path / "src/backendkit")
    (tmp_path / "CHANGELOG.md").write_text(changelog)
    steps = job_steps(RELEASE, "build", {"github.ref_name": tag}, only=VERSION_STEP)
    env = {
        **os.environ,
        "PATH": f"{Path(os.sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    (result,) = run_steps(steps, tmp_path, env)
    return result.returncode, result.output


def test_release_refuses_a_tag_that_is_not_the_version(tmp_path: Path) -> None:
    dated = f"## [{__version__}] - 2030-01-31\n"
    code, output = version_check(tmp_path, "v99.0.0", dated)
    assert code == 1
    assert output.strip().splitlines() == [
        f"::error::tag v99.0.0, pyproject.toml {__version__} and backendkit.__version__ "
        f"{__version__} must agree (docs/release.md)"
    ]


def test_release_needs_a_dated_changelog_section(tmp_path: Path) -> None:
    code, output = version_check(tmp_path, f"v{__version__}", "## [Unreleased]\n")
    assert code == 1
    assert "CHANGELOG.md has no" in output
    code, output = version_check(tmp_path, f"v{__version__}", f"## [{__version__}] - 2030-01-31\n")
    assert (code, output) == (0, "")


def test_versions_agree_and_the_changelog_is_kept() -> None:
    pyproject = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == __version__
    changelog = (REPOSITORY / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## \[([^\]]+)\](.*)$", changelog, re.MULTILINE)
    assert (headings and headings[0][0] == "Unreleased") or headings[0][0] == __version__
    for name, rest in headings[1:]:
        assert re.fullmatch(r" - \d{4}-\d{2}-\d{2}", rest), (name, rest)
    # The release notes name the template version this release ships.
    template = get_template("fastapi")
    assert f"template fastapi {template.version}" in changelog.lower()


def test_a_tool_release_with_the_same_template_passes_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Policy (docs/release.md): a backendkit patch release renders managed files exactly as
    the recorded one did, so a project's check passes with it; only seeded files name the
    tool's version, and only --strict reports them."""
    root = tmp_path / "svc"
    config = {"name": "svc", "resources": [{"name": "item", "fields": "label:str"}]}
    new_service(ServiceConfig.model_validate(config), root)
    monkeypatch.setattr("backendkit.context.__version__", "99.0.1")
    report = check_project(Project.find(root))
    assert not report.failed, [(f.path, f.state) for f in report.files if f.failing]
    changed = {f.path: f.ownership for f in report.files if f.state != FileState.UNCHANGED}
    assert set(changed.values()) <= {"seeded"}, changed


@pytest.fixture(scope="module")
def pip_env(backendkit_dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pip, offline: the dependencies from the cached wheels, nothing from an index."""
    unused = tmp_path_factory.mktemp("no-venv")
    dependencies = dependency_wheels(backendkit_dist.wheel)
    env = isolated_pip_env(unused, NO_INDEX="1", FIND_LINKS=str(dependencies))
    env["PATH"] = os.environ["PATH"]
    env["PYTHON"] = sys.executable
    return env


def check_dist(dist: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPOSITORY / "scripts/check-dist"), str(dist)],
        cwd=REPOSITORY, env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip


def test_check_dist_passes_this_build(backendkit_dist: Dist, pip_env: dict[str, str]) -> None:
    result = check_dist(backendkit_dist.directory, pip_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"backendkit {__version__}\ntemplate fastapi" in result.stdout
    assert "check passed" in result.stdout


def test_check_dist_fails_a_wheel_without_a_template_file(
    backendkit_dist: Dist, pip_env: dict[str, str], tmp_path: Path
) -> None:
    shutil.copy2(backendkit_dist.sdist, tmp_path)
    dropped = "backendkit/templates/fastapi/copier.yml"
    with (
        zipfile.ZipFile(backendkit_dist.wheel) as source,
        zipfile.ZipFile(tmp_path / backendkit_dist.wheel.name, "w") as target,
    ):
        for item in source.infolist():
            if item.filename != dropped:
                target.writestr(item, source.read(item))
    result = check_dist(tmp_path, pip_env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "the wheel lacks 1 template files" in result.stdout
    assert "fresh virtual environment" not in result.stdout
