"""Instructions per request, generated service against raw ASGI + asyncpg: noise-free ratios.

Run: .venv/bin/python benchmarks/instructions.py [--requests 800] [--json FILE]
Needs valgrind (Debian: apt-get install valgrind) and PostgreSQL, as benchmarks/service.py.

The same project, database and seed rows as benchmarks/service.py; each case runs
benchmarks/service_apps/drive_asgi.py under ``valgrind --tool=callgrind``, which counts the
instructions of the measured requests only (start-up and a warm-up round are left out).
Counts repeat to about 0.1 % whatever else the machine is doing, so a change to the
template shows up here even when wrk's req/s figures are drowned by load. What it leaves
out: the HTTP server, the kernel, PostgreSQL's own work, and cache and branch effects.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import service as served

from tests.e2e.projects import project_env
from tests.e2e.venv import Venv, ensure_venv, requirements_of

DRIVER = Path(__file__).parent / "service_apps" / "drive_asgi.py"
_COLLECTED = re.compile(r"Collected : (\d+)")


def count(venv: Venv, cwd: Path, env: dict[str, str], argv: list[str]) -> int:
    """Instructions the measured round of DRIVER ARGV executes."""
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            [
                "valgrind", "--tool=callgrind", "--collect-atstart=no",
                "--toggle-collect=_PyEval_CallTracing",
                f"--callgrind-out-file={scratch}/callgrind.out",
                str(venv.python), str(DRIVER), *argv,
            ],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=1800, check=False,
        )  # fmt: skip
    found = _COLLECTED.search(result.stderr)
    if result.returncode != 0 or found is None:
        raise RuntimeError(f"{' '.join(argv[:2])} failed:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=800, help="per case, a multiple of 8")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        print("valgrind is not installed (Debian: apt-get install valgrind); nothing measured")
        return 0
    server = os.environ.get(
        "BACKENDKIT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    work = Path(tempfile.mkdtemp(prefix="bk-instructions-"))
    project = served.generate(work / "product")
    venv = ensure_venv(requirements_of(project))
    database = f"bk_instr_{secrets.token_hex(6)}"
    served.sql(venv, server, f'CREATE DATABASE "{database}"')
    dsn = server.rsplit("/", 1)[0] + f"/{database}"
    url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        env = project_env(project, DATABASE_URL=url, RATE_LIMIT_PER_MINUTE=str(10**12))
        migrated = subprocess.run(
            [str(venv.python), "-m", "alembic", "upgrade", "head"],
            cwd=project, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if migrated.returncode != 0:
            raise RuntimeError(migrated.stderr)
        ids = served.sql(
            venv,
            dsn,
            "INSERT INTO products (id, name, sku, price, created_at, updated_at) "
            "SELECT gen_random_uuid(), 'Lamp ' || g, 'SKU-' || g, 9.5 + g, now(), now() "
            f"FROM generate_series(1, {served.SEED_ROWS}) g",
            "SELECT id FROM products",
        )
        ids_file = work / "ids.json"
        ids_file.write_text(json.dumps(ids))
        raw_env = {**env, "PYTHONPATH": str(DRIVER.parent)}
        cases = {
            "raw get": (DRIVER.parent, raw_env, ["raw", "get"]),
            "service get": (project, env, ["service", "get"]),
            "service list": (project, env, ["service", "list"]),
        }
        per_request = {}
        for name, (cwd, case_env, argv) in cases.items():
            total = count(venv, cwd, case_env, [*argv, str(args.requests), url, str(ids_file)])
            per_request[name] = total / args.requests
            print(f"{name:<14}{per_request[name] / 1000:10,.0f} k instructions per request")
    finally:
        served.sql(venv, server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
    raw = per_request["raw get"]
    print()
    print(f"service get / raw get   {per_request['service get'] / raw:6.2f} x the instructions")
    print(f"service list / raw get  {per_request['service list'] / raw:6.2f} x the instructions")
    if args.json:
        args.json.write_text(json.dumps({"per_request": per_request}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
