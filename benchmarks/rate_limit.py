"""Per-request cost of the generated service's rate limiter, now against an earlier revision.

Run: .venv/bin/python benchmarks/rate_limit.py [--before REV] [--calls 100000] [--redis-calls 3000]

Generates a default project (``--auth none``), then builds a copy whose
``app/core/rate_limit.py`` is the one of REV (default HEAD, i.e. the committed template) and
times both in the shared test environment (tests/e2e/venv.py), alternating rounds:
the rate-limit middleware around an app that does nothing, against that app alone (CPU time
per request, so other processes on a busy machine count less), and, when Redis answers on
BACKENDKIT_TEST_REDIS_URL, one ``Limiter.hit`` through Redis (wall time: it waits on Redis).
Clients rotate over 1,000 addresses, so the limiter keeps real per-key state.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from tests.e2e.projects import project_env  # noqa: E402
from tests.e2e.venv import Venv, ensure_venv, requirements_of  # noqa: E402

MODULE = "app/core/rate_limit.py"
DRIVER = r"""
import asyncio, sys, time
from app.core.rate_limit import Limiter, RateLimitMiddleware
from app.core.shared_store import shared_store

calls, redis_calls, redis_url = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
clients = [(f"10.0.{i // 256}.{i % 256}", 1) for i in range(1000)]

async def inner(scope, receive, send):
    return None

async def per_request(app):
    scopes = [{"type": "http", "path": "/api/v1/x", "headers": [], "client": c} for c in clients]
    start = time.process_time_ns()
    for i in range(calls):
        await app(scopes[i % 1000], None, None)
    return (time.process_time_ns() - start) / calls

async def main():
    limited = RateLimitMiddleware(inner, limiter=Limiter(shared_store("", "b")), per_minute=10**9)
    bare = await per_request(inner)
    print("bare", bare)
    print("middleware", await per_request(limited) - bare)
    if redis_url:
        store = shared_store(redis_url, f"bench-{time.time_ns()}")
        limiter = Limiter(store)
        start = time.perf_counter_ns()
        for i in range(redis_calls):
            await limiter.hit(f"api:{clients[i % 1000][0]}", 10**9, 60)
        print("redis", (time.perf_counter_ns() - start) / redis_calls)
        await store.close()

asyncio.run(main())
"""


def measure(
    venv: Venv, project: Path, calls: int, redis_calls: int, redis: str
) -> dict[str, float]:
    result = subprocess.run(
        [str(venv.python), "-c", DRIVER, str(calls), str(redis_calls), redis],
        cwd=project,
        env=project_env(project),
        capture_output=True,
        text=True,
        check=True,
    )
    return {k: float(v) for k, v in (line.split() for line in result.stdout.splitlines())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="HEAD", help="git revision of the template to compare")
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--redis-calls", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    redis = os.environ.get("BACKENDKIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    before_module = subprocess.run(
        ["git", "show", f"{args.before}:templates/fastapi/project/{MODULE}"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with tempfile.TemporaryDirectory() as scratch:
        now = Path(scratch) / "now"
        new = ["new", "bench", "--output", str(now), "--no-git", "--defaults", "--auth", "none"]
        subprocess.run(
            [sys.executable, "-m", "backendkit", *new],
            check=True,
            capture_output=True,
        )
        before = Path(scratch) / "before"
        shutil.copytree(now, before)
        (before / MODULE).write_text(before_module)
        venv = ensure_venv(requirements_of(now))
        ping = f"import redis; redis.Redis.from_url({redis!r}, socket_timeout=0.5).ping()"
        if subprocess.run([str(venv.python), "-c", ping], capture_output=True).returncode:
            redis = ""
        rounds: dict[str, list[dict[str, float]]] = {"before": [], "now": []}
        for _ in range(args.rounds):
            for name, project in (("before", before), ("now", now)):
                rounds[name].append(measure(venv, project, args.calls, args.redis_calls, redis))
    print(f"median of {args.rounds} alternating rounds; before = {args.before}")
    for figure, unit in (
        ("bare", "app alone, CPU"),
        ("middleware", "added by the rate limit, CPU"),
    ):
        print(f"{unit:34} " + _row(rounds, figure))
    if redis:
        print(f"{'Limiter.hit through Redis, wall':34} " + _row(rounds, "redis"))
    return 0


def _row(rounds: dict[str, list[dict[str, float]]], figure: str) -> str:
    medians = {name: statistics.median(r[figure] for r in runs) for name, runs in rounds.items()}
    before, now = medians["before"] / 1000, medians["now"] / 1000
    return f"before {before:7.2f} µs  now {now:7.2f} µs  x{now / before:.2f}"


if __name__ == "__main__":
    sys.exit(main())
