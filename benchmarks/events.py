"""Events through a generated service: outbox -> relay -> broker -> consumer, per broker.

For each broker it generates a service (--broker B), writes N events to its outbox on
PostgreSQL, and times (1) the relay publishing them all (events/s published) and (2) until
the consumer has handled every one through its inbox (events/s end to end). Medians of
--runs runs.

Run: .venv/bin/python benchmarks/events.py [--events 5000] [--runs 3] [--brokers rabbitmq,nats]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.venv import ensure_venv, requirements_of  # noqa: E402

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

N, BROKER_URL, SERVER = int(sys.argv[1]), sys.argv[2], sys.argv[3]

async def handle(event, connection):
    return None

async def main():
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(SERVER.replace("+asyncpg", "") + "/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{SERVER}/{name}"
        config = Config("alembic.ini")
        config.set_main_option("sqlalchemy.url", url)
        config.attributes["configure_logger"] = False
        await asyncio.to_thread(command.upgrade, config, "head")
        source = f"bench-{uuid.uuid4().hex[:8]}"
        use_source(source)
        settings = Settings(database_url=url, broker_url=BROKER_URL, app_name=source)
        database = Database.from_settings(settings)
        broker = create_broker(settings)
        consumer = Consumer(database, HandlerSpec("bench.happened", source, handle))
        subscribe(broker, source, "bench.happened", consumer)
        await broker.start()
        await asyncio.sleep(0.5)
        for start in range(0, N, 500):
            async with database.engine.begin() as connection:
                for n in range(start, min(N, start + 500)):
                    await add_to_outbox(connection, new_event("bench.happened", {"n": n}), f"b:{n}")

        async def to_broker(envelope):
            await publish(broker, envelope)

        relay = Relay(database, to_broker, batch_size=500)
        began = time.perf_counter()
        await relay.drain()
        published = time.perf_counter() - began
        while consumer.handled < N and time.perf_counter() - began < 120:
            await asyncio.sleep(0.01)
        handled = time.perf_counter() - began
        print(json.dumps({"published_per_s": N / published, "handled_per_s": N / handled,
                          "handled": consumer.handled}))
        await broker.stop()
        await database.dispose()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()

asyncio.run(main())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--brokers", default="rabbitmq,nats,redis")
    args = parser.parse_args()
    print(f"{'broker':10} {'published/s':>12} {'handled/s':>12}  (median of {args.runs}, "
          f"{args.events} events)")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        for broker in args.brokers.split(","):
            project = Path(scratch) / broker
            subprocess.run(
                [sys.executable, "-m", "backendkit", "new", "bench", "--broker", broker,
                 "--auth", "none", "--output", str(project), "--no-git", "--defaults"],
                check=True, capture_output=True,
            )  # fmt: skip
            venv = ensure_venv(requirements_of(project))
            results = []
            for _ in range(args.runs):
                out = subprocess.run(
                    [str(venv.python), "-c", INNER, str(args.events), URLS[broker], SERVER],
                    cwd=project, check=True, capture_output=True, text=True,
                    env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin", "LOG_LEVEL": "ERROR"},
                )  # fmt: skip
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            assert all(r["handled"] == args.events for r in results), results
            published = statistics.median(r["published_per_s"] for r in results)
            handled = statistics.median(r["handled_per_s"] for r in results)
            print(f"{broker:10} {published:12,.0f} {handled:12,.0f}")


if __name__ == "__main__":
    main()
