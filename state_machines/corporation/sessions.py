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

from state_machines.core.dates import add_months, format_date_es, last_day_of_month, period_end


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


#: L56 art. 1 as Ley 617 de 2000 art. 29 left it: the Asambleas' sessions and extraordinary convocations
#: before Ley 2200 de 2022 (issue 20: a 2020 convocation does not cite L2200 art. 23).
L56_BASIS = "L56 art. 1 (mod. L617 art. 29)"


def convocation_basis(entity_kind: str, on: date, special: str | None = None) -> str:
    """The norm of the executive's convocation to extraordinary sessions on ``on``: L136 art. 23 par. 2 for a
    Concejo; for an Asamblea L2200 art. 23 from 8 February 2022, L56 art. 1 (as L617 art. 29 modified it)
    before; for Bogotá's Concejo DL1421 art. 10 ("sesionará extraordinariamente por convocatoria del alcalde
    mayor")."""
    if special == BOGOTA:
        return "DL1421 art. 10"
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


def in_sessions(d: date, periods) -> bool:
    """``d`` falls inside one of the session ``periods`` ((first, last) days)."""
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
                                   window_end: FixedWindow | None = None, special: str | None = None,
                                   extensions: tuple[tuple[date, date], ...] = ()) -> SessionsVerdict:
    """Is the corporation in ordinary sessions during the whole month after ``filed_on``? If not, the executive
    must convoke extraordinary sessions (L152 art. 40; L136 art. 23 par. 2; L2200 art. 23).

    ``is_working`` (issue 20): only a working day of the window outside sessions creates the duty; a weekend or
    holiday the corporation would not sit anyway does not (a category 6 Concejo filing on Friday 28 April 2028 is
    not told to convoke because of Saturday 29 and Sunday 30 April). ``window_end``: a fixed last day of the
    decision set by an exceptional regime instead of the month (D683 art. 3: 15 July 2020). ``extensions``: the
    Concejo's recorded extensions of an ordinary period (L136 art. 23 par. 1), sessions as the ordinary ones."""
    start, end = corporation_month(filed_on)
    month_text = "El mes"
    if window_end is not None:
        end, month_text = window_end.on, f"El plazo ({window_end.legal_basis})"
    corporation = "la Asamblea" if entity_kind == "departamento" else "el Concejo"
    of_corporation = "de la Asamblea" if entity_kind == "departamento" else "del Concejo"
    extension_law = extension_basis_of(entity_kind, special)  # Bogotá's own statute, not L136's
    extension = ("" if entity_kind == "departamento" else "; la prórroga de diez días de un período ordinario solo "
                 f"cuenta si el Concejo la decide ({extension_law})")
    convoke_basis = "L152 art. 40; " + convocation_basis(entity_kind, filed_on, special)
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
                "la alcaldía (el despacho o la secretaría de planeación) la registra en la configuración de la entidad.")
        periods += found[0]
        bases.add(found[1])
    basis = "; ".join(sorted(bases))
    # L136 art. 23 par. 1: an extension the Concejo decided and recorded sits as the ordinary sessions do.
    extended = tuple(sorted(w for w in extensions if entity_kind != "departamento" and w[1] >= start and w[0] <= end))
    relevant = tuple(p for p in periods if p[1] >= start and p[0] <= end)
    recess = next((start + timedelta(days=i) for i in range((end - start).days + 1)
                   if not in_sessions(start + timedelta(days=i), (*periods, *extended))
                   and (is_working is None or is_working(start + timedelta(days=i)))), None)
    sessions_text = (f"Sesiones ordinarias en ese lapso: {_periods_text(relevant)} ({basis})." if relevant
                     else f"En ese lapso no hay sesiones ordinarias ({basis}).")
    if extended:
        sessions_text += f" Prórroga registrada: {_periods_text(extended)} ({extension_law})."
    if recess is None:
        return SessionsVerdict(False, start, end, None, relevant, f"{basis}; L152 art. 40",
                               f"{month_text} {of_corporation} para decidir va {window} (L152 art. 40) y cae dentro de "
                               f"sus sesiones ordinarias. {sessions_text} No hace falta convocar a sesiones "
                               "extraordinarias.")
    # «desde el …» only when the sessions ran until then: a first-year Asamblea out of sessions since February was
    # said to leave them on the month's first working day (QA, 7 December 2026).
    left = recess != start and in_sessions(recess - timedelta(days=1), (*periods, *extended))
    when = "en ese lapso" if not relevant else f"{'desde el' if left else 'el'} {format_date_es(recess, weekday=True)}"
    return SessionsVerdict(
        True, start, end, recess, relevant, f"{convoke_basis}; {basis}",
        f"{month_text} {of_corporation} para decidir va {window} (L152 art. 40), pero {when} "
        f"{corporation} no está en sesiones ordinarias. {sessions_text} "
        f"El alcalde o gobernador debe convocar a sesiones extraordinarias que cubran ese mes ({convoke_basis}){extension}.")


# -------------------------------------------------------------------------------------------------------------
# Sessions as data the route checks (issue 20): the recorded extensions and convocations, and every debate or
# vote inside a valid session. legal-path.md §d rows "Ordinary sessions in the first year" and "Consequence for
# the decision month"; §b.2 T10 (debates and approval), T11 (b) (vote-down), T14 (the decision on objections);
# the compact deadline table's row "Convoke extraordinary sessions".
# -------------------------------------------------------------------------------------------------------------

#: L136 art. 23 par. 1: "Cada período ordinario podrá ser prorrogado por diez días calendario más, a voluntad del
#: respectivo Concejo"; DL1421 art. 10: "prorrogables, a juicio del mismo Concejo, hasta por diez (10) días más";
#: L56 art. 1 par. (text of Ley 1871 de 2017): "a voluntad de la respectiva Asamblea". Read as at most ten
#: calendar days after the period's last day (an extension of fewer days is allowed: interpretation).
EXTENSION_MAX_DAYS = 10
#: Whether an Asamblea may extend an ordinary period under Ley 2200 de 2022 (art. 23 was not read here; the
#: calendar of this module follows the issue's reading, which gives no extension). Before 8 February 2022 the
#: text of L56 art. 1 as Ley 1871 de 2017 left it allows it.
L2200_ALLOWS_EXTENSION = False
#: Whether an extraordinary session counts for the plan only when the convocation's purpose names it. L136 art. 23
#: par. 2: "para que se ocupen exclusivamente de los asuntos que se sometan a su consideración"; L136 art. 91 a)
#: 4: "sólo se ocupará de los temas y materias para los cuales fue citado". True: the executive states it when
#: recording the decree (``Convocation.covers_plan``).
CONVOCATION_MUST_NAME_PLAN = True
#: Yearly cap on an Asamblea's extraordinary sessions, in months: L2200 art. 23 (issue 20: three months a year,
#: text not found by the search tool) from 8 February 2022; L56 art. 1 as modified by L617 art. 29 before it
#: ("Podrán sesionar igualmente durante un mes al año de forma extraordinaria"). Concejos: no yearly cap in L136.
ASAMBLEA_EXTRAORDINARY_MONTHS_L2200 = 3
ASAMBLEA_EXTRAORDINARY_MONTHS_L56 = 1
#: How the cap's months are counted: days of extraordinary sessions outside ordinary or extended ones, thirty per
#: month (interpretation: a convocation spans days, the cap is a length).
DAYS_PER_MONTH = 30
#: L136 art. 78: "Si el Concejo no estuviere reunido, el alcalde está en la obligación de convocarlo en la semana
#: siguiente a la fecha de las objeciones. Este período de sesiones no podrá ser superior a cinco días."
OBJECTIONS_SESSION_DAYS = 5

SESSION_KINDS = {
    "ordinary": "Sesiones ordinarias",
    "extended": "Prórroga de sesiones ordinarias",
    "convoked": "Sesiones extraordinarias convocadas",
    "convoked_other": "Sesiones extraordinarias para otros asuntos",
    "recess": "Receso",
    "unknown": "Calendario desconocido",
}


@dataclass(frozen=True)
class SessionExtension:
    """The corporation extended the ordinary period ending ``period_end`` by ``days`` calendar days."""

    period_end: date
    days: int
    recorded_on: date | None = None
    reference: str = ""

    @property
    def starts_on(self) -> date:
        return self.period_end + timedelta(days=1)

    @property
    def ends_on(self) -> date:
        return self.period_end + timedelta(days=self.days)


@dataclass(frozen=True)
class Convocation:
    """The executive's decree convoking extraordinary sessions from ``starts_on`` to ``ends_on`` for ``purpose``.
    ``covers_plan``: the purpose names the development plan; ``for_objections``: convoked to decide the executive's
    objections (L136 art. 78)."""

    starts_on: date
    ends_on: date
    purpose: str = ""
    covers_plan: bool = True
    for_objections: bool = False
    convoked_on: date | None = None
    reference: str = ""

    def covers(self, d: date) -> bool:
        return self.starts_on <= d <= self.ends_on


@dataclass(frozen=True)
class SessionRecords:
    """What the corporation and the executive recorded: extensions and convocations (the service's rows)."""

    extensions: tuple[SessionExtension, ...] = ()
    convocations: tuple[Convocation, ...] = ()


@dataclass(frozen=True)
class Corporation:
    """Whose sessions: the entity's kind, category (L617), period start and special regime (Bogotá)."""

    entity_kind: str
    category: str | None
    period_start: date
    special: str | None = None

    @property
    def name(self) -> str:
        return "la Asamblea" if self.entity_kind == "departamento" else "el Concejo"


@dataclass(frozen=True)
class SessionDay:
    """What kind of session a day is, with its norm and a Spanish explanation."""

    day: date
    kind: str
    legal_basis: str
    explanation: str
    start: date | None = None
    end: date | None = None
    convocation: Convocation | None = None


def invalidity_basis(corp: Corporation, on: date) -> str:
    """The norm that makes a session outside the legal conditions invalid: L136 art. 23 par. 2 and art. 24
    ("carecerá de validez", as the Tribunal Administrativo de Boyacá quotes it) for a Concejo; DL1421 art. 10 for
    Bogotá; L2200 arts. 23, 25 for an Asamblea from 8 February 2022, L56 art. 1 (mod. L617 art. 29) before."""
    if corp.special == BOGOTA:
        return "DL1421 art. 10"
    if corp.entity_kind != "departamento":
        return "L136 art. 23 par. 2; L136 art. 24"
    return "L2200 arts. 23, 25" if on >= L2200_IN_FORCE else L56_BASIS


def _ordinary_of(corp: Corporation, d: date) -> tuple[tuple[date, date] | None, str] | None:
    found = ordinary_periods(corp.entity_kind, corp.category, d.year, corp.period_start, corp.special)
    if found is None:
        return None
    periods, basis = found
    return next((p for p in periods if p[0] <= d <= p[1]), None), basis


def extension_basis(corp: Corporation) -> str:
    return extension_basis_of(corp.entity_kind, corp.special)


def extension_basis_of(entity_kind: str, special: str | None) -> str:
    """The statute of a corporation's extension of its ordinary period: Bogotá's DL1421 art. 10, an Asamblea's L56
    art. 1 par., a Concejo's L136 art. 23 par. 1."""
    if special == BOGOTA:
        return "DL1421 art. 10"
    return "L56 art. 1 par." if entity_kind == "departamento" else "L136 art. 23 par. 1"


def session_on(corp: Corporation, records: SessionRecords, d: date) -> SessionDay:
    """The session ``d`` falls in: an ordinary period (by category and law), a recorded extension of one, a
    recorded convocation (for the plan or for other matters), recess, or unknown (municipio without category)."""
    found = _ordinary_of(corp, d)
    if found is None:
        return SessionDay(d, "unknown", "L136 art. 23", "Sin la categoría del municipio (Ley 617 de 2000) no se "
                          "conocen sus sesiones ordinarias: "
                          "la alcaldía (el despacho o la secretaría de planeación) la registra en la configuración de la entidad.")
    period, basis = found
    if period is not None:
        return SessionDay(d, "ordinary", basis, f"Sesiones ordinarias del {format_date_es(period[0])} al "
                          f"{format_date_es(period[1])}.", period[0], period[1])
    for ext in records.extensions:
        if ext.starts_on <= d <= ext.ends_on:
            ext_basis = extension_basis(corp)
            return SessionDay(d, "extended", ext_basis, f"Prórroga de {ext.days} días del período ordinario que "
                              f"terminó el {format_date_es(ext.period_end)}, decidida por {corp.name}.",
                              ext.starts_on, ext.ends_on)
    convocations = [c for c in records.convocations if c.covers(d)]
    if convocations:
        conv = next((c for c in convocations if c.covers_plan or c.for_objections), convocations[0])
        conv_basis = convocation_basis(corp.entity_kind, conv.starts_on, corp.special)
        purpose = f": {conv.purpose}" if conv.purpose else ""
        kind = "convoked" if conv.covers_plan or conv.for_objections else "convoked_other"
        return SessionDay(d, kind, conv_basis, f"Sesiones extraordinarias convocadas del "
                          f"{format_date_es(conv.starts_on)} al {format_date_es(conv.ends_on)}{purpose}.",
                          conv.starts_on, conv.ends_on, conv)
    return SessionDay(d, "recess", invalidity_basis(corp, d), f"{corp.name[0].upper()}{corp.name[1:]} está en "
                      f"receso: fuera de sus sesiones ordinarias ({basis}), sin prórroga ni convocatoria registradas. "
                      "Una sesión en receso carece de validez.")


def debate_session_verdict(corp: Corporation, records: SessionRecords, d: date, what: str,
                           on_objections: bool = False) -> tuple[bool, str, str]:
    """(ok, reason, norm): a debate or vote of the plan on ``d`` must take place in a valid session: an ordinary
    period, its recorded extension, or extraordinary sessions convoked for the plan (or, for the decision on the
    objections, convoked to decide them). Outside one the session "carecerá de validez" (L136 art. 24; L2200
    art. 25): refused. Unknown calendar (no category): allowed, nothing asserted. ``what``: the act in Spanish,
    "una sesión que debata o vote el plan"."""
    day = session_on(corp, records, d)
    if day.kind in ("ordinary", "extended", "unknown"):
        return True, day.explanation, day.legal_basis
    invalid = invalidity_basis(corp, d)
    when = format_date_es(d, weekday=True)
    if day.kind in ("convoked", "convoked_other"):
        conv = day.convocation
        assert conv is not None
        if conv.covers_plan or (on_objections and conv.for_objections) or not CONVOCATION_MUST_NAME_PLAN:
            return True, day.explanation, day.legal_basis
        return False, (f"No se puede registrar {what} el {when}: {corp.name} está en sesiones extraordinarias "
                       f"convocadas para otros asuntos ({conv.purpose or 'sin objeto registrado'}); en ellas solo "
                       "se ocupa de los asuntos que se sometieron a su consideración. Registre una convocatoria que "
                       "incluya el plan de desarrollo."), f"{day.legal_basis}; {invalid}"
    return False, (f"El {when} {corp.name} está en receso (sin sesiones ordinarias, prórroga ni sesiones "
                   f"extraordinarias convocadas para el plan): {what} en esa fecha no es válida, porque una sesión "
                   "fuera de las condiciones legales carece de validez. Vea el calendario de sesiones; registre la "
                   "prórroga o la convocatoria, o corrija la fecha."), invalid


def extension_verdict(corp: Corporation, records: SessionRecords, act_on: date, days: int | None
                      ) -> tuple[bool, str, str, SessionExtension | None]:
    """(ok, reason, norm, extension): the corporation extends the ordinary period it is in on ``act_on`` (the day
    of its decision, at the latest the period's last day) by up to ten calendar days (L136 art. 23 par. 1; DL1421
    art. 10; L56 art. 1 par.), once per period. An Asamblea under Ley 2200 only if ``L2200_ALLOWS_EXTENSION``."""
    basis = extension_basis(corp)
    if corp.entity_kind == "departamento" and corp.special is None and act_on >= L2200_IN_FORCE \
            and not L2200_ALLOWS_EXTENSION:
        return False, ("La Ley 2200 de 2022 no prevé la prórroga de los períodos de sesiones ordinarias de la "
                       "Asamblea; para sesionar fuera de ellos el gobernador convoca a sesiones extraordinarias."), \
            "L2200 art. 23", None
    if not days or days < 1 or days > EXTENSION_MAX_DAYS:
        return False, (f"Indique cuántos días calendario se prorroga el período (de 1 a {EXTENSION_MAX_DAYS})."), \
            basis, None
    found = _ordinary_of(corp, act_on)
    if found is None:
        return False, ("Sin la categoría del municipio no se conocen sus períodos ordinarios ni, por tanto, cuál "
                       "se prorroga: la alcaldía (el despacho o la secretaría de planeación) la registra en la configuración de la entidad, y entonces se registra la prórroga."), \
            "L136 art. 23", None
    period, _ = found
    if period is None:
        return False, (f"El {format_date_es(act_on, weekday=True)} {corp.name} no está en un período de sesiones "
                       "ordinarias: la prórroga se decide dentro del período que se prorroga."), basis, None
    if any(e.period_end == period[1] for e in records.extensions):
        return False, (f"El período ordinario que termina el {format_date_es(period[1])} ya tiene una prórroga "
                       "registrada."), basis, None
    ext = SessionExtension(period[1], days, act_on)
    return True, (f"Prórroga del {format_date_es(ext.starts_on)} al {format_date_es(ext.ends_on)}."), basis, ext


def extension_window_open(corp: Corporation, d: date) -> bool:
    """Whether an extension may still be recorded on ``d`` (for listing the act): inside an ordinary period, or
    within the ten days after one (an extension decided on its last day, typed later). Unknown calendar: the form
    decides."""
    if corp.entity_kind == "departamento" and corp.special is None and d >= L2200_IN_FORCE \
            and not L2200_ALLOWS_EXTENSION:
        return False
    for back in range(EXTENSION_MAX_DAYS + 1):
        found = _ordinary_of(corp, d - timedelta(days=back))
        if found is None:
            return True
        if found[0] is not None:
            return True
    return False


def _cap_days(corp: Corporation, starts_on: date) -> tuple[int, str] | None:
    """The yearly cap of an Asamblea's extraordinary sessions, in days, and its norm; None where the law sets
    none (Concejos, Bogotá)."""
    if corp.entity_kind != "departamento" or corp.special is not None:
        return None
    if starts_on >= L2200_IN_FORCE:
        return ASAMBLEA_EXTRAORDINARY_MONTHS_L2200 * DAYS_PER_MONTH, "L2200 art. 23"
    return ASAMBLEA_EXTRAORDINARY_MONTHS_L56 * DAYS_PER_MONTH, L56_BASIS


def extraordinary_days(corp: Corporation, records: SessionRecords, year: int,
                       extra: Convocation | None = None) -> int:
    """Days of ``year`` in recorded convocations (and ``extra``) outside ordinary and extended sessions: what
    counts against the yearly cap."""
    days: set[date] = set()
    base = SessionRecords(records.extensions, ())
    for conv in (*records.convocations, *((extra,) if extra else ())):
        d = max(conv.starts_on, date(year, 1, 1))
        while d <= min(conv.ends_on, date(year, 12, 31)):
            if session_on(corp, base, d).kind == "recess":
                days.add(d)
            d += timedelta(days=1)
    return len(days)


def convocation_verdict(corp: Corporation, records: SessionRecords, conv: Convocation | None, on: date
                        ) -> tuple[bool, str, str, str | None]:
    """(ok, reason, norm, field): a convocation is recorded with its window and purpose (L136 art. 23 par. 2; L2200
    art. 23; DL1421 art. 10); convoked to decide objections, a Concejo's sessions last at most five days (L136
    art. 78); an Asamblea's extraordinary sessions stay within their yearly cap: three months from 8 February 2022
    (L2200 art. 23), one month before (L56 art. 1, mod. L617 art. 29). ``field``: the convocation form's field
    a refusal is about, said beside it."""
    if conv is None:
        return False, ("Indique las fechas de inicio y fin de las sesiones extraordinarias y su objeto (los asuntos "
                       "que se someten a la corporación)."), convocation_basis(corp.entity_kind, on, corp.special), "starts_on"
    basis = convocation_basis(corp.entity_kind, conv.starts_on, corp.special)
    if conv.ends_on < conv.starts_on:
        return False, "La fecha final de las sesiones extraordinarias es anterior a la inicial.", basis, "ends_on"
    last = period_end(corp.period_start)
    if conv.ends_on > last:  # the corporation convoked is the one elected for this period (AL02)
        return False, (f"Las sesiones extraordinarias no pueden ir más allá del período constitucional de "
                       f"{corp.name}: termina el {format_date_es(last)}."), f"AL02; {basis}", "ends_on"
    if not conv.purpose.strip():
        return False, ("Indique el objeto de la convocatoria: la corporación solo se ocupa de los asuntos que se "
                       "someten a su consideración."), basis, "purpose"
    if conv.convoked_on is not None and conv.starts_on < conv.convoked_on:
        return False, (f"Las sesiones no pueden empezar ({format_date_es(conv.starts_on)}) antes del decreto que "
                       f"las convoca ({format_date_es(conv.convoked_on)})."), basis, "starts_on"
    length = (conv.ends_on - conv.starts_on).days + 1
    if conv.for_objections and corp.entity_kind == "municipio" and corp.special is None \
            and length > OBJECTIONS_SESSION_DAYS:
        return False, (f"Convocado para decidir las objeciones, el período de sesiones del Concejo no puede ser "
                       f"superior a {OBJECTIONS_SESSION_DAYS} días; la convocatoria pide {length}."), "L136 art. 78", "ends_on"
    cap = _cap_days(corp, conv.starts_on)
    if cap is not None:
        cap_days, cap_basis = cap
        for year in range(conv.starts_on.year, conv.ends_on.year + 1):
            before = extraordinary_days(corp, records, year)
            after = extraordinary_days(corp, records, year, conv)
            if after > cap_days:
                months = cap_days // DAYS_PER_MONTH
                return False, (f"La Asamblea puede sesionar extraordinariamente a lo sumo {months} "
                               f"{'mes' if months == 1 else 'meses'} al año ({cap_days} días): en {year} ya hay "
                               f"{before} días de sesiones extraordinarias registrados y esta convocatoria llevaría "
                               f"el total a {after}."), cap_basis, "ends_on"
    return True, "", basis, None


def year_calendar(corp: Corporation, records: SessionRecords, year: int) -> list[SessionDay]:
    """The year as spans of the same kind of session (first day, last day, kind, norm, explanation): what the
    corporation's secretary sees, and what may be debated on which day and why."""
    spans: list[SessionDay] = []
    d = date(year, 1, 1)
    while d.year == year:
        day = session_on(corp, records, d)
        last = spans[-1] if spans else None
        if last is not None and last.kind == day.kind and last.explanation == day.explanation \
                and last.end == d - timedelta(days=1):
            spans[-1] = SessionDay(last.day, last.kind, last.legal_basis, last.explanation, last.start or last.day,
                                   d, last.convocation)
        else:
            spans.append(SessionDay(d, day.kind, day.legal_basis, day.explanation, d, d, day.convocation))
        d += timedelta(days=1)
    return spans
