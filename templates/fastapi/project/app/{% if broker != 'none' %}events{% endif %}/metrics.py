"""Prometheus metrics of events: published, handled, repeated, retried, dead-lettered, and the
outbox backlog (as the relay last counted it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from app.events.runtime import EventRuntime


class EventsCollector(Collector):
    """Reads the relay's and the consumers' counts at each scrape."""

    def __init__(self, runtime: EventRuntime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        relay = self.runtime.relay
        published = CounterMetricFamily(
            "events_published", "Events the outbox relay published to the broker"
        )
        published.add_metric([], relay.published)
        yield published
        backlog = GaugeMetricFamily(
            "events_outbox_backlog", "Outbox events waiting to be published (last count)"
        )
        backlog.add_metric([], relay.last_backlog)
        yield backlog
        counts = {
            "handled": "Events a consumer handled",
            "repeats": "Deliveries dropped as repeats by the inbox",
            "retried": "Handler attempts that failed and were retried",
            "dead_lettered": "Events kept as dead letters after their last attempt",
        }
        for name, description in counts.items():
            family = CounterMetricFamily(f"events_{name}", description, labels=["type"])
            for consumer in self.runtime.consumers:
                family.add_metric([consumer.spec.event_type], getattr(consumer, name))
            yield family
