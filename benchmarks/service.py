"""A generated service against PostgreSQL under wrk, as ratios against raw ASGI + asyncpg.

Run: .venv/bin/python benchmarks/service.py [--runs 3] [--duration 8] [--json FILE]
Needs wrk (Debian: apt-get install wrk) and a PostgreSQL server
(BACKENDKIT_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres).

It generates a service (``product --crud --db postgres --auth none``), builds or reuses the
shared test virtualenv for it, creates and migrates a scratch database, seeds 1,000 rows, and
serves it
with granian (2 workers). In the same run, and under the same server and workers, it serves
a raw ASGI app doing the same read with raw asyncpg (benchmarks/service_apps/raw_asgi.py).
It measures, with wrk at 16 connections:

- GET by id, list (20 rows) and POST create on the whole stack (JSON access log + metrics);
- GET by id without the access log, without metrics, and without either: their cost;
- GET by id on the raw app: the ceiling.

Runs are interleaved and reported as medians, so machine noise hits every variant alike.
All traffic goes to 127.0.0.1; every wrk run is bounded by --duration; the scratch database
is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.projects import project_env  # noqa: E402
from tests.e2e.venv import Venv, ensure_venv, requirements_of  # noqa: E402

RAW_APP = Path(__file__).parent / "service_apps" / "raw_asgi.py"
FIELDS = "name:str sku:str:unique price:decimal"
PATH = "/api/v1/products"
SEED_ROWS = 1000
START_TIMEOUT = 30.0

# Targets on this machine (DESIGN.md, Performance targets).
TARGETS = {"get": 1000.0, "list": 800.0, "post": 500.0}
MIN_RATIO_TO_RAW = 0.5
MAX_P99_MS = 500.0
MAX_OVERHEAD = 0.10

_SQL = """
import asyncio, json, sys, asyncpg
async def main():
    connection = await asyncpg.connect(sys.argv[1])
    try:
        out = []
        for statement in sys.argv[2:]:
            if statement.lstrip().upper().startswith("SELECT"):
                out.extend(str(row[0]) for row in await connection.fetch(statement))
            else:
                await connection.execute(statement)
        print(json.dumps(out))
    finally:
        await connection.close()
asyncio.run(main())
"""

# With and without the access log and metrics, in one process: the whole app driven through
# ASGI by coroutines, variants alternating in short rounds so that machine noise hits all alike.
_WITH_AND_WITHOUT = """
import asyncio, json, logging, os, random, statistics, sys, time
os.environ["APP_ENV"] = "test"
from app.core.config import Settings
from app.core.logging import configure_logging
from app.main import create_app
url, ids, log_file = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
settings = Settings(database_url=url, db_pool_size=8)
without_metrics = settings.model_copy(update={"metrics_enabled": False})
apps = {True: create_app(settings), False: create_app(without_metrics)}
configure_logging("INFO")
logging.getLogger("app").handlers[0].setStream(open(log_file, "a"))
VARIANTS = {"service": (True, "INFO"), "no-log": (True, "WARNING"),
            "no-metrics": (False, "INFO"), "bare": (False, "WARNING")}

async def one(app, path):
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
             "query_string": b"", "headers": [(b"host", b"127.0.0.1")], "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1), "http_version": "1.1",
             "root_path": "", "asgi": {"version": "3.0"}}
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise RuntimeError(message["status"])
    await app(scope, receive, send)

async def rate(app, seconds):
    done, stop = 0, time.perf_counter() + seconds
    async def worker():
        nonlocal done
        while time.perf_counter() < stop:
            await one(app, "/api/v1/products/" + random.choice(ids))
            done += 1
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(8)))
    return done / (time.perf_counter() - start)

async def main():
    samples = {name: [] for name in VARIANTS}
    for app in apps.values():
        await rate(app, 1.0)
    for round in range(int(sys.argv[4])):
        names = list(VARIANTS)
        names = names[round % 4:] + names[:round % 4]
        for name in names:
            metrics_on, level = VARIANTS[name]
            logging.getLogger("app").setLevel(level)
            samples[name].append(await rate(apps[metrics_on], 0.5))
    ratios = {name: statistics.median(a / b for a, b in zip(samples["service"], values))
              for name, values in samples.items()}
    print(json.dumps({"rps": {n: statistics.median(v) for n, v in samples.items()},
                      "service_over": ratios}))
    for app in apps.values():
        await app.state.database.dispose()

asyncio.run(main())
"""

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

_GET = """
local ids = {IDS}
request = function()
  return wrk.format("GET", "PATH/" .. ids[math.random(#ids)])
end
"""

_LIST = """
request = function()
  return wrk.format("GET", "PATH?page=" .. math.random(1, 50))
end
"""

_POST = """
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
end
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"name":"Bench","sku":"B-RUN-%s-%d","price":"9.50"}', tostring(tid), counter)
  return wrk.format("POST", "PATH", {["Content-Type"] = "application/json"}, body)
end
"""


@dataclass(frozen=True)
class Result:
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int
    requests: int
    non2xx: int = 0  # of the errors, replies outside 2xx/3xx (the rest are socket errors)

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 1.0


def sql(venv: Venv, dsn: str, *statements: str) -> list[str]:
    """Run STATEMENTS with the venv's asyncpg; the first column of SELECTs."""
    result = subprocess.run(
        [str(venv.python), "-c", _SQL, dsn, *statements],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"SQL failed: {result.stderr}")
    rows: list[str] = json.loads(result.stdout)
    return rows


def generate(target: Path) -> Path:
    argv = [sys.executable, "-m", "backendkit", "new", "product", "--crud", "--fields", FIELDS]
    argv += ["--db", "postgres", "--deploy", "none", "--ci", "none", "--defaults", "--no-git"]
    # The read path as the raw app does it: no bearer token to verify (that costs about 56 us
    # per request, measured on its own), so the ratio compares the same work.
    argv += ["--auth", "none"]
    subprocess.run([*argv, "--output", str(target)], check=True, capture_output=True)
    return target


def wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {base}/health within {START_TIMEOUT} s")


@contextmanager
def serving(
    venv: Venv, cwd: Path, target: str, env: dict[str, str], log: Path, workers: int
) -> Iterator[str]:
    """granian serving TARGET with WORKERS workers on a free port; its base URL."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = [str(venv.root / "bin" / "granian"), "--interface", "asgi", "--host", "127.0.0.1"]
    argv += ["--port", str(port), "--workers", str(workers), "--no-ws", target]
    with log.open("ab") as output:
        # A session of its own: the server and its workers are stopped together.
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=output, stderr=output, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wrk(url: str, script: Path, connections: int, duration: int) -> Result:
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
    seconds = data["duration_us"] / 1e6
    return Result(
        rps=data["requests"] / seconds,
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        errors=data["errors"],
        requests=data["requests"],
        non2xx=data.get("non2xx", 0),
    )


def median(results: list[Result]) -> Result:
    def mid(values: list[float]) -> float:
        return statistics.median(values)

    return Result(
        rps=mid([r.rps for r in results]),
        p50=mid([r.p50 for r in results]),
        p95=mid([r.p95 for r in results]),
        p99=mid([r.p99 for r in results]),
        errors=sum(r.errors for r in results),
        requests=sum(r.requests for r in results),
        non2xx=sum(r.non2xx for r in results),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk); nothing measured")
        return 0
    server = os.environ.get(
        "BACKENDKIT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    work = Path(tempfile.mkdtemp(prefix="bk-service-bench-"))
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


def run(args: argparse.Namespace, venv: Venv, project: Path, work: Path, dsn: str, url: str) -> int:
    base_env = project_env(
        project,
        DATABASE_URL=url,
        APP_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        DOCS_ENABLED="false",
        # One client sends all the load: the limiter still counts every request, never refuses.
        RATE_LIMIT_PER_MINUTE=str(10**12),
        # wrk is one client: the per-client in-flight bound would shed part of its load as
        # fast 429s that inflate req/s; the peer has no such bound.
        REQUESTS_IN_FLIGHT_PER_CLIENT="0",
        # Each worker gets its share of the connections; no overflow.
        DB_POOL_SIZE=str(max(1, args.connections // args.workers)),
    )
    migrated = subprocess.run(
        [str(venv.python), "-m", "alembic", "upgrade", "head"],
        cwd=project,
        env=base_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if migrated.returncode != 0:
        raise RuntimeError(migrated.stderr)
    ids = sql(
        venv,
        dsn,
        "INSERT INTO products (id, name, sku, price, created_at, updated_at) "
        f"SELECT gen_random_uuid(), 'Lamp ' || g, 'SKU-' || g, 9.5 + g, now(), now() "
        f"FROM generate_series(1, {SEED_ROWS}) g",
        "SELECT id FROM products",
    )
    scripts = {
        "get": _GET.replace("{IDS}", "{" + ",".join(f'"{i}"' for i in ids) + "}"),
        "list": _LIST,
        "post": _POST.replace("RUN", secrets.token_hex(4)),
    }
    paths = {}
    for name, body in scripts.items():
        paths[name] = work / f"{name}.lua"
        paths[name].write_text(body.replace("PATH", PATH) + _DONE)

    full = {"LOG_LEVEL": "INFO", "METRICS_ENABLED": "true"}
    variants: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
        "raw": (f"{RAW_APP.stem}:app", {}, ("get",)),
        "service": ("app.main:app", full, ("get", "list", "post")),
        "no-log": ("app.main:app", {**full, "LOG_LEVEL": "WARNING"}, ("get",)),
        "no-metrics": ("app.main:app", {**full, "METRICS_ENABLED": "false"}, ("get",)),
        "bare": ("app.main:app", {"LOG_LEVEL": "WARNING", "METRICS_ENABLED": "false"}, ("get",)),
    }
    samples: dict[str, list[Result]] = {}
    log = work / "server.log"
    names = list(variants)
    for run_number in range(1, args.runs + 1):
        # Each run starts at a different variant: no variant always follows the same one.
        shift = (run_number - 1) % len(names)
        for variant in names[shift:] + names[:shift]:
            target, settings, cases = variants[variant]
            cwd = RAW_APP.parent if variant == "raw" else project
            env = {**base_env, **settings}
            if variant == "raw":
                env["PYTHONPATH"] = str(RAW_APP.parent)
            with serving(venv, cwd, target, env, log, args.workers) as base:
                wrk(base + PATH, paths["get"], args.connections, 1)  # warm up
                for case in cases:
                    result = wrk(base + PATH, paths[case], args.connections, args.duration)
                    samples.setdefault(f"{variant} {case}", []).append(result)
                    print(
                        f"run {run_number} {variant:>10} {case:<4} {result.rps:8.0f} req/s  "
                        f"p99 {result.p99:6.1f} ms  errors {result.errors}",
                        flush=True,
                    )
                    if case == "post":
                        sql(venv, dsn, "DELETE FROM products WHERE sku LIKE 'B-%'")
    timed = subprocess.run(
        [str(venv.python), "-c", _WITH_AND_WITHOUT, url, json.dumps(ids), str(log), "40"],
        cwd=project,
        env=base_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    in_process: dict[str, dict[str, float]] = json.loads(timed.stdout)
    return report(args, {name: median(r) for name, r in samples.items()}, in_process)


def report(
    args: argparse.Namespace, medians: dict[str, Result], in_process: dict[str, dict[str, float]]
) -> int:
    raw = medians["raw get"]
    print()
    print(
        f"Medians of {args.runs} interleaved runs, {args.duration:g} s each, "
        f"{args.connections} connections, {args.workers} granian workers, PostgreSQL"
    )
    header = f"{'case':<18}{'req/s':>9}{'x raw':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header + f"{'errors':>9}")
    for name, r in medians.items():
        print(
            f"{name:<18}{r.rps:9.0f}{r.rps / raw.rps:8.2f}{r.p50:9.1f}{r.p95:9.1f}{r.p99:9.1f}"
            f"{r.error_rate:9.2%}"
        )
    service = medians["service get"]
    costs = {
        "access log": 1 - service.rps / medians["no-log get"].rps,
        "metrics": 1 - service.rps / medians["no-metrics get"].rps,
        "log + metrics": 1 - service.rps / medians["bare get"].rps,
    }
    print()
    for what, cost in costs.items():
        print(f"cost of {what:<14} {cost:6.1%} of throughput, from the wrk runs above")
    # The same four variants in one process, 40 alternating rounds of 0.5 s each: the median
    # of the paired ratios is far steadier than separate servers on a shared machine.
    over = in_process["service_over"]
    shares = {"access log": 1 - over["no-log"], "metrics": 1 - over["no-metrics"]}
    print()
    print("In-process GET by id, one worker, 8 concurrent, medians of paired rounds:")
    for name, rps in in_process["rps"].items():
        print(f"  {name:<12}{rps:8.0f} req/s   service / {name} = {over[name]:.3f}")
    for what, share in shares.items():
        print(f"cost of {what:<14} {share:6.1%} of throughput (limit {MAX_OVERHEAD:.0%})")
    both = 1 - over["bare"]
    print(f"cost of log + metrics  {both:6.1%} of throughput")
    checks = {
        f"GET >= {MIN_RATIO_TO_RAW} x raw": service.rps >= MIN_RATIO_TO_RAW * raw.rps,
        f"GET >= {TARGETS['get']:.0f} req/s": service.rps >= TARGETS["get"],
        f"GET p99 < {MAX_P99_MS:.0f} ms": service.p99 < MAX_P99_MS,
        "GET zero errors": service.errors == 0,
        f"list >= {TARGETS['list']:.0f} req/s": medians["service list"].rps >= TARGETS["list"],
        f"POST >= {TARGETS['post']:.0f} req/s": medians["service post"].rps >= TARGETS["post"],
        f"access log < {MAX_OVERHEAD:.0%}": shares["access log"] < MAX_OVERHEAD,
        f"metrics < {MAX_OVERHEAD:.0%}": shares["metrics"] < MAX_OVERHEAD,
    }
    print()
    for name, passed in checks.items():
        print(f"{'PASS' if passed else 'MISS'}  {name}")
    if args.json:
        figures = {
            name: {**r.__dict__, "ratio_to_raw": r.rps / raw.rps} for name, r in medians.items()
        }
        args.json.write_text(
            json.dumps(
                {
                    "medians": figures,
                    "costs": costs,
                    "in_process": in_process,
                    "checks": checks,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
