"""Open-loop HTTP load testing with honest percentiles: the library behind `backendkit loadtest`.

from backendkit.loadtest import Endpoint, LoadPlan, run_load_sync, summarize
"""

from __future__ import annotations

from backendkit.loadtest.histogram import LatencyHistogram
from backendkit.loadtest.plan import Endpoint, LoadPlan, endpoint_from_url
from backendkit.loadtest.report import summarize
from backendkit.loadtest.scheduler import RunResult, run_load, run_load_sync
from backendkit.loadtest.targets import SEED_TARGETS, parse_target

__all__ = [
    "SEED_TARGETS",
    "Endpoint",
    "LatencyHistogram",
    "LoadPlan",
    "RunResult",
    "endpoint_from_url",
    "parse_target",
    "run_load",
    "run_load_sync",
    "summarize",
]
