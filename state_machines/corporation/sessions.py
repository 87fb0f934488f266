"""The corporation's ordinary sessions, and whether the executive must convoke extraordinary ones so the
corporation can decide within its month (legal-path.md §d "Ordinary sessions in the first year"; L152 art. 40).

- Concejos (L136 art. 23): categories especial, 1 and 2 sit six months a year: in the first year from 2 January
  to the last day of February, in the others from 1 March to 30 April (the law says "segundo y tercer año";
  the fourth year of today's four-year periods follows by analogy, an interpretation); then 1 June to the last
  day of July and 1 October to 30 November. Categories 3 to 6 sit in February, May, August and November. Each
  period may be extended ten calendar days only if the Concejo records it (par. 1): never assumed here.
- Asambleas (L2200 art. 23): first year 1 January to the last day of February, later years 1 March to 30 April;
  1 June to 30 July; 1 October to 30 November; no extension. Before Ley 2200 de 2022 (in force 8 February 2022)
  Ley 56 de 1993 art. 1 as modified by Ley 1871 de 2017 applied: the first period started on 2 January.
- When the corporation's month after the filing is not wholly inside ordinary sessions, the executive convokes
  extraordinary sessions "si a ello hubiere lugar" (L152 art. 40; L136 art. 23 par. 2; L2200 art. 23).

Categories come from the entity (Ley 617 de 2000: ``especial``, ``1`` ... ``6``). Without a category a
municipio's calendar is unknown and nothing is asserted.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from state_machines.core.dates import add_months, format_date_es, last_day_of_month


class FixedWindow(Protocol):
    """An exceptional regime's fixed last day (``regimes.FixedDate``)."""

    on: date
    legal_basis: str


CATEGORIES = ("especial", "1", "2", "3", "4", "5", "6")
#: L617 art. 1 (kept by Ley 2200 de 2022, the departmental code): departments are especial or of 1st to 4th
#: category; L136 art. 6 as modified by L617 art. 2 (and L1551 art. 7): municipios are especial or 1st to 6th.
DEPARTMENT_CATEGORIES = ("especial", "1", "2", "3", "4")


def categories_for(entity_kind: str) -> tuple[str, ...]:
    """The categories an entity of this kind may have (``DEPARTMENT_CATEGORIES``, ``CATEGORIES``)."""
    return DEPARTMENT_CATEGORIES if entity_kind == "departamento" else CATEGORIES


def category_basis(entity_kind: str) -> str:
    """The norm of the category, by kind: Ley 617 de 2000 art. 1 and Ley 2200 de 2022 for departments; Ley 136
    de 1994 art. 6 (as modified by Ley 617 de 2000 art. 2) for municipios and districts."""
    return "L617 art. 1; Ley 2200 de 2022" if entity_kind == "departamento" else "L136 art. 6; L617 art. 2"


def category_law_text(entity_kind: str) -> str:
    return ("Ley 617 de 2000 art. 1 y Ley 2200 de 2022" if entity_kind == "departamento"
            else "Ley 136 de 1994 art. 6, modificado por la Ley 617 de 2000 art. 2")
#: L136 art. 23: the categories whose Concejos sit six months a year "por derecho propio".
SIX_MONTH_CATEGORIES = frozenset({"especial", "1", "2"})
#: L136 art. 23: the other categories sit in these whole months.
FOUR_MONTH_MONTHS = (2, 5, 8, 11)
#: Ley 2200 de 2022 in force (D.O. 51.942, 8 February 2022); before it, L56 art. 1 for Asambleas.
L2200_IN_FORCE = date(2022, 2, 8)
#: L136 art. 23 par. 1: a Concejo may extend each period ten calendar days; not assumed unless recorded.
ASSUME_EXTENSION = False


#: L56 art. 1 as Ley 617 de 2000 art. 29 left it: the Asambleas' sessions and extraordinary convocations
#: before Ley 2200 de 2022 (issue 20: a 2020 convocation does not cite L2200 art. 23).
L56_BASIS = "L56 art. 1 (mod. L617 art. 29)"


def convocation_basis(entity_kind: str, on: date) -> str:
    """The norm of the executive's convocation to extraordinary sessions on ``on``: L136 art. 23 par. 2 for a
    Concejo; for an Asamblea L2200 art. 23 from 8 February 2022, L56 art. 1 (as L617 art. 29 modified it)
    before."""
    if entity_kind != "departamento":
        return "L136 art. 23 par. 2"
    return "L2200 art. 23" if on >= L2200_IN_FORCE else L56_BASIS


@dataclass(frozen=True)
class SessionsVerdict:
    """Whether extraordinary sessions are needed for the corporation's month ``[window_start, window_end]``."""

    needed: bool | None  # None: the calendar is unknown (municipio without category)
    window_start: date
    window_end: date
    first_recess_day: date | None
    ordinary: tuple[tuple[date, date], ...]
    legal_basis: str
    explanation: str


#: Decreto-Ley 1421 de 1993 (Estatuto Orgánico de Bogotá) art. 10, as issue 20 records it: the Concejo Distrital
#: sits ordinarily in four periods from 1 February, 1 May, 1 August and 1 November, thirty days each (read as
#: calendar days, an interpretation in the README).
BOGOTA = "bogota"
BOGOTA_DANE_CODE = "11001"  # the Distrito Capital, whose concejo follows Decreto-Ley 1421 de 1993
BOGOTA_PERIOD_STARTS = ((2, 1), (5, 1), (8, 1), (11, 1))
BOGOTA_PERIOD_DAYS = 30


def ordinary_periods(entity_kind: str, category: str | None, year: int, period_start: date,
                     special: str | None = None) -> tuple[tuple[tuple[date, date], ...], str] | None:
    """The ordinary session periods of ``year`` and their norm, or None when unknown. ``special``: ``"bogota"``
    for the Distrito Capital (DL1421 art. 10), whatever its category."""
    if special == BOGOTA:
        return tuple((date(year, m, d), date(year, m, d) + timedelta(days=BOGOTA_PERIOD_DAYS - 1))
                     for m, d in BOGOTA_PERIOD_STARTS), "DL1421 art. 10"
    first_year = year == period_start.year
    if entity_kind == "departamento":
        if date(year, 12, 31) < L2200_IN_FORCE:
            first = (date(year, 1, 2), last_day_of_month(year, 2)) if first_year else (date(year, 3, 1), date(year, 4, 30))
            return (first, (date(year, 6, 1), date(year, 7, 30)), (date(year, 10, 1), date(year, 11, 30))), "L56 art. 1"
        first = (date(year, 1, 1), last_day_of_month(year, 2)) if first_year else (date(year, 3, 1), date(year, 4, 30))
        return (first, (date(year, 6, 1), date(year, 7, 30)), (date(year, 10, 1), date(year, 11, 30))), "L2200 art. 23"
    if category not in CATEGORIES:
        return None
    if category in SIX_MONTH_CATEGORIES:
        first = (date(year, 1, 2), last_day_of_month(year, 2)) if first_year else (date(year, 3, 1), date(year, 4, 30))
        return (first, (date(year, 6, 1), last_day_of_month(year, 7)), (date(year, 10, 1), date(year, 11, 30))), "L136 art. 23"
    return tuple((date(year, m, 1), last_day_of_month(year, m)) for m in FOUR_MONTH_MONTHS), "L136 art. 23"


def _in_sessions(d: date, periods) -> bool:
    return any(start <= d <= end for start, end in periods)


def corporation_month(filed_on: date) -> tuple[date, date]:
    """The corporation's month after the filing, read as a full month from the next day (CE-1999): filed
    30 April -> 1 to 31 May."""
    start = filed_on + timedelta(days=1)
    return start, add_months(start, 1) - timedelta(days=1)


def _periods_text(periods) -> str:
    return "; ".join(f"del {format_date_es(s)} al {format_date_es(e)}" for s, e in periods)


def extraordinary_sessions_verdict(entity_kind: str, category: str | None, period_start: date,
                                   filed_on: date, is_working: Callable[[date], bool] | None = None,
                                   window_end: FixedWindow | None = None, special: str | None = None
                                   ) -> SessionsVerdict:
    """Is the corporation in ordinary sessions during the whole month after ``filed_on``? If not, the executive
    must convoke extraordinary sessions (L152 art. 40; L136 art. 23 par. 2; L2200 art. 23).

    ``is_working`` (issue 20): only a working day of the window outside sessions creates the duty; a weekend or
    holiday the corporation would not sit anyway does not (a category 6 Concejo filing on Friday 28 April 2028 is
    not told to convoke because of Saturday 29 and Sunday 30 April). ``window_end``: a fixed last day of the
    decision set by an exceptional regime instead of the month (D683 art. 3: 15 July 2020)."""
    start, end = corporation_month(filed_on)
    month_text = "El mes"
    if window_end is not None:
        end, month_text = window_end.on, f"El plazo ({window_end.legal_basis})"
    corporation = "la Asamblea" if entity_kind == "departamento" else "el Concejo"
    of_corporation = "de la Asamblea" if entity_kind == "departamento" else "del Concejo"
    extension = ("" if entity_kind == "departamento" else "; la prórroga de diez días de un período ordinario solo "
                 "cuenta si el Concejo la decide (L136 art. 23 par. 1)")
    convoke_basis = "L152 art. 40; " + convocation_basis(entity_kind, filed_on)
    window = f"del {format_date_es(start)} al {format_date_es(end)}"
    periods = []
    bases = set()
    for year in sorted({start.year, end.year}):
        found = ordinary_periods(entity_kind, category, year, period_start, special)
        if found is None:
            return SessionsVerdict(
                None, start, end, None, (), convoke_basis,
                f"{month_text} {of_corporation} para decidir va {window} (L152 art. 40). Sin la categoría del municipio "
                "(Ley 617 de 2000) no se sabe si el Concejo estará en sesiones ordinarias (L136 art. 23): "
                "registre la categoría en la configuración de la entidad.")
        periods += found[0]
        bases.add(found[1])
    basis = "; ".join(sorted(bases))
    relevant = tuple(p for p in periods if p[1] >= start and p[0] <= end)
    recess = next((start + timedelta(days=i) for i in range((end - start).days + 1)
                   if not _in_sessions(start + timedelta(days=i), periods)
                   and (is_working is None or is_working(start + timedelta(days=i)))), None)
    sessions_text = (f"Sesiones ordinarias en ese lapso: {_periods_text(relevant)} ({basis})." if relevant
                     else f"En ese lapso no hay sesiones ordinarias ({basis}).")
    if recess is None:
        return SessionsVerdict(False, start, end, None, relevant, f"{basis}; L152 art. 40",
                               f"{month_text} {of_corporation} para decidir va {window} (L152 art. 40) y cae dentro de "
                               f"sus sesiones ordinarias. {sessions_text} No hace falta convocar a sesiones "
                               "extraordinarias.")
    return SessionsVerdict(
        True, start, end, recess, relevant, f"{convoke_basis}; {basis}",
        f"{month_text} {of_corporation} para decidir va {window} (L152 art. 40), pero desde el "
        f"{format_date_es(recess, weekday=True)} {corporation} no está en sesiones ordinarias. {sessions_text} "
        f"El alcalde o gobernador debe convocar a sesiones extraordinarias que cubran ese mes ({convoke_basis}){extension}.")
