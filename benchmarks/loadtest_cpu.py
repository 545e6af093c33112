"""The load generator's own cost: CPU time per request of `backendkit loadtest` and of wrk.

Run: .venv/bin/python benchmarks/loadtest_cpu.py [--rate 4000] [--duration 6] [--runs 5]

Both tools send the same paced rate to /fast of the local test server (nothing to do per
request), in interleaved rounds; each child's user and system CPU time (getrusage) is divided
by the requests it sent. Unlike a top rate, this is stable on a shared, noisy machine: the
other work changes how long a request takes, not how much CPU the client spends on it.
backendkit's figure includes its start-up (about 0.2 s of CPU, spread over the run).
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from loadtest_vs_wrk import _PACING, start_server


def cpu_of(argv: list[str]) -> tuple[float, float, str]:
    """User and system CPU seconds of one child process, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=4000)
    parser.add_argument("--duration", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): nothing to compare against")
        return
    backendkit = str(Path(sys.executable).with_name("backendkit"))
    server, url = start_server()
    per_request: dict[str, list[tuple[float, float]]] = {"backendkit": [], "wrk": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp, "pace.lua")
            script.write_text(f"RATE = {args.rate}\n{_PACING}")
            for _ in range(args.runs):
                user, system, _ = cpu_of(
                    [backendkit, "loadtest", f"{url}/fast", "--rps", str(args.rate),
                     "--duration", f"{args.duration}s", "-c16"]
                )  # fmt: skip
                sent = args.rate * args.duration
                per_request["backendkit"].append((user / sent * 1e6, system / sent * 1e6))
                user, system, output = cpu_of(
                    ["wrk", "-t1", "-c16", f"-d{args.duration}s", "-s", str(script), f"{url}/fast"]
                )
                found = re.search(r"(\d+) requests in", output)
                assert found, output
                sent = int(found.group(1))
                per_request["wrk"].append((user / sent * 1e6, system / sent * 1e6))
    finally:
        server.kill()
    print(f"CPU per request at {args.rate} req/s, medians of {args.runs} interleaved runs")
    for tool, values in per_request.items():
        runs = "  ".join(f"{u:.1f}+{s:.1f}" for u, s in values)
        print(f"{tool:<11} per run, user+system us: {runs}")
    medians = {}
    for tool, values in per_request.items():
        user = statistics.median(u for u, _ in values)
        system = statistics.median(s for _, s in values)
        medians[tool] = user + system
        print(
            f"{tool:<11} user {user:6.1f} us  system {system:6.1f} us  "
            f"total {user + system:6.1f} us"
        )
    print(
        f"backendkit / wrk: x{medians['backendkit'] / medians['wrk']:.2f} of wrk's CPU per request"
    )


if __name__ == "__main__":
    main()
