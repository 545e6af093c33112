"""`--html FILE`: the summary as one self-contained page with latency charts."""

from __future__ import annotations

from html import escape
from typing import Any

from backendkit.loadtest.charts import distribution_chart, time_chart
from backendkit.loadtest.report import PERCENTILES, waiting_line
from backendkit.loadtest.targets import format_actual

_STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 800px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.2em; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.pass { color: #1a7f37; font-weight: bold; } .fail { color: #c62828; font-weight: bold; }
p.meta { color: #555; }
"""
_PASS = '<span class="pass">pass</span>'
_FAIL = '<span class="fail">FAIL</span>'
_LATENCY_COLUMNS = ("min", *PERCENTILES, "max", "mean")


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _latency_table(summary: dict[str, Any]) -> str:
    rows = [("all", summary["latency_ms"])]
    if len(summary["endpoints"]) > 1:
        rows += [(e["name"], e["latency_ms"]) for e in summary["endpoints"]]
    if "baseline" in summary:
        rows.append(("baseline", summary["baseline"]["latency_ms"]))
    return _table(
        ["requests", "n", *(c.replace("_", ".") for c in _LATENCY_COLUMNS)],
        [
            [escape(name), str(lat["count"]), *(f"{lat[c]:g}" for c in _LATENCY_COLUMNS)]
            for name, lat in rows
        ],
    )


def _targets_table(summary: dict[str, Any]) -> str:
    if not summary["targets"]:
        return "<p>No targets were set.</p>"
    rows = []
    for row in summary["targets"]:
        verdict = (
            '<span class="pass">pass</span>' if row["passed"] else '<span class="fail">FAIL</span>'
        )
        rows.append([escape(row["expression"]), escape(format_actual(row)), verdict])
    return _table(["target", "actual", "result"], rows)


def render_html(summary: dict[str, Any]) -> str:
    """The page's HTML."""
    plan, schedule, errors = summary["plan"], summary["schedule"], summary["errors"]
    timeline = summary["timeline"]
    seconds = [row["second"] for row in timeline]
    latency_chart = time_chart(
        seconds,
        {name: [row[name] for row in timeline] for name in ("p50", "p95", "p99", "max")},
        y_label="latency (ms)",
    )
    rate_chart = time_chart(
        seconds,
        {"sent": [row["sent"] for row in timeline], "errors": [row["errors"] for row in timeline]},
        y_label="requests per second",
    )
    statuses = ", ".join(f"{c} &times; {n}" for c, n in summary["status_codes"].items())
    hints = "".join(f"<li>{escape(h)}</li>" for h in summary.get("hints", []))
    passed = summary.get("passed", True)
    verdict = '<span class="pass">passed</span>' if passed else '<span class="fail">failed</span>'
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>backendkit loadtest report</title>
<style>{_STYLE}</style></head><body>
<h1>Load test {verdict}</h1>
<p class="meta">{escape(plan["origin"])} &middot; {plan["rate_rps"]:g} req/s for
{plan["duration_s"]:g} s (warm-up {plan["warmup_s"]:g} s) &middot; up to {plan["concurrency"]}
connections &middot; started {escape(summary["started_at"])}</p>
<h2>Targets</h2>{_targets_table(summary)}
<h2>Latency (ms, from the intended send time)</h2>{_latency_table(summary)}
<p>Throughput {summary["throughput_rps"]:g} req/s; sent at {schedule["achieved_rps"]:g} req/s.
{escape(waiting_line(summary) or "No request waited for a connection")}.
Errors {errors["rate"] * 100:.2f}% (HTTP {errors["http"]}, transport {errors["transport"]}).
Status codes: {statuses or "none"}.</p>
{f"<h2>What the numbers suggest</h2><ul>{hints}</ul>" if hints else ""}
<h2>Latency over time</h2>{latency_chart}
<h2>Requests per second</h2>{rate_chart}
<h2>Latency distribution</h2>{distribution_chart(summary["distribution"])}
<p class="meta">Histogram precision: {escape(summary["precision"])}.</p>
</body></html>
"""
