"""Trend charts as inline SVG, drawn on the server: bars per quarter, gaps where suppressed."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 16, 16, 40


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None  # None: hidden, drawn as a gap marked with ``gap``
    gap: str = "< 5"


def _nice_top(value: float, whole: bool) -> float:
    """The axis maximum: four gridline steps of 1, 2, (2.5,) 5 times a power of ten."""
    if value <= 0:
        return 4.0
    quarter = value / 4
    power = 10 ** max(0, len(str(int(quarter))) - 1)
    factors = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(f * power for f in factors if f * power >= quarter)
    return 4 * step


def bar_chart(chart_id: str, title: str, points: list[Point], unit: str = "") -> str:
    """An accessible SVG bar chart: ``role="img"`` named by its title and a text description;
    the table beside it carries the exact numbers."""
    values = [p.value for p in points if p.value is not None]
    top = _nice_top(max(values, default=0), whole=unit != "€")
    inner_w, inner_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    slot = inner_w / max(1, len(points))
    described = ", ".join(
        f"{p.label}: {_gap_text(p.gap) if p.value is None else _fmt(p.value, unit)}" for p in points
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(described)}</desc>',
    ]
    for i in range(5):
        value = top * i / 4
        y = _TOP + inner_h - inner_h * i / 4
        parts.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#c8c8c8" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#333">{escape(_fmt(value, unit, short=True))}</text>'
        )
    for i, p in enumerate(points):
        x = _LEFT + slot * i + slot * 0.2
        w = slot * 0.6
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{HEIGHT - _BOTTOM + 18}" text-anchor="middle" '
            f'font-size="12" fill="#333">{escape(p.label)}</text>'
        )
        if p.value is None:
            parts.append(
                f'<text x="{x + w / 2:.1f}" y="{_TOP + inner_h - 6}" text-anchor="middle" '
                f'font-size="12" fill="#555">{escape(p.gap)}</text>'
            )
            continue
        h = inner_h * p.value / top
        parts.append(
            f'<rect x="{x:.1f}" y="{_TOP + inner_h - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'fill="#1f5c99"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _gap_text(gap: str) -> str:
    if gap == "< 5":
        return "minder dan 5 cliënten, niet getoond"
    return f"{gap}, niet getoond ter bescherming van een kleiner aantal"


def _fmt(value: float, unit: str, *, short: bool = False) -> str:
    if unit == "€":
        if short and value >= 1_000_000:
            return f"€ {value / 1_000_000:.1f} mln".replace(".", ",")
        return f"€ {round(value):,}".replace(",", ".")
    if value.is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.1f}".replace(".", ",")
