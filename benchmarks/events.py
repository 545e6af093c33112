"""Events through a generated service: outbox -> relay -> broker -> consumer, per broker.

For each broker it generates a service (--broker B) on PostgreSQL and measures:

- throughput: N events written to the outbox, then timed (1) the relay publishing them all
  (events/s published) and (2) until the consumer has handled every one through its inbox
  (events/s end to end);
- latency: events written at a fixed rate (--rate, 500/s), one transaction each, with the
  relay and the consumer running as in a service; commit to handled P50/P99 in ms;
- create: POST /api/v1/orders under wrk (16 connections, granian, one worker) on
  ``order --crud --events``, with the relay in the web process and with the relay as a
  process of its own (``EVENTS_RELAY_IN_PROCESS=false`` and ``python -m app relay``, as
  Kubernetes runs it), and on the same service without ``--events``; the ratios of each to
  without. The order of the three changes from run to run, so machine noise hits all alike.

Medians of --runs runs.

Run: .venv/bin/python benchmarks/events.py [--events 5000] [--runs 3] [--brokers rabbitmq,nats]
     [--parts throughput,latency,create] [--rate 500] [--seconds 10]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.service import _DONE, serving, sql, wrk  # noqa: E402
from tests.e2e.projects import project_env  # noqa: E402
from tests.e2e.venv import Venv, ensure_venv, requirements_of  # noqa: E402

URLS = {
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672/",
    "nats": "nats://127.0.0.1:4222",
    "redis": "redis://127.0.0.1:6379/0",
}
SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"

INNER = """
import asyncio, json, sys, time, uuid
import asyncpg
from alembic import command
from alembic.config import Config
from app.core.config import Settings
from app.core.database import Database
from app.events.broker import create_broker, publish, subscribe
from app.events.consumers import Consumer, HandlerSpec
from app.events.outbox import add_to_outbox, new_event, use_source
from app.events.relay import Relay

# The producing side (outbox, relay) and the consuming side (consumer, inbox) run in two
# processes, as two services would: ``MODE`` is throughput, latency:RATE:SECONDS, or
# consume:DATABASE:SOURCE (the child this script starts).
N, BROKER_URL, SERVER, MODE = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
HANDLED = {}
TYPE = ""  # a type of its own per run (type_of)


def type_of(source):
    # A type no earlier run published: a new JetStream consumer would otherwise go through
    # the stream's whole history of that subject (other sources' events, dropped one by one).
    return f"{source}.happened"


async def handle(event, connection):
    HANDLED[event.data["n"]] = time.time()


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def settings_of(database, source):
    return Settings(database_url=f"{SERVER}/{database}", broker_url=BROKER_URL, app_name=source)


async def consume(database_name, source):
    database = Database.from_settings(settings_of(database_name, source))
    broker = create_broker(settings_of(database_name, source))
    consumer = Consumer(database, HandlerSpec(TYPE, source, handle))
    subscribe(broker, source, TYPE, consumer)
    await broker.start()
    print("ready", flush=True)
    deadline = time.time() + 180
    while consumer.handled < N and time.time() < deadline:
        await asyncio.sleep(0.01)
    print(json.dumps({"handled": consumer.handled, "at": HANDLED}), flush=True)
    if hasattr(consumer, "close"):  # a template before batched consumers has none
        await consumer.close()
    await broker.stop()
    await database.dispose()


async def start_consumer(total, database_name, source):
    child = await asyncio.create_subprocess_exec(
        sys.executable, sys.argv[0], str(total), BROKER_URL, SERVER,
        f"consume:{database_name}:{source}", stdout=asyncio.subprocess.PIPE, limit=2**26)
    assert (await child.stdout.readline()).strip() == b"ready"
    return child


async def handled_times(child):
    out = json.loads((await child.stdout.readline()).decode())
    await child.wait()
    return {int(n): at for n, at in out["at"].items()}


async def at_rate(database, relay, child, rate, seconds):
    # Events written one transaction each at RATE/s; commit-to-handled latencies.
    committed, total = {}, int(rate * seconds)
    running = asyncio.create_task(relay.run())

    room = asyncio.Semaphore(12)  # of the pool's 16 connections; the relay has the rest

    async def write(n):
        async with room, database.engine.begin() as connection:
            await add_to_outbox(connection, new_event(TYPE, {"n": n}), f"b:{n}")
        committed[n] = time.time()

    writes, began = [], time.perf_counter()
    for n in range(total):
        await asyncio.sleep(max(0.0, began + n / rate - time.perf_counter()))
        writes.append(asyncio.create_task(write(n)))
    await asyncio.gather(*writes)
    achieved = total / (time.perf_counter() - began)
    handled = await handled_times(child)
    running.cancel()
    late = [1000 * (handled[n] - committed[n]) for n in committed if n in handled]
    return {"p50_ms": percentile(late, 0.50), "p99_ms": percentile(late, 0.99),
            "rate": achieved, "handled": len(handled), "total": total}


async def main():
    global TYPE
    if MODE.startswith("consume:"):
        _, database_name, source = MODE.split(":")
        TYPE = type_of(source)
        await consume(database_name, source)
        return
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(SERVER.replace("+asyncpg", "") + "/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        config = Config("alembic.ini")
        config.set_main_option("sqlalchemy.url", f"{SERVER}/{name}")
        config.attributes["configure_logger"] = False
        await asyncio.to_thread(command.upgrade, config, "head")
        source = f"bench-{uuid.uuid4().hex[:8]}"
        TYPE = type_of(source)
        use_source(source)
        database = Database.from_settings(settings_of(name, source))
        broker = create_broker(settings_of(name, source))
        await broker.start()

        async def to_broker(envelope):
            await publish(broker, envelope)

        if MODE.startswith("latency:"):
            _, rate, seconds = MODE.split(":")
            child = await start_consumer(int(float(rate) * float(seconds)), name, source)
            relay = Relay(database, to_broker)
            print(json.dumps(await at_rate(database, relay, child, float(rate), float(seconds))))
        else:
            child = await start_consumer(N, name, source)
            for start in range(0, N, 500):
                async with database.engine.begin() as connection:
                    for n in range(start, min(N, start + 500)):
                        event = new_event(TYPE, {"n": n})
                        await add_to_outbox(connection, event, f"b:{n}")
            relay = Relay(database, to_broker, batch_size=500)
            began, wall = time.perf_counter(), time.time()
            await relay.drain()
            published = time.perf_counter() - began
            handled = await handled_times(child)
            last = max(handled.values()) - wall
            print(json.dumps({"published_per_s": N / published, "handled_per_s": N / last,
                              "handled": len(handled)}))
        await broker.stop()
        await database.dispose()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()

asyncio.run(main())
"""


def _inner(venv: Venv, project: Path, broker: str, events: int, mode: str) -> dict[str, float]:
    script = project / "bench_events.py"
    script.write_text(INNER)
    out = subprocess.run(
        [str(venv.python), str(script), str(events), URLS[broker], SERVER, mode],
        cwd=project, capture_output=True, text=True,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin", "LOG_LEVEL": "ERROR"},
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"{broker} {mode} failed:\n{out.stderr[-3000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _new(args: list[str], target: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "backendkit", "new", *args, "--auth", "none", "--db", "postgres",
         "--deploy", "none", "--ci", "none", "--output", str(target), "--no-git", "--defaults"],
        check=True, capture_output=True,
    )  # fmt: skip
    return target


_POST = """
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"total": %d}', counter)
  return wrk.format("POST", "/api/v1/orders", {["Content-Type"] = "application/json"}, body)
end
"""


# The create part's variants: --events or not, the relay in the web process or its own.
VARIANTS = {"without": (False, False), "in-process": (True, False), "relay-process": (True, True)}


@contextlib.contextmanager
def relay_process(venv: Venv, project: Path, env: dict[str, str], log: Path) -> Iterator[None]:
    """``python -m app relay`` running beside the web process."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(venv.python), "-m", "app", "relay"], cwd=project, stdout=output, stderr=output,
            env={**env, "EVENTS_PROBE_PORT": "0"},
        )  # fmt: skip
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def create_cost(broker: str, scratch: Path, runs: int, seconds: int) -> dict[str, float]:
    """Create req/s of ``order --crud total:int`` per variant (VARIANTS; medians)."""
    projects = {
        events: _new(["order", "--crud", "total:int", "--broker", broker, *flag],
                     scratch / f"create-{broker}-{events}")
        for events, flag in ((True, ["--events"]), (False, []))
    }  # fmt: skip
    venv = ensure_venv(requirements_of(projects[True]))
    script = scratch / "post.lua"
    script.write_text(_POST + _DONE)
    samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
    names = list(VARIANTS)
    for run in range(runs):
        for name in names[run % 3 :] + names[: run % 3]:
            events, own_relay = VARIANTS[name]
            database = f"bench_create_{uuid.uuid4().hex[:10]}"
            dsn = SERVER.replace("+asyncpg", "")
            sql(venv, f"{dsn}/postgres", f'CREATE DATABASE "{database}"')
            try:
                env = project_env(
                    projects[events], DATABASE_URL=f"{SERVER}/{database}", APP_ENV="test",
                    LOG_LEVEL="WARNING", BROKER_URL=URLS[broker], RATE_LIMIT_PER_MINUTE="0",
                    APP_NAME=f"bench-{uuid.uuid4().hex[:8]}",
                    EVENTS_RELAY_IN_PROCESS=str(not own_relay).lower(),
                )  # fmt: skip
                subprocess.run(
                    [str(venv.python), "-m", "alembic", "upgrade", "head"],
                    cwd=projects[events], env=env, check=True, capture_output=True,
                )  # fmt: skip
                log = scratch / "server.log"
                relay = (
                    relay_process(venv, projects[events], env, log)
                    if own_relay
                    else contextlib.nullcontext()
                )
                with relay, serving(venv, projects[events], "app.main:app", env, log, 1) as base:
                    wrk(base, script, 16, 1)  # warm up
                    samples[name].append(wrk(base, script, 16, seconds).rps)
            finally:
                sql(venv, f"{dsn}/postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--brokers", default="rabbitmq,nats,redis")
    parser.add_argument("--parts", default="throughput,latency,create")
    parser.add_argument("--rate", type=float, default=500.0, help="events/s of the latency part")
    parser.add_argument("--seconds", type=int, default=10, help="length of a latency/create run")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    print(
        f"median of {args.runs} runs; throughput: {args.events} events; latency: "
        f"{args.rate:.0f} events/s for {args.seconds} s; create: wrk -c16 {args.seconds} s"
    )
    with tempfile.TemporaryDirectory() as scratch:
        for broker in args.brokers.split(","):
            project = _new(["bench", "--broker", broker], Path(scratch) / broker)
            venv = ensure_venv(requirements_of(project))
            if "throughput" in parts:
                results = [
                    _inner(venv, project, broker, args.events, "throughput")
                    for _ in range(args.runs)
                ]
                assert all(r["handled"] == args.events for r in results), results
                published = statistics.median(r["published_per_s"] for r in results)
                handled = statistics.median(r["handled_per_s"] for r in results)
                each = " ".join(
                    f"{r['published_per_s']:.0f}/{r['handled_per_s']:.0f}" for r in results
                )
                print(f"{broker:10} throughput  published/s {published:7,.0f}  handled/s "
                      f"{handled:7,.0f}  (runs: {each})", flush=True)  # fmt: skip
            if "latency" in parts:
                mode = f"latency:{args.rate}:{args.seconds}"
                runs = [_inner(venv, project, broker, 0, mode) for _ in range(args.runs)]
                assert all(r["handled"] == r["total"] for r in runs), runs
                p50 = statistics.median(r["p50_ms"] for r in runs)
                p99 = statistics.median(r["p99_ms"] for r in runs)
                rate = statistics.median(r["rate"] for r in runs)
                each = " ".join(f"{r['p50_ms']:.0f}/{r['p99_ms']:.0f}" for r in runs)
                print(f"{broker:10} latency     P50 {p50:6.1f} ms  P99 {p99:6.1f} ms at "
                      f"{rate:.0f} events/s  (runs P50/P99: {each})", flush=True)  # fmt: skip
            if "create" in parts:
                rps = create_cost(broker, Path(scratch), args.runs, args.seconds)
                without = rps["without"]
                print(f"{broker:10} create      {without:7,.0f} req/s without --events; with: "
                      f"{rps['in-process']:7,.0f} relay in process (ratio "
                      f"{rps['in-process'] / without:.2f}), {rps['relay-process']:7,.0f} "
                      f"relay process (ratio {rps['relay-process'] / without:.2f})",
                      flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
