"""Counts kept while a run is going: latencies, statuses and errors, overall and per second.

Latency is measured from the intended send time (or from the actual send when that came first,
see scheduler.py), so waiting for the scheduler or for a free connection counts. Replies of any
status and timed-out requests enter the latency histograms (a timeout is a request that took at
least that long, a request given up after waiting --timeout in line included); a request
refused or reset before any reply has no latency and is only counted as a transport error.
Recorders of several processes merge exactly: their histograms add their counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from backendkit.loadtest.failures import TIMEOUT
from backendkit.loadtest.histogram import LatencyHistogram


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

    def merge(self, other: Tally) -> None:
        """Add OTHER's outcomes to this tally."""
        self.latency.merge(other.latency)
        self.statuses.update(other.statuses)
        self.transport_errors.update(other.transport_errors)
        self.sent += other.sent


class Recorder:
    """Everything measured after the warm-up; the timeline is keyed by intended second.

    Each outcome is recorded once, in its second of the timeline (and in its endpoint's tally
    when there are several): the run's total is the timeline merged, exactly, at the end.
    """

    def __init__(self, endpoint_count: int, window_start: float) -> None:
        self.window_start = window_start
        self.timeline: list[Tally] = []
        self._endpoints = [Tally() for _ in range(endpoint_count)] if endpoint_count > 1 else []
        # Recorded directly by the scheduler and the pool (once per request: no wrapper call).
        self.scheduler_lag = LatencyHistogram()  # how late sends left their due time, in us
        self.line_wait = LatencyHistogram()  # how long queued requests waited for a connection
        self.queued = 0  # requests that waited in line for a free connection
        self.gave_up = 0  # requests still in line after --timeout: never sent, timed out
        self.last_completion = window_start

    @property
    def total(self) -> Tally:
        """Every measured outcome (the timeline merged; compute once, not per request)."""
        total = Tally()
        for tally in self.timeline:
            total.merge(tally)
        return total

    @property
    def endpoints(self) -> list[Tally]:
        """Outcomes per endpoint, in the plan's order."""
        return self._endpoints or [self.total]

    def merge(self, other: Recorder) -> None:
        """Add OTHER's counts; both must share the window start (on their own clocks)."""
        for mine, theirs in zip(self._endpoints, other._endpoints, strict=True):
            mine.merge(theirs)
        for second, tally in enumerate(other.timeline):
            self._at(second).merge(tally)
        self.scheduler_lag.merge(other.scheduler_lag)
        self.line_wait.merge(other.line_wait)
        self.queued += other.queued
        self.gave_up += other.gave_up
        self.last_completion = self.window_start + max(
            self.last_completion - self.window_start,
            other.last_completion - other.window_start,
        )

    def _second(self, intended: float) -> Tally:
        index = int(intended - self.window_start)
        timeline = self.timeline
        return timeline[index] if index < len(timeline) else self._at(index)

    def _at(self, index: int) -> Tally:
        timeline = self.timeline
        while len(timeline) <= index:
            timeline.append(Tally())
        return timeline[index]

    def sent(self, endpoint: int, intended: float) -> None:
        """A request was written to a connection."""
        self._second(intended).sent += 1
        if self._endpoints:
            self._endpoints[endpoint].sent += 1

    def reply(self, endpoint: int, intended: float, latency: float, status: int) -> None:
        """An HTTP reply arrived LATENCY seconds after the request was due (or left)."""
        micros = int(latency * 1e6)
        index = int(intended - self.window_start)  # _second, inlined: once per reply
        timeline = self.timeline
        second = timeline[index] if index < len(timeline) else self._at(index)
        second.latency.record(micros)
        second.statuses[status] += 1
        if self._endpoints:
            tally = self._endpoints[endpoint]
            tally.latency.record(micros)
            tally.statuses[status] += 1
        done = intended + latency
        if done > self.last_completion:
            self.last_completion = done

    def failure(self, endpoint: int, intended: float, latency: float, kind: str) -> None:
        """A request ended without a reply (KIND is one of the pool's error kinds)."""
        micros = int(latency * 1e6)
        tallies = [self._second(intended)]
        if self._endpoints:
            tallies.append(self._endpoints[endpoint])
        for tally in tallies:
            if kind == TIMEOUT:
                tally.latency.record(micros)
            tally.transport_errors[kind] += 1
        self.last_completion = max(self.last_completion, intended + latency)
