"""``backendkit check`` compares models and migrations when the project's Python is there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.venv import Venv
from tests.migrate.support import run
from tests.migrate.test_migrate import add_barcode


def _check(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BACKENDKIT_PROJECT_PYTHON"}
    return subprocess.run(
        [sys.executable, "-m", "backendkit", "check", "--json", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**env, "NO_COLOR": "1"},
        check=False,
    )


def test_without_a_project_environment_the_step_is_skipped_and_fast(product: Path) -> None:
    started = time.perf_counter()
    result = _check(product)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stdout
    step = json.loads(result.stdout)["migrations"]
    assert step["status"] == "skipped"
    assert "no project environment" in step["reason"]
    # The whole check, interpreter start-up included, stays quick without an environment.
    assert elapsed < 3.0
    assert "migrations" not in json.loads(_check(product, "--no-migrations").stdout)


@pytest.mark.e2e
def test_check_fails_when_models_and_migrations_disagree(product: Path, shared_venv: Venv) -> None:
    agree = run(product, shared_venv, "check", "--json")
    assert agree.returncode == 0, agree.stdout
    assert json.loads(agree.stdout)["migrations"]["status"] == "in-sync"

    add_barcode(product)  # models are managed files: check without migrations fails on the edit
    disagree = run(product, shared_venv, "check", "--json")
    assert disagree.returncode == 1
    step = json.loads(disagree.stdout)["migrations"]
    assert step["status"] == "differ"
    assert any("products.barcode" in d for d in step["differences"])

    assert run(product, shared_venv, "migrate", "add_barcode").returncode == 0
    after = json.loads(run(product, shared_venv, "check", "--json").stdout)
    assert after["migrations"]["status"] == "in-sync"
