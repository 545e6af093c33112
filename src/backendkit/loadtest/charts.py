"""Inline SVG charts, so an HTML report is one self-contained file with no script or library."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 760, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 32, 16, 44
COLOURS = ("#2b7bb9", "#e69f00", "#d55e00", "#777777", "#009e73")


def nice_ceiling(value: float) -> float:
    """A round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) >= VALUE."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


def _frame(x_label: str, y_label: str, y_max: float, x_ticks: list[tuple[float, str]]) -> list[str]:
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="11">',
        f'<rect x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}" fill="#fafafa" '
        'stroke="#ccc"/>',
    ]
    for i in range(5):
        value = y_max * i / 4
        y = _TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e4e4"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>'
        )
    for fraction, label in x_ticks:
        x = _LEFT + plot_w * fraction
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{_TOP}" y2="{_TOP + plot_h}" stroke="#e4e4e4"/>'
            f'<text x="{x:.1f}" y="{_TOP + plot_h + 14}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    parts.append(
        f'<text x="{_LEFT + plot_w / 2}" y="{HEIGHT - 6}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
        f'<text x="14" y="{_TOP + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {_TOP + plot_h / 2})">{escape(y_label)}</text>'
    )
    return parts


def _point(fx: float, value: float, y_max: float) -> str:
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    x = _LEFT + plot_w * fx
    y = _TOP + plot_h - plot_h * min(value, y_max) / y_max
    return f"{x:.1f},{y:.1f}"


def _legend(names: Sequence[str]) -> str:
    items = []
    for i, name in enumerate(names):
        x = _LEFT + 10 + i * 90
        items.append(
            f'<rect x="{x}" y="{_TOP + 6}" width="10" height="10" fill="{COLOURS[i]}"/>'
            f'<text x="{x + 14}" y="{_TOP + 15}">{escape(name)}</text>'
        )
    return "".join(items)


def time_chart(
    seconds: Sequence[float], series: dict[str, Sequence[float]], *, y_label: str
) -> str:
    """Lines over time; x is seconds into the measured window."""
    end = max(1.0, max(seconds, default=0) + 1)
    y_max = nice_ceiling(max((max(v, default=0) for v in series.values()), default=0))
    step = nice_ceiling(end / 8)
    ticks = [(t / end, f"{t:g}") for t in _frange(0, end, step)]
    parts = _frame("seconds since the start (by intended send time)", y_label, y_max, ticks)
    for i, (_, values) in enumerate(series.items()):
        points = " ".join(
            _point((s + 0.5) / end, v, y_max) for s, v in zip(seconds, values, strict=True)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{COLOURS[i]}" stroke-width="1.6"/>'
        )
    parts.append(_legend(list(series)))
    parts.append("</svg>")
    return "".join(parts)


def _frange(start: float, stop: float, step: float) -> list[float]:
    count = int((stop - start) / step) + 1
    return [start + i * step for i in range(count) if start + i * step <= stop]


_NINES = 5  # the percentile axis runs to 99.999%


def _nines(percent: float) -> float:
    remaining = max(1.0 - percent / 100.0, 10.0**-_NINES)
    return min(-math.log10(remaining), _NINES) / _NINES


def distribution_chart(points: Sequence[Sequence[float]]) -> str:
    """Latency by percentile on a 'nines' axis, where the tail gets the room it deserves."""
    y_max = nice_ceiling(max((p[1] for p in points), default=0))
    labels = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%"]
    ticks = [(i / _NINES, label) for i, label in enumerate(labels)]
    parts = _frame("percentile", "latency (ms)", y_max, ticks)
    line = " ".join(_point(_nines(percent), value, y_max) for percent, value in points)
    parts.append(f'<polyline points="{line}" fill="none" stroke="{COLOURS[0]}" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)
