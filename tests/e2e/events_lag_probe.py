"""Run by a generated service's Python in its directory (python events_lag_probe.py BROKER):
the worker's consumer-lag count against the real broker. A subscription is made (the
broker's queue, durable consumer or consumer group), its consumer stops, three events are
published: the backlog must read 3. Two events published before the subscription existed are
not in it: a new subscription starts with new events (RabbitMQ's new queue, JetStream's
DeliverPolicy.NEW). On NATS the stream has its retention (max_age). The subscription is
removed afterwards."""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Any

from app.core.config import get_settings
from app.events.broker import Backlog, create_broker, declare_publisher, publish, subscribe
from app.events.outbox import new_event


async def _remove(broker_name: str, url: str, group: str, event_type: str) -> None:
    if broker_name == "rabbitmq":
        import aio_pika

        connection = await aio_pika.connect(url)
        channel = await connection.channel()
        await channel.queue_delete(f"{group}.{event_type}")
        await connection.close()
    elif broker_name == "nats":
        import nats

        client = await nats.connect(url)
        await client.jetstream().delete_consumer(
            "events", f"{group}-{event_type}".replace(".", "-")
        )
        await client.close()
    else:
        from redis.asyncio import Redis

        client = Redis.from_url(url)
        await client.delete(f"events.{event_type}")
        await client.aclose()


async def main(broker_name: str) -> int:
    settings = get_settings()
    group, event_type = f"lagprobe-{uuid.uuid4().hex[:8]}", f"lag.probe{uuid.uuid4().hex[:8]}"

    async def handle(envelope: dict[str, Any]) -> None:
        del envelope

    publisher = create_broker(settings)
    declare_publisher(publisher, event_type, None)  # the exchange or stream, where it is new
    await publisher.start()
    # Before the subscription: not for it. (Redis too starts a new group at the stream's end,
    # "$", but then reports its lag as unknown: the probe publishes none there.)
    for n in range(2 if broker_name != "redis" else 0):
        await publish(publisher, new_event(event_type, {"early": n}).to_json())
    broker = create_broker(settings)
    subscribe(broker, group, event_type, handle)
    await broker.start()  # declares the subscription
    await broker.stop()
    if broker_name == "nats":
        import nats

        client = await nats.connect(settings.broker_url)
        info = await client.jetstream().stream_info("events")
        await client.close()
        print(f"max_age {info.config.max_age}")
        if info.config.max_age != settings.events_stream_max_age_hours * 3600:
            return 1
    backlog = Backlog(settings.broker_url)
    try:
        for n in range(3):
            await publish(publisher, new_event(event_type, {"n": n}).to_json())
        counted = -1
        for _ in range(50):  # the broker counts what it stored: moments, not seconds
            counted = await backlog.pending(group, event_type)
            if counted == 3:
                break
            await asyncio.sleep(0.1)
        print(f"pending {counted}")
        return 0 if counted == 3 else 1
    finally:
        await backlog.close()
        await publisher.stop()
        await _remove(broker_name, settings.broker_url, group, event_type)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
