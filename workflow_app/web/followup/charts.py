"""Monitoreo 360's server-side SVG charts: no JavaScript, no inline style (CSS classes of ``followup.css`` and
``board.css``). Each is ``role="img"`` with a ``<title>`` and a ``<desc>`` giving every value in words; each page
also shows the same figures in a table."""
from __future__ import annotations

import itertools
from typing import Sequence

from markupsafe import Markup, escape

from workflow_app.services.followup.parameters import fmt as _fmt
from workflow_app.services.followup.parameters import pct as _pct

_ids = itertools.count(1)


def _open(width: int, height: int, title: str, desc: str) -> list[str]:
    uid = f"m360-{next(_ids)}"
    return [f'<svg class="chart m360-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg" '
            f'preserveAspectRatio="xMinYMin meet">',
            f'<title id="{uid}-t">{escape(title)}</title>', f'<desc id="{uid}-d">{escape(desc)}</desc>']


def month_columns(months: Sequence, threshold: float) -> Markup:
    """One column per month (mean score 1–5), the threshold as a dashed line; below it, the column is marked."""
    title = "Calificación promedio por mes"
    if not months:
        return Markup(f'<p class="muted">{title}: todavía no hay respuestas.</p>')
    col, gap, plot_h, top_pad, label_h, left, right = 56, 18, 170, 24, 40, 34, 96
    # At least six columns' width, so one or two months do not blow up to the page's width.
    width = left + max(len(months), 6) * (col + gap) + gap + right
    height = top_pad + plot_h + label_h

    def y_of(v: float) -> float:
        return top_pad + plot_h - (v / 5) * plot_h

    desc = "; ".join(f"{m.label}: {m.count} respuestas, cifras reservadas" if m.average is None else
                     f"{m.label}: {_fmt(m.average)} de 5, {m.count} respuestas, "
                     f"{_fmt(m.dissatisfied_per_100, 1)} insatisfechos por cada 100" for m in months)
    parts = _open(width, height, title, desc + f". Umbral de satisfacción: {_fmt(threshold, 1)}.")
    for tick in range(0, 6):
        y = y_of(tick)
        parts.append(f'<line class="m360-grid" x1="{left}" y1="{y:.1f}" x2="{width}" y2="{y:.1f}"/>'
                     f'<text class="chart-label" x="{left - 6}" y="{y + 5:.1f}" text-anchor="end">{tick}</text>')
    for i, m in enumerate(months):
        x = left + gap + i * (col + gap)
        if m.average is None:  # withheld (survey.withheld_cells): no column, the word instead of the figure
            y = top_pad + plot_h
            bar = (f'<g><title>{escape(m.label)}: cifras reservadas</title>'
                   f'<text class="chart-value" x="{x + col / 2}" y="{y - 5:.1f}" text-anchor="middle">reservada</text>')
        else:
            y = y_of(m.average)
            below = " m360-below" if m.average < threshold else ""
            bar = (f'<g><title>{escape(m.label)}: {_fmt(m.average)} de 5</title>'
                   f'<rect class="chart-bar{below}" x="{x}" y="{y:.1f}" width="{col}" '
                   f'height="{top_pad + plot_h - y:.1f}"/>'
                   f'<text class="chart-value" x="{x + col / 2}" y="{y - 5:.1f}" text-anchor="middle">'
                   f'{_fmt(m.average)}</text>')
        parts.append(bar +
                     f'<text class="chart-label" x="{x + col / 2}" y="{top_pad + plot_h + 18}" text-anchor="middle">'
                     f'{escape(m.label.split(" de ")[0][:3])}</text>'
                     f'<text class="chart-label" x="{x + col / 2}" y="{top_pad + plot_h + 34}" text-anchor="middle">'
                     f'{escape(m.key[:4])}</text></g>')
    yt = y_of(threshold)
    parts.append(f'<line class="m360-threshold" x1="{left}" y1="{yt:.1f}" x2="{width - right + 8}" y2="{yt:.1f}"/>'
                 f'<text class="m360-threshold-label" x="{width - right + 12}" y="{yt + 5:.1f}">'
                 f'umbral {_fmt(threshold, 1)}</text></svg>')
    return Markup("".join(parts))


def threshold_bars(title: str, items: Sequence[tuple[str, float | None]], threshold: float,
                   empty: str = "sin datos") -> Markup:
    """Horizontal bars on the 1–5 scale with the threshold as a vertical dashed line; ``empty`` says why there are
    none."""
    items = [(label, value) for label, value in items if value is not None]
    if not items:
        return Markup(f'<p class="muted">{escape(title)}: {escape(empty)}.</p>')
    bar, gap, label_w, plot_w, value_w = 22, 8, 230, 220, 56
    width, height = label_w + plot_w + value_w, len(items) * (bar + gap) + gap + 18
    desc = "; ".join(f"{label}: {_fmt(value)} de 5" for label, value in items)
    parts = _open(width, height, title, desc + f". Umbral de satisfacción: {_fmt(threshold, 1)}.")
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar + gap)
        w = max(0.0, min(1.0, value / 5)) * plot_w
        below = " m360-below" if value < threshold else ""
        short = label if len(label) <= 28 else label[:27].rstrip() + "…"
        parts.append(f'<g><title>{escape(label)}: {_fmt(value)}</title>'
                     f'<text class="chart-label" x="{label_w - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end">'
                     f'{escape(short)}</text>'
                     f'<rect class="chart-track" x="{label_w}" y="{y}" width="{plot_w}" height="{bar}"/>'
                     f'<rect class="chart-bar{below}" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}"/>'
                     f'<text class="chart-value" x="{label_w + plot_w + 6}" y="{y + bar * 0.7:.1f}">'
                     f'{_fmt(value)}</text></g>')
    xt = label_w + threshold / 5 * plot_w
    parts.append(f'<line class="m360-threshold" x1="{xt:.1f}" y1="0" x2="{xt:.1f}" y2="{height - 16}"/>'
                 f'<text class="m360-threshold-label" x="{xt:.1f}" y="{height - 3}" text-anchor="middle">'
                 f'umbral {_fmt(threshold, 1)}</text></svg>')
    return Markup("".join(parts))


def paired_bars(title: str, items: Sequence[tuple[str, float, float]], names: tuple[str, str]) -> Markup:
    """Two bars per group (before, after) on a 0–100 % scale: one cut against another."""
    if not items:
        return Markup(f'<p class="muted">{escape(title)}: sin datos.</p>')
    bar, inner, gap, label_w, plot_w, value_w = 16, 2, 12, 230, 220, 70
    group_h = 2 * bar + inner
    width = label_w + plot_w + value_w
    height = 46 + len(items) * (group_h + gap) + gap
    desc = "; ".join(f"{label}: {_fmt(a, 1)} % el {names[0]} y {_fmt(b, 1)} % el {names[1]}"
                     for label, a, b in items)
    parts = _open(width, height, title, desc + ".")
    parts.append(f'<rect class="m360-before" x="{label_w}" y="3" width="14" height="14"/>'
                 f'<text class="chart-label" x="{label_w + 20}" y="15">{escape(names[0])}</text>'
                 f'<rect class="chart-bar" x="{label_w}" y="23" width="14" height="14"/>'
                 f'<text class="chart-label" x="{label_w + 20}" y="35">{escape(names[1])}</text>')
    for i, (label, a, b) in enumerate(items):
        y = 52 + i * (group_h + gap)
        short = label if len(label) <= 28 else label[:27].rstrip() + "…"
        wa, wb = (max(0, min(100, v)) / 100 * plot_w if v is not None else 0 for v in (a, b))
        parts.append(f'<g><title>{escape(label)}: {_fmt(a, 1)} % → {_fmt(b, 1)} %</title>'
                     f'<text class="chart-label" x="{label_w - 6}" y="{y + group_h * 0.65:.1f}" text-anchor="end">'
                     f'{escape(short)}</text>'
                     f'<rect class="m360-before" x="{label_w}" y="{y}" width="{wa:.1f}" height="{bar}"/>'
                     f'<rect class="chart-bar" x="{label_w}" y="{y + bar + inner}" width="{wb:.1f}" height="{bar}"/>'
                     f'<text class="chart-value" x="{label_w + plot_w + 6}" y="{y + bar - 3}">{_pct(a)}</text>'
                     f'<text class="chart-value" x="{label_w + plot_w + 6}" y="{y + 2 * bar - 1}">{_pct(b)}</text>'
                     '</g>')
    parts.append("</svg>")
    return Markup("".join(parts))
