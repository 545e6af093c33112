"""Counts kept while a run is going: latencies, statuses and errors, overall and per second.

Latency is measured from the intended send time (or from the actual send when that came first,
see scheduler.py), so waiting for the scheduler or for a free connection counts. Replies of any
status and timed-out requests enter the latency histograms (a timeout is a request that took at
least that long); a request refused or reset before any reply has no latency and is only
counted as a transport error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from backendkit.loadtest.histogram import LatencyHistogram
from backendkit.loadtest.pool import TIMEOUT


@dataclass
class Tally:
    """Outcomes of one group of requests (the run, an endpoint, or one second)."""

    latency: LatencyHistogram = field(default_factory=LatencyHistogram)
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: Counter[str] = field(default_factory=Counter)
    sent: int = 0

    @property
    def replies(self) -> int:
        """Requests that got an HTTP reply."""
        return sum(self.statuses.values())

    @property
    def http_errors(self) -> int:
        """Replies outside 2xx and 3xx."""
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 400)

    @property
    def completed(self) -> int:
        """Requests that ended, one way or another."""
        return self.replies + sum(self.transport_errors.values())


class Recorder:
    """Everything measured after the warm-up; the timeline is keyed by intended second."""

    def __init__(self, endpoint_count: int, window_start: float) -> None:
        self.window_start = window_start
        self.total = Tally()
        self.endpoints = [Tally() for _ in range(endpoint_count)]
        self.timeline: list[Tally] = []
        self.scheduler_lag = LatencyHistogram()  # how late the scheduler launched sends
        self.queued = 0  # sends that waited for a free connection
        self.dropped = 0  # sends never made: the line for a connection was full
        self.last_completion = window_start

    def _second(self, intended: float) -> Tally:
        index = int(intended - self.window_start)
        timeline = self.timeline
        while len(timeline) <= index:
            timeline.append(Tally())
        return timeline[index]

    def launched(self, lag: float) -> None:
        """A send started LAG seconds after its due time (negative: early)."""
        self.scheduler_lag.record(int(lag * 1e6) if lag > 0 else 0)

    def sent(self, endpoint: int, intended: float) -> None:
        """A request was written to a connection."""
        self.total.sent += 1
        self.endpoints[endpoint].sent += 1
        self._second(intended).sent += 1

    def reply(self, endpoint: int, intended: float, latency: float, status: int) -> None:
        """An HTTP reply arrived LATENCY seconds after the request was due (or left)."""
        micros = int(latency * 1e6)
        second = self._second(intended)
        for tally in (self.total, self.endpoints[endpoint], second):
            tally.latency.record(micros)
            tally.statuses[status] += 1
        self.last_completion = max(self.last_completion, intended + latency)

    def failure(self, endpoint: int, intended: float, latency: float, kind: str) -> None:
        """A request ended without a reply (KIND is one of the pool's error kinds)."""
        micros = int(latency * 1e6)
        second = self._second(intended)
        for tally in (self.total, self.endpoints[endpoint], second):
            if kind == TIMEOUT:
                tally.latency.record(micros)
            tally.transport_errors[kind] += 1
        self.last_completion = max(self.last_completion, intended + latency)
