"""Colombia as a tile grid: one square per departamento and one for Bogotá, D.C. (an SVG cartogram: no geodata).

Each tile sits roughly where its department lies (Caribbean coast on top, San Andrés apart in the corner,
Amazonas at the bottom) and shows the department's ISO 3166-2:CO code and the share of the plans the user
follows there that are at risk (``services.monitoring.board``: overdue steps or a key term about to run out). A tile with
plans links to that department's board; a tile without plans in the user's scope is grey and not a link.

Unlike the charts, the map is not ``role="img"``: its tiles are links, so it is a named group whose links each
say their department and figures; the page gives the same figures as a table beside it.
"""
from __future__ import annotations

import itertools
from typing import Mapping, Sequence

from markupsafe import Markup, escape

#: DANE department code -> (ISO 3166-2:CO code, column, row).
TILES: dict[str, tuple[str, int, int]] = {
    "88": ("SAP", 0, 0), "08": ("ATL", 2, 0), "47": ("MAG", 3, 0), "44": ("LAG", 4, 0),
    "23": ("COR", 1, 1), "70": ("SUC", 2, 1), "13": ("BOL", 3, 1), "20": ("CES", 4, 1),
    "27": ("CHO", 0, 2), "05": ("ANT", 1, 2), "68": ("SAN", 2, 2), "54": ("NSA", 3, 2), "81": ("ARA", 4, 2),
    "66": ("RIS", 0, 3), "17": ("CAL", 1, 3), "15": ("BOY", 2, 3), "85": ("CAS", 3, 3), "99": ("VID", 4, 3),
    "76": ("VAC", 0, 4), "63": ("QUI", 1, 4), "25": ("CUN", 2, 4), "11": ("DC", 3, 4), "94": ("GUA", 4, 4),
    "19": ("CAU", 0, 5), "73": ("TOL", 1, 5), "50": ("MET", 2, 5), "95": ("GUV", 3, 5), "97": ("VAU", 4, 5),
    "52": ("NAR", 0, 6), "41": ("HUI", 1, 6), "18": ("CAQ", 2, 6), "91": ("AMA", 3, 6),
    "86": ("PUT", 1, 7),
}
TILE, GAP, TOP = 62, 6, 4
COLUMNS, ROWS = 5, 8
WIDTH = COLUMNS * (TILE + GAP) + GAP
HEIGHT = TOP + ROWS * (TILE + GAP) + GAP
#: (upper bound of the share at risk, fill, text colour, legend). Text contrast on each fill is at least 4.5:1.
BANDS: tuple[tuple[float, str, str, str], ...] = (
    (0.0, "#dcefe0", "#1b1b1b", "ninguno en riesgo"),
    (0.25, "#fbe3b4", "#1b1b1b", "menos de la cuarta parte"),
    (0.5, "#f0a35e", "#1b1b1b", "de la cuarta parte a la mitad"),
    (1.0, "#a4161a", "#ffffff", "la mitad o más"),
)
EMPTY = ("#f1f1f1", "#4a4a4a")

_ids = itertools.count(1)


def band(share: float) -> tuple[str, str, str]:
    for upper, fill, ink, legend in BANDS:
        if share <= upper:
            return fill, ink, legend
    return BANDS[-1][1:]


def percent(share: float) -> str:
    return f"{round(100 * share)} %"


def department_map(figures: Mapping[str, tuple[str, int, int]], links: Mapping[str, str]) -> Markup:
    """``figures``: department code -> (name, plans, plans at risk); ``links``: code -> URL of its board."""
    uid = f"mapa-{next(_ids)}"
    out = [f'<svg class="tile-map" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="group" '
           f'aria-labelledby="{uid}-t" xmlns="http://www.w3.org/2000/svg" '
           f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif">',
           f'<title id="{uid}-t">Mapa de Colombia por departamentos: proporción de planes en riesgo</title>']
    for code, (iso, col, row) in sorted(TILES.items(), key=lambda t: (t[1][2], t[1][1])):
        name, plans, at_risk = figures.get(code, ("", 0, 0))
        x, y = GAP + col * (TILE + GAP), TOP + GAP + row * (TILE + GAP)
        if plans:
            share = at_risk / plans
            fill, ink, _ = band(share)
            line2 = percent(share)
            # The visible text ("QUI 25 %") starts the accessible name (WCAG 2.5.3, axe label-content-name-mismatch).
            label = f"{iso} {line2}: {name}, {at_risk} de {plans} {'plan' if plans == 1 else 'planes'} en riesgo"
        else:
            fill, ink = EMPTY
            line2 = "—"
            label = f"{iso} {line2}: {name + ', ' if name else ''}sin planes que usted siga"
        tile = (f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="6" fill="{fill}" stroke="#6b6b6b" '
                f'stroke-width="1"/>'
                f'<text x="{x + TILE / 2}" y="{y + 27}" text-anchor="middle" font-size="17" font-weight="bold" '
                f'fill="{ink}">{iso}</text> '
                f'<text x="{x + TILE / 2}" y="{y + 48}" text-anchor="middle" font-size="14" fill="{ink}">'
                f'{escape(line2)}</text>')
        if plans and code in links:
            out.append(f'<a href="{escape(links[code])}" aria-label="{escape(label)}"><title>{escape(label)}</title>'
                       f'{tile}</a>')
        else:
            out.append(f'<g aria-label="{escape(label)}" role="img"><title>{escape(label)}</title>{tile}</g>')
    out.append("</svg>")
    return Markup("".join(out))


def legend() -> Sequence[tuple[str, str, str]]:
    """(fill, text colour, words) of each band, for the key under the map."""
    return [(fill, ink, words) for _, fill, ink, words in BANDS] + [(EMPTY[0], EMPTY[1], "sin planes que usted siga")]
