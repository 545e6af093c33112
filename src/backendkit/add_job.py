"""Add a job to a project with a broker: a module of app/jobs/ (long-running work the worker
runs) and its test, both the user's from the start (written once, never recorded, never
changed by backendkit)."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from backendkit.errors import UsageError
from backendkit.project import Project
from backendkit.seeded_files import require_broker, seed_folder, write_seeded

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
PACKAGE = "app/jobs"
TESTS = "tests/jobs"


@dataclass(frozen=True)
class JobAddition:
    """The files a new job brings (relative paths and their text)."""

    files: dict[str, str]


def _check_name(name: str) -> None:
    if not NAME.match(name) or name.endswith("_") or "__" in name:
        raise UsageError(f"job name {name!r}: expected a snake_case name, e.g. send_invoice")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name.startswith("test"):
        raise UsageError(f"job name {name!r}: a Python keyword or a test's name; choose another")


def add_job(project: Project, name: str, *, dry_run: bool = False) -> JobAddition:
    """Write the module of job NAME and its test into PROJECT."""
    _check_name(name)
    require_broker(project)
    module, test = f"{PACKAGE}/{name}.py", f"{TESTS}/test_{name}.py"
    for path in (module, test):
        if (project.root / path).exists():
            raise UsageError(f"refusing to overwrite {path}: a job named {name} exists")
    folder, environment = seed_folder(project, "job")
    files = {
        module: environment.get_template("job.py.jinja").render(name=name),
        test: environment.get_template("test_job.py.jinja").render(name=name),
    }
    if not (project.root / PACKAGE / "__init__.py").exists():
        files[f"{PACKAGE}/__init__.py"] = (folder / "package_init.py").read_text()
    if not (project.root / TESTS / "__init__.py").exists():
        files[f"{TESTS}/__init__.py"] = ""
    if not dry_run:
        write_seeded(project.root, files)
    return JobAddition(files)
