"""Every route kind at real table sizes: the generated service against an idiomatic peer.

Run: .venv/bin/python benchmarks/service_sizes.py [--runs 3] [--duration 5] [--json FILE]
     .venv/bin/python benchmarks/service_sizes.py --cases post,put,patch,delete
     .venv/bin/python benchmarks/service_sizes.py --cases cursor --cursor-depth 0,0.5,0.99
Needs wrk and PostgreSQL, like benchmarks/service.py (whose helpers it uses).

One scratch database, one ``products`` table of --rows rows (100,000), served in turn by
three apps under granian (--workers 2) and driven by wrk (--connections 16):

- raw: raw ASGI + asyncpg, GET by id only (benchmarks/service_apps/raw_asgi.py): the ceiling;
- peer: an idiomatic FastAPI + SQLAlchemy app (benchmarks/service_apps/idiomatic_peer.py):
  ``response_model``, ``Depends(get_session)``, skip/limit plus a separate count;
- service: the generated service, whole stack (access log, metrics, rate limit, idempotency).

Cases (--cases, default all): GET by id, list page 1, page 4,000 (offset 79,980), POST, PUT,
PATCH, DELETE, and cursor. Rounds interleave the apps (rotating order); each case's figure is
the median of its runs, and its ratios are to the raw GET and to the peer's same case. Then
the table grows to --cursor-rows (1,000,000) and the service's cursor pages run at each
--cursor-depth, a fraction of the table (default 0, 0.5 and 0.9: the first page, one half
way and one 90 % deep), with the same server's GET by id (get-1m) in each round as
their baseline. --project serves an already generated ``product`` project instead
of a fresh one (to compare template changes).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.service import (  # noqa: E402
    PATH,
    RAW_APP,
    Result,
    generate,
    median,
    serving,
    sql,
    wrk,
)
from tests.e2e.projects import project_env  # noqa: E402
from tests.e2e.venv import Venv, ensure_venv, requirements_of  # noqa: E402

PEER_APP = Path(__file__).parent / "service_apps" / "idiomatic_peer.py"
LIMIT = 20
DEEP_PAGE = 4000
CASES = ("get", "page1", "page4000", "post", "put", "patch", "delete")
ALL_CASES = (*CASES, "cursor")
# Issue 18's targets: service / peer per case, and cursor pages in req/s.
TARGETS = {"page1": 3.0, "page4000": 1.0, "post": 2.0, "put": 1.5, "patch": 1.5, "delete": 1.5}
CURSOR_TARGET = 800.0

_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BKJSON {"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, '
    .. '"p50": %f, "p95": %f, "p99": %f, "max": %f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status,
    e.status, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
end
"""

_THREADS = """
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
end
"""

_ONE_OF = """
local ids = {IDS}
request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("METHOD", "PATH/" .. id, {["Content-Type"] = "application/json"}, BODY)
end
"""

_URL = """
request = function()
  return wrk.format("GET", "URL")
end
"""

_POST = """
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"name":"Bench","sku":"B-TAG-%s-%d","price":"9.50"}', tostring(tid), counter)
  return wrk.format("POST", "PATH", {["Content-Type"] = "application/json"}, body)
end
"""

# Each thread deletes its own half of the ids, in turn: every DELETE finds its row.
_DELETE = """
local ids = {IDS}
local next_index = nil
request = function()
  if next_index == nil then next_index = tid end
  local id = ids[next_index] or ids[1]
  next_index = next_index + 2
  return wrk.format("DELETE", "PATH/" .. id)
end
"""

_DEEP_CURSOR = """
import asyncio, os, sys
import asyncpg
from app.core.cursor import encode_cursor, use_secret
from app.product.models import Product

async def main():
    connection = await asyncpg.connect(sys.argv[1])
    row = await connection.fetchrow(
        "SELECT created_at, id FROM products ORDER BY created_at DESC, id DESC "
        "OFFSET $1 LIMIT 1", int(sys.argv[2]))
    await connection.close()
    table = Product.__table__
    use_secret(os.environ["SECRET_KEY"])  # the server's: cursors are signed
    print(encode_cursor("-created_at", [table.c.created_at, table.c.id], dict(row)))

asyncio.run(main())
"""


def lua_ids(ids: list[str]) -> str:
    return "{" + ",".join(f'"{i}"' for i in ids) + "}"


def write_script(path: Path, body: str) -> Path:
    path.write_text(_THREADS + body.replace("PATH", PATH) + _DONE)
    return path


def seed(venv: Venv, dsn: str, rows: int, start: int = 1) -> None:
    """ROWS products, numbered from START, 1 ms apart (newest is number 1)."""
    sql(
        venv,
        dsn,
        "INSERT INTO products (id, name, sku, price, created_at, updated_at) "
        "SELECT gen_random_uuid(), 'Lamp ' || g, 'SKU-' || g, 9.5 + g % 100, "
        "now() - g * interval '1 millisecond', now() "
        f"FROM generate_series({start}, {start + rows - 1}) g",
        "VACUUM ANALYZE products",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cursor-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--cases",
        default=",".join(ALL_CASES),
        help="comma-separated cases to run (default all): " + ",".join(ALL_CASES),
    )
    parser.add_argument(
        "--cursor-depth",
        default="0,0.5,0.9",
        help="cursor pages to measure, as fractions of --cursor-rows (0: the first page)",
    )
    parser.add_argument(
        "--project",
        type=Path,
        help="serve this generated project (a product resource) instead of a fresh one",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    args.cases = [c for c in args.cases.split(",") if c]
    unknown = set(args.cases) - set(ALL_CASES)
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    args.cursor_depth = [float(d) for d in args.cursor_depth.split(",") if d]
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk); nothing measured")
        return 0
    server = os.environ.get(
        "BACKENDKIT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    work = Path(tempfile.mkdtemp(prefix="bk-sizes-bench-"))
    project = args.project.resolve() if args.project else generate(work / "product")
    venv = ensure_venv(requirements_of(project))
    database = f"bk_sizes_{secrets.token_hex(6)}"
    sql(venv, server, f'CREATE DATABASE "{database}"')
    dsn = server.rsplit("/", 1)[0] + f"/{database}"
    try:
        return run(args, venv, project, work, dsn)
    finally:
        sql(venv, server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(args: argparse.Namespace, venv: Venv, project: Path, work: Path, dsn: str) -> int:
    url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    env = project_env(
        project,
        DATABASE_URL=url,
        APP_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        DOCS_ENABLED="false",
        RATE_LIMIT_PER_MINUTE=str(10**12),
        # wrk is one client: the per-client in-flight bound (fairness between clients) would
        # shed part of its load as 429s, fast replies that inflate req/s; the peer has none.
        REQUESTS_IN_FLIGHT_PER_CLIENT="0",
        DB_POOL_SIZE=str(max(1, args.connections // args.workers)),
        LOG_LEVEL="INFO",
        METRICS_ENABLED="true",
    )
    migrated = subprocess.run(
        [str(venv.python), "-m", "alembic", "upgrade", "head"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if migrated.returncode != 0:
        raise RuntimeError(migrated.stderr)
    seed(venv, dsn, args.rows)
    ids = sql(venv, dsn, "SELECT id FROM products TABLESAMPLE SYSTEM (5) LIMIT 1000")
    offset = (DEEP_PAGE - 1) * LIMIT
    lists = {
        "service": {"page1": f"{PATH}?page=1", "page4000": f"{PATH}?page={DEEP_PAGE}"},
        "peer": {"page1": f"{PATH}?skip=0&limit={LIMIT}", "page4000": f"{PATH}?skip={offset}"},
    }
    # Enough rows to delete for the fastest app's DELETE run, each run afresh.
    deletable = max(20_000, 5_000 * args.duration)
    chosen = tuple(case for case in CASES if case in args.cases)
    apps = {
        "raw": (f"{RAW_APP.stem}:app", RAW_APP.parent, ("get",) if "get" in chosen else ()),
        "peer": (f"{PEER_APP.stem}:app", PEER_APP.parent, chosen),
        "service": ("app.main:app", project, chosen),
    }
    apps = {name: app for name, app in apps.items() if app[2]}
    print(f"{args.rows:,} rows; load average before: {load_average()}", flush=True)
    samples: dict[str, list[Result]] = {}
    log = work / "server.log"
    names = list(apps)
    for number in range(1, args.runs + 1 if names else 1):
        shift = (number - 1) % len(names)
        for app in names[shift:] + names[:shift]:
            target, cwd, cases = apps[app]
            app_env = dict(env)
            if cwd != project:
                app_env["PYTHONPATH"] = str(cwd)
            scripts = scripts_for(app, work, ids, lists.get(app, {}), f"{app}{number}")
            with serving(venv, cwd, target, app_env, log, args.workers) as base:
                wrk(base + PATH, scripts["get"], args.connections, 1)  # warm up
                for case in cases:
                    if case == "delete":
                        scripts[case] = delete_script(venv, dsn, work, app, number, deletable)
                    result = wrk(base + PATH, scripts[case], args.connections, args.duration)
                    samples.setdefault(f"{app} {case}", []).append(result)
                    print(
                        f"run {number} {app:>8} {case:<9}{result.rps:8.0f} req/s  "
                        f"p99 {result.p99:7.1f} ms  "
                        f"errors {result.errors} (non-2xx {result.non2xx})",
                        flush=True,
                    )
                    if case in ("post", "delete"):
                        sql(venv, dsn, "DELETE FROM products WHERE sku ~ '^(B|DEL)-'")
    if "cursor" in args.cases:
        samples.update(cursor_runs(args, venv, project, work, dsn, env, log, ids))
    print(f"load average after: {load_average()}")
    return report(args, samples)


def scripts_for(
    app: str, work: Path, ids: list[str], lists: dict[str, str], tag: str
) -> dict[str, Path]:
    one_of = _ONE_OF.replace("{IDS}", lua_ids(ids))
    bodies = {
        "get": one_of.replace("METHOD", "GET").replace("BODY", "nil"),
        "put": one_of.replace("METHOD", "PUT").replace(
            "BODY", """'{"name":"Put","sku":"PUT-' .. id .. '","price":"1.50"}'"""
        ),
        "patch": one_of.replace("METHOD", "PATCH").replace("BODY", """'{"price":"2.50"}'"""),
        "post": _POST.replace("TAG", tag),
    }
    for case, path in lists.items():
        bodies[case] = _URL.replace("URL", path)
    return {case: write_script(work / f"{tag}-{case}.lua", body) for case, body in bodies.items()}


def delete_script(venv: Venv, dsn: str, work: Path, app: str, number: int, rows: int) -> Path:
    tag = f"DEL-{app}{number}-"
    ids = sql(
        venv,
        dsn,
        "INSERT INTO products (id, name, sku, price, created_at, updated_at) "
        f"SELECT gen_random_uuid(), 'Gone', '{tag}' || g, 1, now(), now() "
        f"FROM generate_series(1, {rows}) g",
        f"SELECT id FROM products WHERE sku LIKE '{tag}%'",
    )
    return write_script(work / f"{app}{number}-delete.lua", _DELETE.replace("{IDS}", lua_ids(ids)))


def cursor_runs(
    args: argparse.Namespace,
    venv: Venv,
    project: Path,
    work: Path,
    dsn: str,
    env: dict[str, str],
    log: Path,
    ids: list[str],
) -> dict[str, list[Result]]:
    """The service's cursor pages once the table holds --cursor-rows rows.

    The same server also answers GET by id (``get-1m``) in every round, and the cases rotate
    their order from round to round: on a shared machine the load drifts within a round, and
    a fixed order (first page, then ever deeper) showed that drift as a cost of depth.
    """
    grow = args.cursor_rows - args.rows
    if grow > 0:
        seed(venv, dsn, grow, start=args.rows + 1)
    urls: dict[str, str] = {}
    for fraction in args.cursor_depth:
        depth = int(args.cursor_rows * fraction)
        if depth <= 0:
            urls["cursor-first"] = f"{PATH}?cursor="
            continue
        made = subprocess.run(
            [str(venv.python), "-c", _DEEP_CURSOR, dsn, str(depth)],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if made.returncode != 0:
            print(f"no deep cursor (the cursor format changed?): {made.stderr.strip()[-200:]}")
            continue
        urls[f"cursor-{fraction:g}"] = f"{PATH}?cursor={made.stdout.strip()}"
    scripts = {
        case: write_script(work / f"{case}.lua", _URL.replace("URL", url))
        for case, url in urls.items()
    }
    one_of = _ONE_OF.replace("{IDS}", lua_ids(ids)).replace("METHOD", "GET")
    scripts["get-1m"] = write_script(work / "get-1m.lua", one_of.replace("BODY", "nil"))
    cases = list(scripts)
    samples: dict[str, list[Result]] = {}
    print(f"{args.cursor_rows:,} rows; load average: {load_average()}", flush=True)
    with serving(venv, project, "app.main:app", env, log, args.workers) as base:
        for script in scripts.values():
            wrk(base + PATH, script, args.connections, 1)  # warm up each statement
        for number in range(1, args.runs + 1):
            shift = (number - 1) % len(cases)
            for case in cases[shift:] + cases[:shift]:
                script = scripts[case]
                result = wrk(base + PATH, script, args.connections, args.duration)
                samples.setdefault(f"service {case}", []).append(result)
                print(
                    f"run {number}  service {case:<13}{result.rps:8.0f} req/s  "
                    f"p99 {result.p99:7.1f} ms  errors {result.errors} (non-2xx {result.non2xx})",
                    flush=True,
                )
    return samples


def report(args: argparse.Namespace, samples: dict[str, list[Result]]) -> int:
    medians = {name: median(results) for name, results in samples.items()}
    raw = medians["raw get"].rps if "raw get" in medians else None
    print()
    print(
        f"Medians of {args.runs} interleaved runs, {args.duration} s each, {args.connections} "
        f"connections, {args.workers} granian workers, PostgreSQL, {args.rows:,} rows "
        f"(cursor cases {args.cursor_rows:,})"
    )
    # Cursor pages also against the GET by id the same server answered in the same rounds.
    get_1m = medians["service get-1m"].rps if "service get-1m" in medians else None
    print(
        f"{'case':<22}{'req/s':>8}{'x raw':>7}{'x peer':>8}{'x get':>7}{'p50 ms':>8}"
        f"{'p99 ms':>8}  per run"
    )
    checks: dict[str, bool] = {}
    for name, result in medians.items():
        app, case = name.split(" ", 1)
        peer = medians.get(f"peer {case}")
        versus_peer = result.rps / peer.rps if peer and app == "service" else None
        versus_get = result.rps / get_1m if get_1m and case.startswith("cursor") else None
        per_run = ", ".join(f"{r.rps:.0f}" for r in samples[name])
        print(
            f"{name:<22}{result.rps:8.0f}{'' if raw is None else f'{result.rps / raw:.2f}':>7}"
            f"{'' if versus_peer is None else f'{versus_peer:.2f}':>8}"
            f"{'' if versus_get is None else f'{versus_get:.2f}':>7}"
            f"{result.p50:8.1f}{result.p99:8.1f}  {per_run}"
        )
        if app == "service" and case in TARGETS and versus_peer is not None:
            checks[f"{case} >= {TARGETS[case]} x peer"] = versus_peer >= TARGETS[case]
        if app == "service" and case.startswith("cursor"):
            checks[f"{case} >= {CURSOR_TARGET:.0f} req/s"] = result.rps >= CURSOR_TARGET
        checks[f"{name} zero errors"] = result.errors == 0
    print()
    for check, passed in checks.items():
        print(f"{'PASS' if passed else 'MISS'}  {check}")
    if args.json:
        figures = {
            name: {**r.__dict__, "per_run": [x.rps for x in samples[name]]}
            for name, r in medians.items()
        }
        args.json.write_text(json.dumps({"medians": figures, "checks": checks}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
