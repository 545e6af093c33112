"""GraphQL against REST on the same generated server: one by id, and a 20-row page.

Run: .venv/bin/python benchmarks/graphql_vs_rest.py [--runs 3] [--duration 8]
Needs wrk (Debian: apt-get install wrk) and a PostgreSQL server
(BACKENDKIT_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres).

It generates ``product --crud --db postgres --auth none --api rest,graphql`` (the project of
benchmarks/service.py, with GraphQL on), seeds 1,000 rows and serves it with granian
(2 workers, production settings, access log and metrics on). With wrk at 16 connections it
measures, on the same server and in interleaved runs:

- REST ``GET /api/v1/products/{id}`` against GraphQL ``product(id)`` (the same fields);
- REST ``GET /api/v1/products`` (20 rows) against GraphQL ``products(first: 20)``.

The target is GraphQL at 0.5 x REST or better on both. Medians of the runs are reported.

wrk is one client with 16 connections: the service's per-client in-flight bound
(REQUESTS_IN_FLIGHT_PER_CLIENT, half the pool by default) would answer it 429 whenever a
worker's pool is full, so the bound is off here (``--keep-in-flight-bound`` keeps it, to see
those 429s). Every run reports its non-2xx answers and socket errors apart, and the server's
access log gives the status of every non-2xx answer; a run with any of them fails.
"""

from __future__ import annotations

import argparse
import collections
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import service
from service import FIELDS, PATH, SEED_ROWS, Result, median, serving, sql

from tests.e2e.projects import project_env
from tests.e2e.venv import ensure_venv, requirements_of

TARGET_RATIO = 0.5
NODE = "id name sku price createdAt updatedAt"
ONE = "query One($id: ID!) { product(id: $id) { " + NODE + " } }"
PAGE = (
    "query Page { products(first: 20) { edges { node { " + NODE + " } } pageInfo { endCursor } } }"
)

_REST_GET = """
local ids = {IDS}
request = function()
  return wrk.format("GET", "PATH/" .. ids[math.random(#ids)])
end
"""
_REST_LIST = """
request = function()
  return wrk.format("GET", "PATH")
end
"""
_GRAPHQL_GET = """
local ids = {IDS}
local headers = {["Content-Type"] = "application/json"}
request = function()
  local body = '{"query":"QUERY","variables":{"id":"' .. ids[math.random(#ids)] .. '"}}'
  return wrk.format("POST", "/graphql", headers, body)
end
"""
_GRAPHQL_LIST = """
local headers = {["Content-Type"] = "application/json"}
local body = '{"query":"QUERY"}'
request = function()
  return wrk.format("POST", "/graphql", headers, body)
end
"""


# wrk's summary as one JSON line: socket errors apart from non-2xx answers.
_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BKJSON {"requests": %d, "duration_us": %d, "non2xx": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "timeout": %d, "p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
_SOCKET_ERRORS = ("connect", "read", "write", "timeout")


def wrk(url: str, script: Path, connections: int, duration: int) -> tuple[Result, dict[str, int]]:
    """One wrk run: its result, and its failures by kind (non2xx, connect, read, ...)."""
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "5s"]
    result = subprocess.run(
        [*argv, "-s", str(script), url],
        capture_output=True,
        text=True,
        timeout=duration + 30,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("BKJSON "))
    data = json.loads(line.removeprefix("BKJSON "))
    failures = {kind: int(data[kind]) for kind in ("non2xx", *_SOCKET_ERRORS) if data[kind]}
    summary = Result(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        errors=sum(failures.values()),
        requests=data["requests"],
    )
    return summary, failures


def non_2xx_answers(log: Path) -> collections.Counter[tuple[str, int]]:
    """(route, status) of every answer outside 2xx in the server's access log."""
    found: collections.Counter[tuple[str, int]] = collections.Counter()
    for line in log.read_text(errors="replace").splitlines():
        if '"logger":"app.access"' not in line:
            continue
        entry = json.loads(line)
        if not 200 <= entry["status"] < 300:
            found[(entry["route"], entry["status"])] += 1
    return found


def post_json(url: str, body: object) -> dict[str, object]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, object] = json.loads(response.read())
        return answer


def generate(target: Path) -> Path:
    argv = [sys.executable, "-m", "backendkit", "new", "product", "--crud", "--fields", FIELDS]
    argv += ["--db", "postgres", "--deploy", "none", "--ci", "none", "--defaults", "--no-git"]
    argv += ["--auth", "none", "--api", "rest,graphql"]
    subprocess.run([*argv, "--output", str(target)], check=True, capture_output=True)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--keep-in-flight-bound",
        action="store_true",
        help="keep the service's per-client in-flight bound (wrk, one client, then gets 429s)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk); nothing measured")
        return 0
    server = service.os.environ.get(
        "BACKENDKIT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    work = Path(tempfile.mkdtemp(prefix="bk-graphql-bench-"))
    project = generate(work / "product")
    venv = ensure_venv(requirements_of(project))
    database = f"bk_bench_{secrets.token_hex(6)}"
    sql(venv, server, f'CREATE DATABASE "{database}"')
    dsn = server.rsplit("/", 1)[0] + f"/{database}"
    url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        return run(args, venv, project, work, dsn, url)
    finally:
        sql(venv, server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


def run(
    args: argparse.Namespace, venv: object, project: Path, work: Path, dsn: str, url: str
) -> int:
    env = project_env(
        project,
        DATABASE_URL=url,
        APP_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        DOCS_ENABLED="false",
        RATE_LIMIT_PER_MINUTE=str(10**12),
        DB_POOL_SIZE=str(max(1, args.connections // args.workers)),
        # One load generator is one client: the bound would shed it (429) at a full pool.
        **({} if args.keep_in_flight_bound else {"REQUESTS_IN_FLIGHT_PER_CLIENT": "0"}),
        LOG_LEVEL="INFO",
        METRICS_ENABLED="true",
    )
    subprocess.run(
        [str(venv.python), "-m", "alembic", "upgrade", "head"],
        cwd=project,
        env=env,
        capture_output=True,
        check=True,
    )
    ids = sql(
        venv,
        dsn,
        "INSERT INTO products (id, name, sku, price, created_at, updated_at) "
        "SELECT gen_random_uuid(), 'Lamp ' || g, 'SKU-' || g, 9.5 + g, now(), now() "
        f"FROM generate_series(1, {SEED_ROWS}) g",
        "SELECT id FROM products",
    )
    lua_ids = "{" + ",".join(f'"{i}"' for i in ids) + "}"
    scripts = {
        "rest get": _REST_GET.replace("{IDS}", lua_ids),
        "graphql get": _GRAPHQL_GET.replace("{IDS}", lua_ids).replace("QUERY", ONE),
        "rest list": _REST_LIST,
        "graphql list": _GRAPHQL_LIST.replace("QUERY", PAGE),
    }
    paths: dict[str, Path] = {}
    for name, body in scripts.items():
        paths[name] = work / f"{name.replace(' ', '-')}.lua"
        paths[name].write_text(body.replace("PATH", PATH) + _DONE)
    samples: dict[str, list[Result]] = {}
    names = list(scripts)
    log = work / "server.log"
    with serving(venv, project, "app.main:app", env, log, args.workers) as base:
        # A GraphQL error answers 200, which wrk counts as a success: check the answers first.
        for query, variables in ((ONE, {"id": ids[0]}), (PAGE, {})):
            answer = post_json(f"{base}/graphql", {"query": query, "variables": variables})
            if "errors" in answer or not answer.get("data"):
                raise RuntimeError(f"GraphQL answered {answer}")
        for name in names:  # warm up every path
            wrk(base + PATH, paths[name], args.connections, 1)
        for run_number in range(1, args.runs + 1):
            shift = (run_number - 1) % len(names)
            for name in names[shift:] + names[:shift]:
                result, failures = wrk(base + PATH, paths[name], args.connections, args.duration)
                samples.setdefault(name, []).append(result)
                failed_text = ", ".join(f"{k} {v}" for k, v in failures.items()) or "none"
                print(
                    f"run {run_number} {name:<13} {result.rps:8.0f} req/s  "
                    f"p99 {result.p99:6.1f} ms  failures: {failed_text}",
                    flush=True,
                )
    medians = {name: median(results) for name, results in samples.items()}
    answers = non_2xx_answers(log)
    print()
    print(
        "non-2xx answers in the access log (warm-up included): "
        + (", ".join(f"{route} {status}: {n}" for (route, status), n in answers.items()) or "none")
    )
    print(
        f"Medians of {args.runs} interleaved runs, {args.duration} s each, "
        f"{args.connections} connections, {args.workers} granian workers, PostgreSQL"
    )
    failed = False
    for case in ("get", "list"):
        rest, graphql = medians[f"rest {case}"], medians[f"graphql {case}"]
        ratio = graphql.rps / rest.rps
        failed |= ratio < TARGET_RATIO or graphql.errors > 0 or rest.errors > 0
        print(
            f"{case:<5} REST {rest.rps:7.0f} req/s (p99 {rest.p99:.1f} ms)  GraphQL "
            f"{graphql.rps:7.0f} req/s (p99 {graphql.p99:.1f} ms)  ratio {ratio:.2f} "
            f"(target >= {TARGET_RATIO})"
        )
    print(json.dumps({name: result.__dict__ for name, result in medians.items()}))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
