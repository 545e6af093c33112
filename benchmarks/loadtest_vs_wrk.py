"""`backendkit loadtest` against wrk on the same local server: accuracy, and top rate.

Run: .venv/bin/python benchmarks/loadtest_vs_wrk.py [--runs 3] [--duration 10]
     .venv/bin/python benchmarks/loadtest_vs_wrk.py --top-rate [--runs 5] [--duration 5]
Needs wrk (Debian: apt-get install wrk); without it the script says so and exits 0.

--top-rate: the most replies per second each tool gets from the server with 16 connections,
on /cpu (0.1 ms of server CPU per request, like a small real handler: the server sets the top
rate, as the generated service does) and on /fast (nothing to do: the tool's own cost shows):
wrk unpaced (`wrk -t2 -c16`, its default threads) against `backendkit loadtest -c16` asked
for 1.3 x the rate wrk just reached (so it is never the asked rate that limits it), with one
process and with --processes 2. Rounds are interleaved (wrk, bk, bk -p2, wrk, ...) and the
ratio is of medians, so a shared machine's noise hits every tool alike; the load average is
printed before and after.

Debian's wrk (4.x) has no rate option, so a Lua `delay()` hook paces it to the same constant
arrival rate from a shared schedule on one thread (wrk2's idea). wrk times a request from its
actual send, backendkit from its intended send: on a steady server the two agree, and any gap
is backendkit's own per-request cost. Runs are interleaved and reported as medians, so machine
noise hits both tools alike. All traffic goes to a local test server on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
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
TOP_CONNECTIONS = 16

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


def wrk_top_rate(url: str, duration: int) -> float:
    """Replies per second of unpaced wrk with 16 connections."""
    argv = ["wrk", "-t2", f"-c{TOP_CONNECTIONS}", f"-d{duration}s", url]
    output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    throughput = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not throughput:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    return float(throughput.group(1))


def backendkit_top_rate(url: str, rate: float, duration: int, processes: int) -> float:
    """Replies per second of backendkit asked for RATE (above what it can do) on 16 connections."""
    backendkit = str(Path(sys.executable).with_name("backendkit"))
    argv = [backendkit, "loadtest", url, "--rps", str(round(rate)), "--duration", f"{duration}s"]
    argv += ["--concurrency", str(TOP_CONNECTIONS), "--processes", str(processes), "--json", "-"]
    result = subprocess.run(argv, capture_output=True, text=True, check=True)
    return float(json.loads(result.stdout)["throughput_rps"])


def top_rate(url: str, runs: int, duration: int) -> None:
    """Interleaved rounds of the three; per-run values, medians and ratios."""
    samples: dict[str, list[float]] = {"wrk -t2 -c16": [], "bk -c16": [], "bk -c16 -p2": []}
    print(f"top rate on {url}, {runs} interleaved rounds of {duration} s, load average {_load()}")
    for round_ in range(1, runs + 1):
        reached = wrk_top_rate(url, duration)
        samples["wrk -t2 -c16"].append(reached)
        samples["bk -c16"].append(backendkit_top_rate(url, 1.3 * reached, duration, 1))
        samples["bk -c16 -p2"].append(backendkit_top_rate(url, 1.3 * reached, duration, 2))
        values = "  ".join(f"{name} {runs_[-1]:8.0f}" for name, runs_ in samples.items())
        print(f"round {round_}: {values}   (req/s)")
    medians = {name: statistics.median(values) for name, values in samples.items()}
    wrk = medians["wrk -t2 -c16"]
    for name, value in medians.items():
        print(f"{name:<14} median {value:8.0f} req/s   x{value / wrk:.2f} of wrk")
    print(f"load average after: {_load()}")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--top-rate", action="store_true", help="compare top rates instead")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk); skipping the comparison")
        return
    process, base = start_server()
    try:
        if args.top_rate:
            for path in ("/cpu", "/fast"):
                top_rate(base + path, args.runs, args.duration)
            return
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
