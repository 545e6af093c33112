"""Generated projects' checks run two at a time, each test waiting for its own result.

Each check is a separate process that uses one core (ruff, mypy, a project's pytest); run one
after another they left the second core idle for most of the suite's longest module. Every
check the session selected is started as soon as the first of them is asked for, longest
first; a test then reads its check's outcome, so a failure still names its project and tool.
BACKENDKIT_TEST_JOBS sets how many run at once (default: the number of cores, at most 2).
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

Job = Callable[[], subprocess.CompletedProcess[str]]


def pool_size() -> int:
    configured = os.environ.get("BACKENDKIT_TEST_JOBS")
    if configured:
        return max(1, int(configured))
    return max(1, min(2, os.cpu_count() or 1))


def lane() -> str:
    """The running worker's name: checks that share a cache use one per lane."""
    return threading.current_thread().name


@dataclass
class CheckPool:
    """Runs jobs by key on a few threads; ``result(key)`` waits for one."""

    executor: ThreadPoolExecutor
    futures: dict[str, Future[subprocess.CompletedProcess[str]]]

    @classmethod
    def start(cls, jobs: Iterable[tuple[str, Job]]) -> CheckPool:
        executor = ThreadPoolExecutor(max_workers=pool_size(), thread_name_prefix="lane")
        return cls(executor, {key: executor.submit(job) for key, job in jobs})

    def result(self, key: str) -> subprocess.CompletedProcess[str]:
        return self.futures[key].result()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
