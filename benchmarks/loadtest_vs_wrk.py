"""Accuracy of `backendkit loadtest` against wrk: P50, P99 and throughput, same endpoint and rate.

Run: .venv/bin/python benchmarks/loadtest_vs_wrk.py [--runs 3] [--duration 10]
Needs wrk (Debian: apt-get install wrk); without it the script says so and exits 0.

Debian's wrk (4.x) has no rate option, so a Lua `delay()` hook paces it to the same constant
arrival rate from a shared schedule on one thread (wrk2's idea). wrk times a request from its
actual send, backendkit from its intended send: on a steady server the two agree, and any gap
is backendkit's own per-request cost. Runs are interleaved and reported as medians, so machine
noise hits both tools alike. All traffic goes to a local test server on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SERVER = Path(__file__).parents[1] / "tests" / "loadtest" / "http_test_server.py"
CASES = (("/slow", 200), ("/fast", 1000), ("/fast", 3000))  # /slow answers after 20 ms
CONNECTIONS = 64

_PACING = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bk_timespec;
int clock_gettime(int clock_id, bk_timespec *tp);
]]
local now = ffi.new("bk_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, now)
  return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
end
local interval, start, sent = 1000 / RATE, nil, 0
function delay()
  local t = now_ms()
  start = start or t
  local due = start + sent * interval
  sent = sent + 1
  return math.max(0, due - t)
end
"""
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def start_server() -> tuple[subprocess.Popen[str], str]:
    """The raw asyncio test server and its base URL."""
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--lifetime", "3600"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    port = int(process.stdout.readline().split()[1])
    return process, f"http://127.0.0.1:{port}"


def run_backendkit(url: str, rate: int, duration: int) -> dict[str, float]:
    """P50, P99 (ms) and throughput of one backendkit run."""
    backendkit = str(Path(sys.executable).with_name("backendkit"))
    argv = [backendkit, "loadtest", url, "--rps", str(rate), "--duration", f"{duration}s"]
    argv += ["--concurrency", str(CONNECTIONS), "--json", "-"]
    result = subprocess.run(argv, capture_output=True, text=True, check=True)
    summary = json.loads(result.stdout)
    return {
        "p50": summary["latency_ms"]["p50"],
        "p99": summary["latency_ms"]["p99"],
        "rps": summary["throughput_rps"],
    }


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run_wrk(url: str, rate: int, duration: int, script: Path) -> dict[str, float]:
    """P50, P99 (ms) and throughput of one paced wrk run."""
    script.write_text(_PACING.replace("RATE", str(rate)))
    argv = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", "-s", str(script)]
    output = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    throughput = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not throughput or set(percentiles) != {"50", "99"}:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    return {
        "p50": _ms(percentiles["50"]),
        "p99": _ms(percentiles["99"]),
        "rps": float(throughput.group(1)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk); skipping the comparison")
        return
    process, base = start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "pace.lua"
            print(f"{args.runs} interleaved runs of {args.duration} s, {CONNECTIONS} connections")
            print(f"{'case':<16}{'tool':<12}{'p50 ms':>10}{'p99 ms':>10}{'req/s':>10}")
            for path, rate in CASES:
                samples: dict[str, list[dict[str, float]]] = {"backendkit": [], "wrk": []}
                for _ in range(args.runs):
                    samples["wrk"].append(run_wrk(base + path, rate, args.duration, script))
                    samples["backendkit"].append(run_backendkit(base + path, rate, args.duration))
                _print_case(f"{path} @{rate}/s", samples)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=10)


def _print_case(case: str, samples: dict[str, list[dict[str, float]]]) -> None:
    medians = {
        tool: {key: statistics.median(run[key] for run in runs) for key in ("p50", "p99", "rps")}
        for tool, runs in samples.items()
    }
    for i, (tool, values) in enumerate(medians.items()):
        label = case if i == 0 else ""
        print(
            f"{label:<16}{tool:<12}{values['p50']:>10.3f}{values['p99']:>10.3f}{values['rps']:>10.1f}"
        )
    ours, theirs = medians["backendkit"], medians["wrk"]
    ratios = [
        ours[key] / theirs[key] if theirs[key] else float("inf") for key in ("p50", "p99", "rps")
    ]
    print(f"{'':<16}{'ratio':<12}" + "".join(f"{'x' + format(r, '.2f'):>10}" for r in ratios))


if __name__ == "__main__":
    main()
