"""Small server-side SVG charts: no JavaScript, no library, no inline style (the CSP forbids it).

Each chart is ``<svg role="img" aria-labelledby=...>`` with a ``<title>`` (what it shows) and a ``<desc>``
(every value in words), and a ``<title>`` per bar for pointer users. Colours are CSS classes of
``board/board.css``; sizes are in the viewBox, so the chart scales to its container.
"""
from __future__ import annotations

import itertools
from typing import Sequence

from markupsafe import Markup, escape

_ids = itertools.count(1)

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 250
PLOT_WIDTH = 200
VALUE_WIDTH = 64
LABEL_CHARS = 30  # at 15 px, what fits in LABEL_WIDTH; the full label is in <desc> and the bar's <title>


def _fmt(value: float, unit: str) -> str:
    text = f"{value:.1f}".replace(".", ",") if isinstance(value, float) else str(value)
    return f"{text}{unit}"


def _open(width: int, height: int, title: str, desc: str, css: str) -> tuple[list[str], str]:
    uid = f"grafico-{next(_ids)}"
    return [
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ], uid


def hbar_chart(title: str, items: Sequence[tuple[str, float]], unit: str = "", maximum: float | None = None,
               css: str = "") -> Markup:
    """Horizontal bars: one row per (label, value); ``maximum`` fixes the scale (100 for percentages)."""
    if not items:
        return Markup(f'<p class="muted">{escape(title)}: sin datos.</p>')
    top = maximum or max((v for _, v in items), default=0) or 1
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    desc = "; ".join(f"{label}: {_fmt(value, unit)}" for label, value in items) + "."
    parts, _ = _open(width, height, title, desc, css)
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR_HEIGHT + GAP)
        w = max(0.0, min(1.0, value / top)) * PLOT_WIDTH
        text = escape(label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…")
        parts.append(f'<g><title>{escape(label)}: {escape(_fmt(value, unit))}</title>'
                     f'<text class="chart-label" x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT * 0.7:.1f}" '
                     f'text-anchor="end">{text}</text>'
                     f'<rect class="chart-track" x="{LABEL_WIDTH}" y="{y}" width="{PLOT_WIDTH}" '
                     f'height="{BAR_HEIGHT}"/>'
                     f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT}"/>'
                     f'<text class="chart-value" x="{LABEL_WIDTH + PLOT_WIDTH + 6}" y="{y + BAR_HEIGHT * 0.7:.1f}">'
                     f'{escape(_fmt(value, unit))}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(title: str, items: Sequence[tuple[str, int]], unit_word: str = "", css: str = "") -> Markup:
    """Vertical columns (e.g. one per week), value written above each column."""
    if not items:
        return Markup(f'<p class="muted">{escape(title)}: sin datos.</p>')
    col, gap, plot_h, label_h, top_pad = 70, 14, 150, 34, 22
    width = len(items) * (col + gap) + gap
    height = top_pad + plot_h + label_h
    top = max((v for _, v in items), default=0) or 1
    desc = "; ".join(f"{label}: {value} {unit_word}".rstrip() for label, value in items) + "."
    parts, _ = _open(width, height, title, desc, css)
    parts.append(f'<line class="chart-axis" x1="0" y1="{top_pad + plot_h}" x2="{width}" y2="{top_pad + plot_h}"/>')
    for i, (label, value) in enumerate(items):
        x = gap + i * (col + gap)
        h = value / top * plot_h
        y = top_pad + plot_h - h
        parts.append(f'<g><title>{escape(label)}: {value} {escape(unit_word)}</title>'
                     f'<rect class="chart-bar" x="{x}" y="{y:.1f}" width="{col}" height="{h:.1f}"/>'
                     f'<text class="chart-value" x="{x + col / 2}" y="{y - 5:.1f}" text-anchor="middle">{value}</text>'
                     f'<text class="chart-label" x="{x + col / 2}" y="{top_pad + plot_h + 22}" '
                     f'text-anchor="middle">{escape(label)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
