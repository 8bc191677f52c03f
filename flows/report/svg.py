"""Small inline SVG charts, written as text: a KPI path line chart and horizontal bars."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flows.report.fmt import esc, num

FONT = 'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif"'
# Text sizes in SVG units, chosen for the width each chart is printed at on A4 (186 mm of
# text width = 703 CSS px): a KPI card's line chart (viewBox 280 wide) is printed about 330 px
# wide (two cards a row), a bar chart (viewBox 700) at 700 px: both ≥ 8 pt on paper.
LINE_FONT = 10.5
BAR_FONT = 11
COLOURS = {
    "actual": "#1f4e79",
    "projected": "#b35c00",
    "target": "#2e7d32",
    "grid": "#d9d9d9",
    "axis": "#7f7f7f",
    "text": "#333333",
}


@dataclass
class Line:
    """One series: (x index, value) points, drawn solid or dashed."""

    name: str
    points: list[tuple[float, float]]
    colour: str
    dash: str | None = None
    dots: bool = True


@dataclass
class Bar:
    """One bar of a horizontal bar chart: stacked parts (value, colour, name), optional target."""

    label: str
    parts: list[tuple[float, str, str]] = field(default_factory=list)
    target: float | None = None
    value_text: str | None = None


def _f(x: float) -> str:
    return f"{x:.1f}"


def _range(values: list[float]) -> tuple[float, float]:
    """A y range with a little room; starts at 0 when the data are far from it."""
    lo, hi = min(values), max(values)
    if lo >= 0 and lo < 0.5 * hi:
        lo = 0.0
    if hi <= 0 and hi > 0.5 * lo:
        hi = 0.0
    if math.isclose(lo, hi):
        pad = abs(hi) * 0.1 or 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.08
    return (lo if lo == 0 else lo - pad), (hi if hi == 0 else hi + pad)


def _decimals(span: float) -> int:
    return 2 if span < 2 else 1 if span < 20 else 0


def line_chart(
    lines: list[Line],
    *,
    x_labels: list[str],
    target: tuple[float | None, float | None] | None,
    title: str,
    width: int = 280,
    height: int = 140,
) -> str:
    """A small line chart over x_labels with a target line (or band between low and high)."""
    values = [v for line in lines for _, v in line.points]
    if not values or not x_labels:
        return (
            f'<svg class="chart" viewBox="0 0 {width} 40" role="img" '
            f'aria-label="{esc(title)}"><title>{esc(title)}</title>'
            f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="{LINE_FONT}" '
            f'{FONT} fill="{COLOURS["axis"]}">Chưa có số liệu / no data yet</text></svg>'
        )
    if target:
        values += [t for t in target if t is not None]
    left, right, top, bottom = 48, 10, 8, 22
    lo, hi = _range(values)
    n = len(x_labels)

    def x(i: float) -> float:
        return left + (width - left - right) * (i / max(n - 1, 1))

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - lo) / (hi - lo))

    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(title)}" preserveAspectRatio="xMidYMid meet">'
        f"<title>{esc(title)}</title>"
    ]
    for k in range(3):
        v = lo + (hi - lo) * k / 2
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_f(y(v))}" y2="{_f(y(v))}" '
            f'stroke="{COLOURS["grid"]}" stroke-width="0.6"/>'
            f'<text x="{left - 3}" y="{_f(y(v) + 4)}" text-anchor="end" '
            f'font-size="{LINE_FONT}" '
            f'{FONT} fill="{COLOURS["text"]}">{num(v, _decimals(hi - lo))}'
            "</text>"
        )
    for i, label in enumerate(x_labels):
        out.append(
            f'<text x="{_f(x(i))}" y="{height - 6}" text-anchor="middle" '
            f'font-size="{LINE_FONT}" '
            f'{FONT} fill="{COLOURS["text"]}">{esc(label)}</text>'
        )
    if target:
        out.append(_target(target, x(0), x(n - 1), y))
    for line in lines:
        out.append(_polyline(line, x, y))
    out.append("</svg>")
    return "".join(out)


def _target(target: tuple[float | None, float | None], x0: float, x1: float, y) -> str:
    low, high = target
    colour = COLOURS["target"]
    if low is not None and high is not None:
        top, bottom = y(max(low, high)), y(min(low, high))
        return (
            f'<rect x="{_f(x0)}" y="{_f(top)}" width="{_f(x1 - x0)}" '
            f'height="{_f(max(bottom - top, 1))}" fill="{colour}" fill-opacity="0.15" '
            f'stroke="{colour}" stroke-width="0.8" stroke-dasharray="4 2"/>'
        )
    value = low if low is not None else high
    if value is None:
        return ""
    return (
        f'<line x1="{_f(x0)}" x2="{_f(x1)}" y1="{_f(y(value))}" y2="{_f(y(value))}" '
        f'stroke="{colour}" stroke-width="1.2" stroke-dasharray="4 2"/>'
    )


def _polyline(line: Line, x, y) -> str:
    if not line.points:
        return ""
    pts = " ".join(f"{_f(x(i))},{_f(y(v))}" for i, v in line.points)
    dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
    out = [
        f'<polyline points="{pts}" fill="none" stroke="{line.colour}" stroke-width="1.6"'
        f"{dash}><title>{esc(line.name)}</title></polyline>"
    ]
    if line.dots:
        out += [
            f'<circle cx="{_f(x(i))}" cy="{_f(y(v))}" r="1.8" fill="{line.colour}"/>'
            for i, v in line.points
        ]
    return "".join(out)


def hbar_chart(
    bars: list[Bar], *, title: str, width: int = 700, label_width: int = 280, row_height: int = 18
) -> str:
    """Horizontal bars, stacked when a bar has several parts, with a target tick if given."""
    if not bars:
        return ""
    scale_max = max(
        [sum(max(v, 0) for v, _, _ in b.parts) for b in bars]
        + [b.target or 0 for b in bars]
        + [1e-9]
    )
    value_width = 90
    plot = width - label_width - value_width
    height = row_height * len(bars) + 6
    out = [
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(title)}"><title>{esc(title)}</title>'
    ]
    for row, bar in enumerate(bars):
        top = 3 + row * row_height
        mid = top + row_height / 2 + 3
        out.append(
            f'<text x="{label_width - 4}" y="{_f(mid)}" text-anchor="end" '
            f'font-size="{BAR_FONT}" '
            f'{FONT} fill="{COLOURS["text"]}">{esc(bar.label, 44)}</text>'
        )
        x0 = float(label_width)
        for value, colour, name in bar.parts:
            w = plot * max(value, 0) / scale_max
            out.append(
                f'<rect x="{_f(x0)}" y="{top + 3}" width="{_f(w)}" '
                f'height="{row_height - 6}" fill="{colour}"><title>{esc(name)}: '
                f"{num(value)}</title></rect>"
            )
            x0 += w
        if bar.target is not None:
            tx = label_width + plot * bar.target / scale_max
            out.append(
                f'<line x1="{_f(tx)}" x2="{_f(tx)}" y1="{top}" y2="{top + row_height}" '
                f'stroke="{COLOURS["target"]}" stroke-width="2"/>'
            )
        text = (
            bar.value_text if bar.value_text is not None else num(sum(v for v, _, _ in bar.parts))
        )
        out.append(
            f'<text x="{_f(width - value_width + 4)}" y="{_f(mid)}" '
            f'font-size="{BAR_FONT}" '
            f'{FONT} fill="{COLOURS["text"]}">{esc(text)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
