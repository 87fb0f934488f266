"""Two pictures of a plan, drawn on the server as SVG (no JavaScript, no library, no inline style):

- ``route_svg``: the plan's route from ``state_machines.approval.route_steps.plan_route``, top to bottom: the states
  already passed (filled, with a check), the current one (ringed, "Estado actual"), those ahead (hollow), and
  at each fork the branch the plan did not take or may still take (dashed, to the right).
- ``timeline_svg``: the legal calendar on one time axis: for each term its span from the earliest to the latest
  reading (``earliest``…``latest``), the "actuar a más tardar" day (a diamond), what happens when it runs out
  (its effect), and today's mark across every row.

Both are ``<svg role="img">`` named by a ``<title>`` and described in full by a ``<desc>`` (what a screen
reader reads), and the page keeps the same content as a list or table. Sizes live in the viewBox (340 units
wide: legible on a 360 px phone without zooming; the stylesheet caps the width on a desktop), colours are
presentation attributes from the site's palette, each with at least 4.5:1 contrast on white.
"""
from __future__ import annotations

import itertools
import textwrap
from datetime import date, timedelta
from typing import Callable, Iterable, Sequence

from markupsafe import Markup, escape

from state_machines import calendar as legal_calendar
from state_machines.approval.pdt import STATE_LABELS
from state_machines.approval.route import duty_for, step_status
from state_machines.approval.route_steps import CURRENT, DONE, NOT_TAKEN, PlanRoute, plan_route

WIDTH = 340
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'
INK, MUTED, BRAND, OK, BAD, WARN, LINE = "#1b1b1b", "#4a4a4a", "#0b4f8a", "#1d6b30", "#a4161a", "#7a4b00", "#8a8a8a"
MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")

_ids = itertools.count(1)
Say = Callable[[str], str]


def _open(height: float, title: str, desc: str, css: str) -> list[str]:
    uid = f"figura-{next(_ids)}"
    return [
        f'<svg class="figure {css}" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        f'role="img" aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg" {FONT}>',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False) or [""]


def _text(x: float, y: float, lines: Sequence[str], size: int = 14, fill: str = INK, weight: str = "normal",
          italic: bool = False, gap: float = 17, halo: bool = False) -> str:
    style = ' font-style="italic"' if italic else ""
    if halo:  # a white outline under the letters keeps them readable where a line crosses them
        style += ' stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'
    spans = "".join(f'<tspan x="{x}" dy="{0 if i == 0 else gap}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return (f'<text x="{x}" y="{y:.1f}" font-size="{size}" fill="{fill}" font-weight="{weight}"{style}>'
            f'{spans}</text>')


# --- The route ---------------------------------------------------------------------------------------------------

RAIL_X = 16
LABEL_X = 38
LABEL_CHARS = 36  # at 14 units in 300 units of width
ROW_GAP = 12


def _route_desc(route: PlanRoute, say: Say, current_note: str = "Estado actual") -> str:
    parts = [f"Paso {route.position} de {route.total} de la ruta de este plan."]
    for number, step in enumerate(route.steps, start=1):
        status = {DONE: "cumplido", CURRENT: current_note.lower()}.get(step.status, "pendiente")
        parts.append(f"{number}. {say(step.label)}: {status}.")
        for branch in route.branches_from(step.state):
            parts.append(_branch_text(branch, say) + ".")
    return " ".join(parts)


def _branch_text(branch, say: Say) -> str:
    lead = "Salida no tomada" if branch.status == NOT_TAKEN else "Otra salida posible"
    tail = f", que vuelve a «{say(_label_of(branch.rejoins))}»" if branch.rejoins else ""
    return f"{lead}: {' → '.join(say(label) for label in branch.labels)}{tail}"


def _label_of(state: str) -> str:
    return STATE_LABELS.get(state, state)


def route_svg(route: PlanRoute, say: Say = str, current_note: str = "Estado actual") -> Markup:
    """The plan's branch as a vertical line of steps, forks shown beside the step they leave from. ``say`` puts
    a generic legal phrase in the entity's own words (``state_machines.core.wording``). ``current_note``: what the
    last step reached is called («Estado actual»; once the period ended, what ``pdt.period_ended`` says)."""
    rows: list[str] = []
    y = 14.0
    centres: list[tuple[float, str]] = []
    for step in route.steps:
        lines = _lines(say(step.label), LABEL_CHARS)
        note = {DONE: "Cumplido", CURRENT: current_note}.get(step.status)
        cy = y + 5
        centres.append((cy, step.status))
        weight = "bold" if step.status == CURRENT else "normal"
        fill = MUTED if step.status not in (DONE, CURRENT) else INK
        rows.append(_text(LABEL_X, y + 10, lines, fill=fill, weight=weight))
        y += 10 + 17 * (len(lines) - 1)
        if note:
            colour = OK if step.status == DONE else BRAND
            rows.append(_text(LABEL_X, y + 17, [note], size=12, fill=colour, weight="bold"))
            y += 17
        for branch in route.branches_from(step.state):
            blines = _lines(_branch_text(branch, say), LABEL_CHARS + 2)
            top = y + 10
            height = 12 + 15 * len(blines)
            colour = MUTED if branch.status == NOT_TAKEN else WARN
            rows.append(f'<path d="M{RAIL_X} {cy:.1f} C {RAIL_X + 8} {top:.1f}, {LABEL_X - 14} {top + 4:.1f}, '
                        f'{LABEL_X - 6} {top + 8:.1f}" fill="none" stroke="{colour}" stroke-width="1.5" '
                        f'stroke-dasharray="4 3"/>')
            rows.append(f'<rect x="{LABEL_X - 6}" y="{top:.1f}" width="{WIDTH - LABEL_X + 2}" height="{height}" '
                        f'rx="5" fill="#ffffff" stroke="{colour}" stroke-width="1.2" stroke-dasharray="5 3"/>')
            rows.append(_text(LABEL_X, top + 17, blines, size=12, fill=colour, italic=True, gap=15))
            y = top + height
        y += ROW_GAP + 10
    height = y
    out = _open(height, f"Ruta legal del plan: paso {route.position} de {route.total}",
                _route_desc(route, say, current_note),
                "route-figure")
    for (y1, status), (y2, _) in zip(centres, centres[1:]):
        walked = status == DONE
        dashes = "" if walked else ' stroke-dasharray="4 4"'
        out.append(f'<line x1="{RAIL_X}" y1="{y1:.1f}" x2="{RAIL_X}" y2="{y2:.1f}" '
                   f'stroke="{OK if walked else LINE}" stroke-width="{3 if walked else 2}"{dashes}/>')
    for cy, status in centres:
        if status == DONE:
            out.append(f'<circle cx="{RAIL_X}" cy="{cy:.1f}" r="8" fill="{OK}"/>'
                       f'<path d="M{RAIL_X - 4} {cy:.1f} l3 3 l5 -6" fill="none" stroke="#ffffff" '
                       f'stroke-width="2"/>')
        elif status == CURRENT:
            out.append(f'<circle cx="{RAIL_X}" cy="{cy:.1f}" r="11" fill="#ffffff" stroke="{BRAND}" '
                       f'stroke-width="4"/><circle cx="{RAIL_X}" cy="{cy:.1f}" r="4" fill="{BRAND}"/>')
        else:
            out.append(f'<circle cx="{RAIL_X}" cy="{cy:.1f}" r="7" fill="#ffffff" stroke="{MUTED}" '
                       f'stroke-width="2"/>')
    out += rows
    out.append("</svg>")
    return Markup("".join(out))


# --- The legal calendar ------------------------------------------------------------------------------------------

AXIS_LEFT, AXIS_RIGHT = 8, WIDTH - 8
INFO_CHARS = 46  # at 12 units in 324 units of width
EFFECT_TEXT = {
    legal_calendar.EFFECT_CTP_DEEMED_FULFILLED: "Si vence: el concepto del CTP se da por surtido (L152 art. 39 "
                                                "num. 6).",
    legal_calendar.EFFECT_DECREE_ADOPTION_ENABLED: "Si vence: el plan se puede adoptar por decreto "
                                                   "(L152 art. 40).",
    legal_calendar.EFFECT_WARNING: "Si vence: queda atrasado; la norma no fija consecuencia automática.",
}


def _short(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]}"


def _axis(first: date, last: date):
    span = max(1, (last - first).days)

    def x(d: date) -> float:
        return AXIS_LEFT + (AXIS_RIGHT - AXIS_LEFT) * (d - first).days / span

    return x


def _month_ticks(first: date, last: date) -> list[date]:
    ticks, d = [], date(first.year, first.month, 1)
    while d <= last:
        if d >= first:
            ticks.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    step = max(1, -(-len(ticks) // 6))  # at most ~6 labels on a phone
    return ticks[::step]


def timeline_svg(rows: Iterable[tuple[legal_calendar.Deadline, str, str]], today: date) -> Markup:
    """``rows``: (deadline, what must be done, status) with a status of ``state_machines.approval.route.step_status``:
    ``vencido`` or ``vencido sin registro`` (red), ``pendiente`` (blue), ``etapa superada`` or ``aún no
    corresponde`` (grey)."""
    rows = list(rows)
    if not rows:
        return Markup('<p class="muted">Aún no hay plazos calculados para este plan.</p>')
    dates = [d for dl, _, _ in rows for d in (dl.act_by, dl.earliest, dl.latest)] + [today]
    first, last = min(dates) - timedelta(days=5), max(dates) + timedelta(days=5)
    x = _axis(first, last)
    body: list[str] = []
    bars: list[float] = []  # the y of each row's bar: the month and today lines are drawn across the bars only
    y = 56.0
    desc = [f"Hoy es {legal_calendar.format_date_es(today)}."]
    for deadline, label, status in rows:
        title = label + (f" ({deadline.authority})" if deadline.authority else "")
        colour = BAD if status.startswith("vencido") else BRAND if status == "pendiente" else MUTED
        lines = _lines(title, 44)
        body.append(_text(AXIS_LEFT, y, lines, size=13, fill=INK, weight="bold", gap=16, halo=True))
        y += 16 * (len(lines) - 1) + 10
        x1, x2 = x(deadline.earliest), x(deadline.latest)
        bars.append(y)
        body.append(f'<rect x="{AXIS_LEFT}" y="{y:.1f}" width="{AXIS_RIGHT - AXIS_LEFT}" height="10" rx="3" '
                    f'fill="#eef2f6"/>')
        body.append(f'<rect x="{x1:.1f}" y="{y:.1f}" width="{max(4.0, x2 - x1):.1f}" height="10" rx="3" '
                    f'fill="{colour}"/>')
        ax = x(deadline.act_by)
        body.append(f'<path d="M{ax:.1f} {y - 3:.1f} l6 8 l-6 8 l-6 -8 z" fill="#ffffff" stroke="{colour}" '
                    f'stroke-width="2"/>')
        when = legal_calendar.format_date_es
        span = (when(deadline.earliest) if deadline.earliest == deadline.latest
                else f"{_short(deadline.earliest)} – {_short(deadline.latest)} {deadline.latest.year}")
        state = status[:1].upper() + status[1:]
        info = _lines(f"{state} · actuar a más tardar el {when(deadline.act_by)}", INFO_CHARS)
        info += _lines(f"Vence: {span}" + ("" if deadline.earliest == deadline.latest else " según la lectura"),
                       INFO_CHARS)
        info += _lines(EFFECT_TEXT.get(deadline.effect, ""), INFO_CHARS)
        body.append(_text(AXIS_LEFT, y + 28, info, size=12, fill=colour if status.startswith("vencido") else MUTED, halo=True,
                          gap=15))
        y += 28 + 15 * (len(info) - 1) + 22
        runs_out = (f"vence el {when(deadline.earliest)}" if deadline.earliest == deadline.latest else
                    f"vence entre el {when(deadline.earliest)} y el {when(deadline.latest)} según la lectura")
        effect = EFFECT_TEXT.get(deadline.effect, "")
        desc.append(f"{title}: {state.lower()}; actuar a más tardar el {when(deadline.act_by)}; {runs_out}; "
                    f"{effect[:1].lower()}{effect[1:]}")
    height = y
    out = _open(height, "Calendario legal del plan en una línea de tiempo", " ".join(desc), "timeline-figure")
    # The month lines and today's line cross each bar, never the text between the bars (QA, 7 December 2026:
    # drawn down the whole figure they struck through the steps' names).
    for tick in _month_ticks(first, last):
        tx = x(tick)
        label = MONTHS[tick.month - 1] + (f" {tick.year}" if tick.month == 1 or tick == first else "")
        out.append(f'<line x1="{tx:.1f}" y1="22" x2="{tx:.1f}" y2="36" stroke="#d5d5d5" stroke-width="1"/>')
        out += [f'<line x1="{tx:.1f}" y1="{b - 4:.1f}" x2="{tx:.1f}" y2="{b + 14:.1f}" stroke="#d5d5d5" '
                f'stroke-width="1"/>' for b in bars]
        out.append(_text(tx + 2, 16, [label], size=11, fill=MUTED))
    tx = x(today)
    out.append(f'<line x1="{tx:.1f}" y1="20" x2="{tx:.1f}" y2="38" stroke="{BAD}" stroke-width="2"/>')
    today_marks = [f'<line x1="{tx:.1f}" y1="{b - 6:.1f}" x2="{tx:.1f}" y2="{b + 16:.1f}" stroke="{BAD}" '
                   f'stroke-width="2"/>' for b in bars]
    anchor = "end" if tx > WIDTH / 2 else "start"
    out.append(f'<text x="{tx + (-4 if anchor == "end" else 4):.1f}" y="32" font-size="12" font-weight="bold" '
               f'fill="{BAD}" text-anchor="{anchor}">Hoy, {escape(_short(today))}</text>')
    out += body
    out += today_marks  # over the bars, so that today reads on each of them
    out.append("</svg>")
    return Markup("".join(out))


# --- For the plan page ---------------------------------------------------------------------------------------------

def plan_figures(state: str, main_states: Sequence[str], deadlines: Sequence[legal_calendar.Deadline],
                 pending: Sequence[tuple[legal_calendar.Deadline, str, bool]], today: date,
                 deadline_labels: dict[str, str], say: Say = str,
                 car_states: dict[str, str] | None = None, current_note: str = "Estado actual") -> dict:
    """What the plan page's route and calendar partials need: ``main_states`` are the states the plan's main
    route went through, oldest first; ``pending`` is ``services.route.worklist.upcoming_deadlines``;
    ``car_states`` each authority's ``car_review`` state. A step is "etapa superada" only when an act closed it
    (``state_machines.approval.route.step_status``), never merely because it is not pending."""
    route = plan_route(state, ["elected", *main_states])
    visited = ["elected", *main_states]
    status = {d.map_key: step_status(duty_for(d.key), state, visited, today >= d.overdue_from,
                                     (car_states or {}).get(d.authority))
              for d in deadlines}
    rows = [(d, say(deadline_labels.get(d.key, d.key)), status[d.map_key]) for d in deadlines]
    return {"route": route, "route_figure": route_svg(route, say, current_note),
            "timeline_figure": timeline_svg(rows, today),
            "deadline_status": status}
