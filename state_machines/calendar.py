"""Legal deadline engine: the facts of one plan in, its legal calendar out.

The input/output contract is ``shared/domain/calendar-contract.md``; the rules come from
``shared/domain/legal-path.md`` §e.3 (day counting) and §c (Decreto 683 de 2020). Norm IDs are those of
legal-path.md §0. One pure function serves the web pages, the reminders, the automatic legal effects, the CLI
and the JSON API, so all of them always agree.

Day counting (legal-path.md §e.1):

- Terms in days exclude holidays and the days the office is closed ("vacantes"): L4-1913 art. 62.
- Terms in months run by the common calendar and keep the day number, falling back to the last day of a shorter
  month: CC art. 67; L4-1913 arts. 59, 62.
- A month term whose last day is not a business day extends to the next business day: L4-1913 art. 62.
- Where the readings of "un mes" differ (legal-path.md §e.2), every term is an interval
  ``[earliest, latest]``: the actor acts by the last business day on or before ``earliest``; an automatic effect
  against another body applies only from the day after ``latest``.

Where the law may be read otherwise the rule is a module-level policy value below, not a buried constant.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType

from state_machines.approval.regimes import (
    BUILTIN_REGIMES,
    D683_2020,
    MODIFICATIONS_FILED_BY,
    ORDINARY,
    ExceptionalRegime,
)
from state_machines.core.dates import PERIOD_YEARS, add_months, format_date_es, last_day_of_month, period_end
from state_machines.corporation.sanction import (
    REFUSE_LATE_OBJECTIONS,
    SanctionLaw,
    president_sanctions_after,
    sanction_law,
)
from state_machines.corporation.sessions import (
    BOGOTA,
    CATEGORIES,
    convocation_basis,
    extraordinary_sessions_verdict,
    in_sessions,
    ordinary_periods,
)

# --- Policy values (legal-path.md: "make the rule a configurable value") -----------------------------------

#: D1865 art. 3 num. 3: the CAR has "no superior a quince (15) días"; days are business days (L4-1913 art. 62).
CAR_CONCEPT_BUSINESS_DAYS = 15
#: L152 art. 39 num. 3 and num. 5: "dentro de los dos meses siguientes a la posesión".
CONSOLIDATION_MONTHS = 2
#: L152 art. 39 num. 6: the CTP has one month counted from the presentation.
CTP_CONCEPT_MONTHS = 1
#: L152 art. 40: filing "dentro de los primeros cuatro meses del respectivo período".
FILING_MONTHS = 4
#: L152 art. 40: the corporation decides "dentro del mes siguiente" to the filing.
CORPORATION_DECISION_MONTHS = 1
#: legal-path.md §f.4: whether L4-1913 art. 62 extends a fixed date (15 June 2020 was a holiday) is doubtful;
#: the contract says fixed dates are not extended.
EXTEND_FIXED_DATES = False
#: Reminders go out this many business days before ``act_by`` (and on the day); used by notifications.
REMINDER_BUSINESS_DAYS_BEFORE = (5, 1)
#: Offices closed on Saturday and Sunday unless the entity says otherwise (legal-path.md §e.1 num. 5).
DEFAULT_NONWORKING_WEEKDAYS = frozenset({5, 6})
#: CPACA art. 65; L4-1913 art. 61; L2200 art. 103: a general act binds from its publication, from 00:00 of that
#: day ("rige a partir de su publicación"), unless it declares a later day; never before. Days added to the
#: publication day when the act says nothing else (0: the same day).
IN_FORCE_DAYS_AFTER_PUBLICATION = 0
#: The vigencia clauses an adopting act may carry, and how they read.
VIGENCIA_CLAUSES = {
    "on_publication": "rige a partir de su publicación",
    "day_after_publication": "rige a partir del día siguiente a su publicación",
    "fixed_date": "rige a partir de la fecha que el mismo acto fija",
    "silent": "no dice desde cuándo rige",
}
IN_FORCE_BASIS = "CPACA art. 65; L4-1913 art. 61; L2200 art. 103"
#: AL02: four-year institutional periods starting 1 January 2004, 2008, ... 2020, 2024, 2028.
FIRST_PERIOD_YEAR = 2004
LAST_PERIOD_YEAR = 2096

ENTITY_KINDS = ("municipio", "departamento")
REGIMES = ("ordinary", "d683_2020")
D683_ARTICLES = ("art1", "art2")

EFFECT_WARNING = "warning"
EFFECT_CTP_DEEMED_FULFILLED = "ctp_requirement_deemed_fulfilled"
EFFECT_DECREE_ADOPTION_ENABLED = "decree_adoption_enabled"
#: The effects with a legal consequence of their own when the term runs out (the CTP's silence, L152 art. 39
#: num. 6; the decree, L152 art. 40): the board counts their deadlines among the key ones.
HARD_EFFECTS = frozenset({EFFECT_CTP_DEEMED_FULFILLED, EFFECT_DECREE_ADOPTION_ENABLED})

#: The last stretch (``state_machines.corporation.sanction``, issue 20): the approval, the remission for sanction, the
#: corporation's rejection of objections, its insistence on an illegality objection, the Tribunal's ruling that
#: the objections are unfounded (the day its communication is received), and the sanction.
SANCTION_EVENT_KEYS = ("approved", "sent_for_sanction", "objected", "objections_convoked", "objections_rejected",
                       "illegality_insisted", "tribunal_unfounded", "sanctioned", "governor_copy_sent",
                       "objected_published", "illegality_communicated")
_EVENT_KEYS = ("ctp_presented", "car_copies_received", "filed_with_corporacion", "adopted", "sessions_convoked",
               *SANCTION_EVENT_KEYS, "session_extensions", "session_convocations")
#: The facts a plan stores that the calendar reads (others, such as the debates or the publication, are read by
#: the guards and by ``in_force_on``).
EVENT_KEYS = _EVENT_KEYS
_TOP_LEVEL_KEYS = (
    "entity_kind",
    "period_start",
    "posesion",
    "nonworking_weekdays",
    "regime",
    "d683_articles",
    "fiscal_category",
    "article_count",
    "special_regime",
    "events",
)

# --- Errors ------------------------------------------------------------------------------------------------


class FactsError(ValueError):
    """Invalid facts: refused, never guessed (calendar-contract.md, "Input").

    ``field`` is the dotted path of the offending input (``""`` for the body itself), ``message`` a Spanish
    sentence for the person who sent it.
    """

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def to_json(self) -> dict:
        return {"error": {"field": self.field, "message": self.message}}


# --- Business calendar -------------------------------------------------------------------------------------

HolidayProvider = Callable[[int], Mapping[date, str]]

_ONE_DAY = timedelta(days=1)
_MAX_SCAN_DAYS = 3660  # a calendar with no business day for ten years is a configuration error
_EXTRA_HOLIDAY_NAME = "día no hábil declarado para la entidad"


@lru_cache(maxsize=None)
def _colombian_holidays(year: int) -> Mapping[date, str]:
    """Colombia's holidays of one year, moved per L51 art. 1 (``holidays`` CO, observed dates; HOL)."""
    import holidays

    try:
        source = holidays.country_holidays("CO", years=year, language="es")
    except (NotImplementedError, ValueError, TypeError):
        source = holidays.country_holidays("CO", years=year)
    return MappingProxyType(
        {day: name.replace("(observado)", "(trasladado al lunes)") for day, name in source.items() if day.year == year}
    )


def colombian_holidays(year: int) -> Mapping[date, str]:
    """Default holiday provider: ``date -> Spanish name`` for one year (cached per year)."""
    return _colombian_holidays(year)


def _as_provider(source: HolidayProvider | Mapping[date, str]) -> HolidayProvider:
    """Accept a ``year -> {date: name}`` callable, or a mapping such as a ``holidays.HolidayBase`` object (which
    loads a year when a date of that year is first looked up)."""
    if callable(source) and not isinstance(source, Mapping):
        return source

    def provider(year: int) -> Mapping[date, str]:
        _ = date(year, 1, 1) in source  # lets an auto-expanding HolidayBase load the year
        return {d: name for d, name in source.items() if d.year == year}

    return provider


def _check_weekdays(weekdays: Iterable[int]) -> frozenset[int]:
    result = frozenset(weekdays)
    if any(isinstance(w, bool) or not isinstance(w, int) or not 0 <= w <= 6 for w in result):
        raise ValueError("nonworking_weekdays must be integers 0..6 (Monday = 0)")
    if len(result) == 7:
        raise ValueError("nonworking_weekdays cannot close all seven weekdays")
    return result


class BusinessCalendar:
    """Business days of one entity: not a Colombian holiday (L51; HOL), not an extra non-working date, and not
    a weekday the entity's offices are closed ("vacantes", L4-1913 art. 62).

    ``holiday_provider(year) -> {date: name}`` (or a ``{date: name}`` mapping, e.g. a ``holidays`` object)
    replaces the default source (tests, or a verified official list); ``extra_holidays`` adds non-working
    dates (iterable of dates, or ``{date: name}``); ``removed_holidays`` drops provider dates that are not
    legally settled (e.g. a new holiday whose law has not been verified, legal-path.md §e.5 caveat 3).
    Holidays are looked up once per year and cached.
    """

    def __init__(
        self,
        nonworking_weekdays: Iterable[int] = DEFAULT_NONWORKING_WEEKDAYS,
        extra_holidays: Iterable[date] | Mapping[date, str] = (),
        holiday_provider: HolidayProvider | Mapping[date, str] | None = None,
        removed_holidays: Iterable[date] = (),
    ):
        self.nonworking_weekdays = _check_weekdays(nonworking_weekdays)
        if isinstance(extra_holidays, Mapping):
            extras = {d: str(name) for d, name in extra_holidays.items()}
        else:
            extras = {d: _EXTRA_HOLIDAY_NAME for d in extra_holidays}
        self._extra_holidays = MappingProxyType(extras)
        self._removed_holidays = frozenset(removed_holidays)
        self._holiday_provider = _as_provider(holiday_provider) if holiday_provider else colombian_holidays
        self._closed = tuple(w in self.nonworking_weekdays for w in range(7))
        self._names: dict[date, str] = {}
        self._loaded_years: set[int] = set()

    def with_nonworking_weekdays(self, weekdays: Iterable[int]) -> BusinessCalendar:
        """Same holiday source and overrides, other closed weekdays (shares the per-year cache)."""
        other = BusinessCalendar(weekdays, self._extra_holidays, self._holiday_provider, self._removed_holidays)
        other._names = self._names
        other._loaded_years = self._loaded_years
        return other

    def _load_year(self, year: int) -> None:
        names = self._names
        for day, name in self._holiday_provider(year).items():
            if day.year == year and day not in self._removed_holidays:
                names[day] = name
        for day, name in self._extra_holidays.items():
            if day.year == year:
                names[day] = name
        self._loaded_years.add(year)

    def holiday_name(self, d: date) -> str | None:
        """Name of the holiday or extra non-working date ``d``, or ``None`` (a plain weekend is not one)."""
        if d.year not in self._loaded_years:
            self._load_year(d.year)
        return self._names.get(d)

    def is_nonworking(self, d: date) -> bool:
        if self._closed[d.weekday()]:
            return True
        if d.year not in self._loaded_years:
            self._load_year(d.year)
        return d in self._names

    def is_business(self, d: date) -> bool:
        return not self.is_nonworking(d)

    def next_business(self, d: date) -> date:
        """First business day on or after ``d`` (the L4-1913 art. 62 extension)."""
        for _ in range(_MAX_SCAN_DAYS):
            if not self.is_nonworking(d):
                return d
            d += _ONE_DAY
        raise ValueError("no business day found: check the calendar configuration")

    def prev_business(self, d: date) -> date:
        """Last business day on or before ``d``."""
        for _ in range(_MAX_SCAN_DAYS):
            if not self.is_nonworking(d):
                return d
            d -= _ONE_DAY
        raise ValueError("no business day found: check the calendar configuration")

    def add_business_days(self, d: date, k: int) -> date:
        """The ``k``-th business day after ``d``, ``d`` itself not counted (L4-1913 art. 62; CGP art. 118 by
        analogy). Negative ``k`` counts backwards; ``k = 0`` returns ``d``."""
        step = _ONE_DAY if k >= 0 else -_ONE_DAY
        remaining = abs(k)
        scanned = 0
        while remaining:
            d += step
            scanned += 1
            if scanned > _MAX_SCAN_DAYS:
                raise ValueError("no business day found: check the calendar configuration")
            if not self.is_nonworking(d):
                remaining -= 1
        return d

    def business_days_between(self, a: date, b: date) -> int:
        """Business days in ``(a, b]``; negative (the count in ``(b, a]``) when ``b < a``."""
        if b < a:
            return -self.business_days_between(b, a)
        count = 0
        d = a
        while d < b:
            d += _ONE_DAY
            if not self.is_nonworking(d):
                count += 1
        return count

    def nonworking_reason(self, d: date) -> str:
        """Spanish: why ``d`` is not a business day (``""`` if it is one)."""
        name = self.holiday_name(d)
        if name is not None:
            return f"festivo: {name}"
        if self._closed[d.weekday()]:
            return "" if d.weekday() >= 5 else "la entidad no atiende ese día"
        return ""


_DEFAULT_CALENDARS: dict[frozenset[int], BusinessCalendar] = {}


def default_calendar(nonworking_weekdays: Iterable[int] = DEFAULT_NONWORKING_WEEKDAYS) -> BusinessCalendar:
    """Shared calendar on Colombia's holidays for a set of closed weekdays (the holiday cache lives on)."""
    key = frozenset(nonworking_weekdays)
    cal = _DEFAULT_CALENDARS.get(key)
    if cal is None:
        cal = _DEFAULT_CALENDARS[key] = BusinessCalendar(key)
    return cal


# --- Facts -------------------------------------------------------------------------------------------------


def _period_end(period_start: date) -> date:
    return period_end(period_start)


@dataclass(frozen=True)
class Facts:
    """What is known about one plan (calendar-contract.md, "Input: the facts").

    Constructing it checks the legal consistency of the facts and raises ``FactsError`` otherwise, so a
    ``Facts`` built by hand is as trustworthy as one from ``parse_facts``.
    """

    entity_kind: str
    period_start: date
    posesion: date
    nonworking_weekdays: frozenset[int] = DEFAULT_NONWORKING_WEEKDAYS
    regime: str = "ordinary"
    d683_articles: frozenset[str] = frozenset()
    ctp_presented: date | None = None
    car_copies_received: Mapping[str, date] = field(default_factory=lambda: MappingProxyType({}))
    filed_with_corporacion: date | None = None
    adopted: date | None = None
    #: The parameters of ``regime`` (an exceptional regime's row); None with ``ordinary``. Left out, a built-in
    #: regime (``d683_2020``) is filled in from ``state_machines.approval.regimes``.
    regime_rules: ExceptionalRegime | None = None
    fiscal_category: str | None = None
    sessions_convoked: date | None = None
    approved: date | None = None
    sent_for_sanction: date | None = None
    #: The executive's objections (L136 art. 78) and the convocation recorded after them to decide them.
    objected: date | None = None
    objections_convoked: date | None = None
    #: The objected project published by the governor because the Asamblea entered recess (L2200 art. 100 inc. 4).
    objected_published: date | None = None
    objections_rejected: date | None = None
    illegality_insisted: date | None = None
    #: The governor's receipt of the Asamblea's communication of its insistence (L2200 art. 101), when stated.
    illegality_communicated: date | None = None
    tribunal_unfounded: date | None = None
    sanctioned: date | None = None
    governor_copy_sent: date | None = None
    #: The project's article count as the executive gave it (L136 art. 78; L2200 art. 100); None: unknown.
    article_count: int | None = None
    #: A district with a statute of its own: ``"bogota"`` (Decreto-Ley 1421 de 1993); None: the general law.
    special_regime: str | None = None
    #: The corporation's recorded extensions of an ordinary period (L136 art. 23 par. 1): (first, last) days, in
    #: which it is "reunido" as in the ordinary sessions (read by ``objections_convocation`` and
    #: ``sessions_convocation``).
    session_extensions: tuple[tuple[date, date], ...] = ()
    #: The extraordinary sessions the executive convoked for the plan (its purpose names the plan, or the
    #: objections), recorded with it: (first, last) days, in which the corporation is "reunido" for the plan
    #: (read by ``objections_convocation``).
    session_convocations: tuple[tuple[date, date], ...] = ()

    def __post_init__(self) -> None:
        if self.regime_rules is None and self.regime != ORDINARY:
            object.__setattr__(self, "regime_rules", BUILTIN_REGIMES.get(self.regime))
        object.__setattr__(self, "nonworking_weekdays", frozenset(self.nonworking_weekdays))
        object.__setattr__(self, "d683_articles", frozenset(self.d683_articles))
        copies = dict(sorted(dict(self.car_copies_received).items(), key=lambda item: str(item[0])))
        object.__setattr__(self, "car_copies_received", MappingProxyType(copies))
        object.__setattr__(self, "session_extensions", tuple(sorted(tuple(w) for w in self.session_extensions)))
        object.__setattr__(self, "session_convocations", tuple(sorted(tuple(w) for w in self.session_convocations)))
        _check_facts(self)

    def __hash__(self) -> int:
        return hash(
            (
                self.entity_kind,
                self.period_start,
                self.posesion,
                self.nonworking_weekdays,
                self.regime,
                self.d683_articles,
                self.ctp_presented,
                tuple(self.car_copies_received.items()),
                self.filed_with_corporacion,
                self.adopted,
                self.regime_rules,
                self.fiscal_category,
                self.sessions_convoked,
                tuple(getattr(self, k) for k in SANCTION_EVENT_KEYS),
                self.article_count,
                self.special_regime,
                self.session_extensions,
                self.session_convocations,
            )
        )

    @property
    def uses_d683(self) -> bool:
        """Under an exceptional regime (the name is the contract's: D683 was the first)."""
        return self.regime_rules is not None

    def regime_date(self, which: str):
        """The regime's fixed date ``which`` (filing, modifications, decision) when the articles used enable it."""
        rules = self.regime_rules
        fixed = getattr(rules, which) if rules is not None else None
        return fixed if fixed is not None and fixed.applies(self.articles_in_use) else None

    @property
    def articles_in_use(self) -> frozenset[str]:
        """The regime's articles the plan could use: D683 art. 2 is for a plan filed by 30 April 2020
        (``MODIFICATIONS_FILED_BY``; legal-path.md §c), so a plan filed later did not use it, and art. 3's decision
        date, which follows art. 1 or 2, does not come from it (QA, 7 December 2026: a plan filed on 5 May 2020
        was given 15 July)."""
        filed_by = MODIFICATIONS_FILED_BY.get(self.regime)
        if filed_by is not None and self.filed_with_corporacion is not None and self.filed_with_corporacion > filed_by:
            return self.d683_articles - {"art2"}
        return self.d683_articles


def _check_facts(f: Facts) -> None:
    """Legal consistency of the facts, in a fixed order so the first error reported is deterministic."""
    for name in ("period_start", "posesion", "ctp_presented", "filed_with_corporacion", "adopted",
                 "sessions_convoked", *SANCTION_EVENT_KEYS):
        value = getattr(f, name)
        if value is None and name not in ("period_start", "posesion"):
            continue
        if not isinstance(value, date) or isinstance(value, datetime):
            path = name if name in ("period_start", "posesion") else f"events.{name}"
            raise FactsError(path, "Se esperaba una fecha (sin hora).")
    for code, received in f.car_copies_received.items():
        if not isinstance(received, date) or isinstance(received, datetime):
            raise FactsError(f"events.car_copies_received.{code}", "Se esperaba una fecha (sin hora).")
    if f.entity_kind not in ENTITY_KINDS:
        raise FactsError(
            "entity_kind",
            f"Tipo de entidad desconocido: «{f.entity_kind}». Use «municipio» (también para distritos) "
            "o «departamento».",
        )
    p = f.period_start
    if (p.month, p.day) != (1, 1) or p.year % PERIOD_YEARS or not FIRST_PERIOD_YEAR <= p.year <= LAST_PERIOD_YEAR:
        raise FactsError(
            "period_start",
            "El inicio del período debe ser el 1 de enero del primer año de un período constitucional "
            f"(2020, 2024, 2028…); se recibió el {format_date_es(p)}.",
        )
    end = _period_end(p)
    if f.posesion < p:
        raise FactsError("posesion", "La fecha de posesión es anterior al inicio del período.")
    if f.posesion > end:
        raise FactsError("posesion", "La fecha de posesión es posterior al fin del período constitucional.")
    weekdays = f.nonworking_weekdays
    if any(isinstance(w, bool) or not isinstance(w, int) or not 0 <= w <= 6 for w in weekdays):
        raise FactsError(
            "nonworking_weekdays",
            "Los días de cierre deben ser números de 0 (lunes) a 6 (domingo).",
        )
    if len(weekdays) == 7:
        raise FactsError("nonworking_weekdays", "La entidad no puede estar cerrada los siete días de la semana.")
    if f.fiscal_category is not None and f.fiscal_category not in CATEGORIES:
        raise FactsError(
            "fiscal_category",
            f"Categoría desconocida: «{f.fiscal_category}». Use especial, 1, 2, 3, 4, 5 o 6 (Ley 617 de 2000).",
        )
    rules = f.regime_rules
    if f.regime != ORDINARY and rules is None:
        raise FactsError(
            "regime", f"Régimen desconocido: «{f.regime}». Use «ordinary» o «d683_2020»."
        )
    if rules is not None and rules.code != f.regime:
        raise FactsError("regime", f"Los parámetros recibidos son del régimen «{rules.code}», no de «{f.regime}».")
    known = rules.article_keys if rules is not None else D683_2020.article_keys
    unknown = sorted(a for a in f.d683_articles if a not in known)
    if unknown:
        name = (rules or D683_2020).name
        raise FactsError(
            "d683_articles",
            f"Artículo del {name} desconocido: «{unknown[0]}». Use " + " o ".join(f"«{k}»" for k in sorted(known)) + ".",
        )
    if rules is not None:
        if p != rules.period_start:
            raise FactsError(
                "regime",
                f"El régimen del {rules.name} solo aplica a los planes del período "
                f"{rules.period_start.year}-{rules.period_start.year + PERIOD_YEARS - 1}.",
            )
        if known and not f.d683_articles:
            raise FactsError(
                "d683_articles",
                f"Con el régimen del {rules.name} indique qué artículos usó la entidad ("
                + ", ".join(sorted(known)) + ").",
            )
    elif f.d683_articles:
        raise FactsError(
            "d683_articles",
            "Solo se indican artículos del Decreto 683 de 2020 con el régimen «d683_2020».",
        )

    def check_event(path: str, label: str, d: date | None) -> None:
        if d is None:
            return
        if d < f.posesion:
            raise FactsError(path, f"La fecha de {label} es anterior a la posesión.")
        if d > end:
            raise FactsError(path, f"La fecha de {label} es posterior al fin del período constitucional.")

    check_event("events.ctp_presented", "presentación al CTP", f.ctp_presented)
    for code, received in f.car_copies_received.items():
        if not isinstance(code, str) or not code.strip():
            raise FactsError(
                "events.car_copies_received", "El código de la autoridad ambiental no puede estar vacío."
            )
        check_event(f"events.car_copies_received.{code}", f"recepción de la copia por {code}", received)
    check_event("events.filed_with_corporacion", "radicación ante la corporación", f.filed_with_corporacion)
    if f.filed_with_corporacion is not None and f.ctp_presented is not None:
        if f.filed_with_corporacion < f.ctp_presented:
            raise FactsError(
                "events.filed_with_corporacion",
                "La fecha de radicación ante la corporación es anterior a la presentación al CTP.",
            )
    check_event("events.adopted", "adopción del plan", f.adopted)
    check_event("events.sessions_convoked", "convocatoria a sesiones extraordinarias", f.sessions_convoked)
    for name in SANCTION_EVENT_KEYS:
        check_event(f"events.{name}", SANCTION_EVENT_LABELS[name], getattr(f, name))
    if f.special_regime not in (None, BOGOTA):
        raise FactsError("special_regime", f"Régimen especial desconocido: «{f.special_regime}». Use «bogota».")
    if f.special_regime == BOGOTA and f.entity_kind != "municipio":
        raise FactsError("special_regime", "El régimen de Bogotá (Decreto-Ley 1421 de 1993) es de un distrito.")
    if f.article_count is not None and (isinstance(f.article_count, bool) or not isinstance(f.article_count, int)
                                        or f.article_count < 1):
        raise FactsError("article_count", "El número de artículos debe ser un entero mayor que cero.")
    if f.adopted is not None:
        if f.filed_with_corporacion is None:
            raise FactsError(
                "events.adopted",
                "Falta la fecha de radicación ante la corporación: un plan no se adopta sin haber sido radicado.",
            )
        if f.adopted < f.filed_with_corporacion:
            raise FactsError(
                "events.adopted", "La fecha de adopción del plan es anterior a su radicación ante la corporación."
            )


# --- Parsing the JSON facts --------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _parse_date(value: object, path: str, label: str) -> date:
    if not isinstance(value, str):
        raise FactsError(path, f"La fecha de {label} debe ser un texto con formato AAAA-MM-DD.")
    if not _ISO_DATE.fullmatch(value):
        raise FactsError(path, f"La fecha de {label} «{value}» no tiene el formato AAAA-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FactsError(path, f"La fecha de {label} «{value}» no existe en el calendario.") from None


def _optional_date(data: Mapping, key: str, path: str, label: str) -> date | None:
    value = data.get(key)
    return None if value is None else _parse_date(value, path, label)


def _reject_unknown_keys(data: Mapping, allowed: tuple[str, ...], prefix: str) -> None:
    for key in data:
        if key not in allowed:
            raise FactsError(f"{prefix}{key}", f"Campo desconocido: «{key}».")


def parse_facts(data: dict, regimes: Mapping[str, ExceptionalRegime] | None = None) -> Facts:
    """Validate the facts JSON of calendar-contract.md and build ``Facts``; ``FactsError`` names the field.

    Unknown keys are refused rather than ignored: a misspelt event would otherwise silently drop a deadline.
    ``null`` in an optional field means "not known". ``regimes``: the exceptional regimes the service knows
    (its ``regimes`` table) by code, besides the built-in ``d683_2020``.
    """
    if not isinstance(data, dict):
        raise FactsError("", "Los hechos deben ser un objeto JSON.")
    _reject_unknown_keys(data, _TOP_LEVEL_KEYS, "")

    entity_kind = data.get("entity_kind")
    if entity_kind is None:
        raise FactsError("entity_kind", "Falta el tipo de entidad («municipio» o «departamento»).")
    if not isinstance(entity_kind, str):
        raise FactsError("entity_kind", "El tipo de entidad debe ser un texto: «municipio» o «departamento».")

    if data.get("period_start") is None:
        raise FactsError("period_start", "Falta el inicio del período constitucional (AAAA-01-01).")
    period_start = _parse_date(data["period_start"], "period_start", "inicio del período")
    posesion = _optional_date(data, "posesion", "posesion", "posesión") or period_start

    weekdays_raw = data.get("nonworking_weekdays")
    if weekdays_raw is None:
        weekdays = DEFAULT_NONWORKING_WEEKDAYS
    else:
        if not isinstance(weekdays_raw, list):
            raise FactsError(
                "nonworking_weekdays", "Los días de cierre deben ser una lista de números de 0 (lunes) a 6 (domingo)."
            )
        if any(isinstance(w, bool) or not isinstance(w, int) for w in weekdays_raw):
            raise FactsError(
                "nonworking_weekdays", "Los días de cierre deben ser números enteros de 0 (lunes) a 6 (domingo)."
            )
        weekdays = frozenset(weekdays_raw)

    regime = data.get("regime")
    if regime is None:
        regime = "ordinary"
    elif not isinstance(regime, str):
        raise FactsError("regime", "El régimen debe ser un texto: «ordinary» o «d683_2020».")

    articles_raw = data.get("d683_articles")
    if articles_raw is None:
        articles: frozenset[str] = frozenset()
    else:
        if not isinstance(articles_raw, list) or any(not isinstance(a, str) for a in articles_raw):
            raise FactsError("d683_articles", "Los artículos del Decreto 683 deben ser una lista de textos.")
        articles = frozenset(articles_raw)

    events = data.get("events")
    if events is None:
        events = {}
    elif not isinstance(events, dict):
        raise FactsError("events", "Los eventos deben ser un objeto JSON.")
    _reject_unknown_keys(events, _EVENT_KEYS, "events.")

    ctp_presented = _optional_date(events, "ctp_presented", "events.ctp_presented", "presentación al CTP")
    copies_raw = events.get("car_copies_received")
    copies: dict[str, date] = {}
    if copies_raw is not None:
        if not isinstance(copies_raw, dict):
            raise FactsError(
                "events.car_copies_received",
                "Las copias recibidas por las autoridades ambientales deben ser un objeto {código: fecha}.",
            )
        for code, value in copies_raw.items():
            if not code.strip():
                raise FactsError(
                    "events.car_copies_received", "El código de la autoridad ambiental no puede estar vacío."
                )
            path = f"events.car_copies_received.{code}"
            if value is None:
                raise FactsError(path, f"Falta la fecha en que {code} recibió la copia.")
            copies[code] = _parse_date(value, path, f"recepción de la copia por {code}")
    filed = _optional_date(
        events, "filed_with_corporacion", "events.filed_with_corporacion", "radicación ante la corporación"
    )
    adopted = _optional_date(events, "adopted", "events.adopted", "adopción del plan")
    convoked = _optional_date(events, "sessions_convoked", "events.sessions_convoked",
                              "convocatoria a sesiones extraordinarias")
    last_stretch = {name: _optional_date(events, name, f"events.{name}", SANCTION_EVENT_LABELS[name])
                    for name in SANCTION_EVENT_KEYS}
    extensions = session_windows(events.get("session_extensions"), "events.session_extensions")
    convocations = session_windows(events.get("session_convocations"), "events.session_convocations")
    article_count = data.get("article_count")
    if article_count is not None and (isinstance(article_count, bool) or not isinstance(article_count, int)):
        raise FactsError("article_count", "El número de artículos debe ser un entero mayor que cero.")
    category = data.get("fiscal_category")
    if category is not None and not isinstance(category, str):
        raise FactsError("fiscal_category", "La categoría debe ser un texto: especial, 1, 2, 3, 4, 5 o 6.")

    return Facts(
        entity_kind=entity_kind,
        period_start=period_start,
        posesion=posesion,
        nonworking_weekdays=weekdays,
        regime=regime,
        d683_articles=articles,
        regime_rules=None if regime == ORDINARY else {**BUILTIN_REGIMES, **(regimes or {})}.get(regime),
        ctp_presented=ctp_presented,
        car_copies_received=copies,
        filed_with_corporacion=filed,
        adopted=adopted,
        fiscal_category=category,
        sessions_convoked=convoked,
        article_count=article_count,
        special_regime=data.get("special_regime"),
        session_extensions=extensions,
        session_convocations=convocations,
        **last_stretch,
    )


def session_windows(raw, path: str) -> tuple[tuple[date, date], ...]:
    """``[[first, last], ...]`` (ISO dates) -> ((first, last), ...); refused, never guessed, when malformed."""
    if raw is None:
        return ()
    what = "prórroga" if path.endswith("extensions") else "convocatoria"
    if not isinstance(raw, (list, tuple)):
        raise FactsError(path, f"Las sesiones de {what} deben ser una lista de pares [primer día, último día].")
    windows = []
    for i, pair in enumerate(raw):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise FactsError(f"{path}.{i}", f"Cada {what} de sesiones es un par [primer día, último día].")
        first = _parse_date(pair[0], f"{path}.{i}", f"primer día de la {what} de sesiones")
        last = _parse_date(pair[1], f"{path}.{i}", f"último día de la {what} de sesiones")
        if last < first:
            raise FactsError(f"{path}.{i}", f"El último día de la {what} no puede ser anterior al primero.")
        windows.append((first, last))
    return tuple(windows)


# --- Deadlines ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """One legal deadline (calendar-contract.md, "Output: the deadlines")."""

    key: str
    earliest: date
    latest: date
    act_by: date
    overdue_from: date
    effect: str
    legal_basis: str
    explanation: str
    authority: str | None = None

    @property
    def map_key(self) -> str:
        return f"{self.key}:{self.authority}" if self.authority is not None else self.key

    def to_json(self) -> dict:
        out: dict = {"key": self.key}
        if self.authority is not None:
            out["authority"] = self.authority
        out["earliest"] = self.earliest.isoformat()
        out["latest"] = self.latest.isoformat()
        out["act_by"] = self.act_by.isoformat()
        out["overdue_from"] = self.overdue_from.isoformat()
        out["effect"] = self.effect
        out["legal_basis"] = self.legal_basis
        out["explanation"] = self.explanation
        return out


def deadline_map(deadlines: Iterable[Deadline]) -> dict[str, Deadline]:
    """``key -> Deadline``; one entry per authority as ``car_concept:<CODE>``."""
    return {d.map_key: d for d in deadlines}


# --- Explanations (Spanish) --------------------------------------------------------------------------------


def _day(d: date) -> str:
    return format_date_es(d, weekday=True)


def _day_with_reason(cal: BusinessCalendar, d: date) -> str:
    reason = cal.nonworking_reason(d)
    return f"{_day(d)} ({reason})" if reason else _day(d)


def _extension_text(cal: BusinessCalendar, raw: date, extended: date) -> str:
    """``raw`` is the last day before L4-1913 art. 62; ``extended`` the next business day on or after it.
    Returns a clause starting in lower case."""
    if raw == extended:
        return f"vence el {_day(raw)}, día hábil"
    reason = cal.nonworking_reason(raw)
    label = f"{_day(raw)}, {reason}" if reason else _day(raw)
    first = f"el último día ({label}) no es hábil"
    others = []
    d = raw + _ONE_DAY
    while d < extended:
        others.append(f"el {_day_with_reason(cal, d)}")
        d += _ONE_DAY
    if others:
        first += ", ni tampoco " + " ni ".join(others)
    return f"{first}; se extiende al {_day(extended)} (L4-1913 art. 62)"


def _act_by_text(cal: BusinessCalendar, earliest: date, act_by: date, who: str, hedge: bool = True) -> str:
    if act_by == earliest:
        lead = "Para no depender de ninguna lectura, " if hedge else ""
        text = f"{lead}{who} a más tardar el {_day(act_by)}."
        return text[0].upper() + text[1:]
    return (
        f"Como el {_day_with_reason(cal, earliest)} no es hábil, {who} a más tardar el {_day(act_by)}, "
        "último día hábil anterior."
    )


def _effect_text(effect: str, overdue_from: date, facts: Facts) -> str:
    when = format_date_es(overdue_from, weekday=True)
    if effect == EFFECT_CTP_DEEMED_FULFILLED:
        return (
            f"Desde el {when}, si el CTP no se ha pronunciado, se entiende cumplido el requisito de su concepto "
            "(L152 art. 39 num. 6)."
        )
    if effect == EFFECT_DECREE_ADOPTION_ENABLED:
        executive = "el alcalde" if facts.entity_kind == "municipio" else "el gobernador"
        return f"Desde el {when}, sin decisión de la corporación, {executive} puede adoptar el plan por decreto."
    return (
        f"Desde el {when} el paso queda atrasado; la norma no le asigna una consecuencia automática "
        "(se muestra como advertencia)."
    )


def _corporation(facts: Facts, preposition: str = "") -> str:
    """``el Concejo`` / ``la Asamblea``, contracted after ``a``/``de`` as Spanish requires (``al``, ``del``)."""
    if facts.entity_kind == "municipio":
        return {"": "el Concejo", "a": "al Concejo", "de": "del Concejo"}[preposition]
    return {"": "la Asamblea", "a": "a la Asamblea", "de": "de la Asamblea"}[preposition]


# --- Rules -------------------------------------------------------------------------------------------------


def _month_term(
    cal: BusinessCalendar,
    facts: Facts,
    *,
    key: str,
    earliest: date,
    raw_latest: date,
    effect: str,
    legal_basis: str,
    intro: str,
    strict_reading: str,
    broad_reading: str,
    who: str,
) -> Deadline:
    """A month term read as an interval (legal-path.md §e.2-§e.3): the strictest reading gives ``earliest``,
    the most generous gives ``raw_latest``, which extends to the next business day (L4-1913 art. 62).

    The contract's formulas for the corporation's month and the PISCC month cross when the event falls on a day
    number the next month lacks (filed 30 March: "E + 1 month" = 30 April, "(E + 1 day) + 1 month - 1 day" =
    29 April); the interval is then taken between the two dates in order, so ``earliest <= latest`` always.
    """
    if raw_latest < earliest:
        earliest, raw_latest = raw_latest, earliest
        strict_reading, broad_reading = broad_reading, strict_reading
    latest = cal.next_business(raw_latest)
    act_by = cal.prev_business(earliest)
    overdue_from = latest + _ONE_DAY
    if earliest == raw_latest:
        ext = _extension_text(cal, raw_latest, latest)
        readings = f"El plazo {ext}." if raw_latest == latest else f"{ext[0].upper()}{ext[1:]}."
    else:
        readings = (
            f"Lectura estricta ({strict_reading}): vence el {_day(earliest)}. "
            f"Lectura amplia ({broad_reading}): {_extension_text(cal, raw_latest, latest)}."
        )
    explanation = " ".join(
        (
            intro,
            readings,
            _act_by_text(cal, earliest, act_by, who, hedge=earliest != latest),
            _effect_text(effect, overdue_from, facts),
        )
    )
    return Deadline(key, earliest, latest, act_by, overdue_from, effect, legal_basis, explanation)


def _fixed_date(
    cal: BusinessCalendar, facts: Facts, *, key: str, fixed: date, effect: str, legal_basis: str, intro: str, who: str
) -> Deadline:
    """A date fixed by the norm itself; not extended by L4-1913 art. 62 unless ``EXTEND_FIXED_DATES``
    (legal-path.md §f.4)."""
    latest = cal.next_business(fixed) if EXTEND_FIXED_DATES else fixed
    act_by = cal.prev_business(fixed)
    overdue_from = latest + _ONE_DAY
    if not cal.is_nonworking(fixed):
        note = f"Es una fecha fija, no admite extensión: {who} a más tardar el {_day(fixed)}."
    elif EXTEND_FIXED_DATES:
        note = (
            f"El {_day_with_reason(cal, fixed)} no es hábil; por política del sistema se extiende al "
            f"{_day(latest)} (L4-1913 art. 62), pero {who} a más tardar el {_day(act_by)}, último día hábil anterior."
        )
    else:
        note = (
            f"El {_day_with_reason(cal, fixed)} no es hábil, pero una fecha fija no se extiende (no se aplica "
            f"L4-1913 art. 62): {who} a más tardar el {_day(act_by)}, último día hábil anterior."
        )
    explanation = " ".join((intro, note, _effect_text(effect, overdue_from, facts)))
    return Deadline(key, fixed, latest, act_by, overdue_from, effect, legal_basis, explanation)


def posesion_refusal(posesion: date, period_start: date) -> str | None:
    """AL02; L152 art. 39: the period begins on 1 January of its first year and the plan's terms run from the
    posesión of the mayor or governor elected for it, which happens in that first year (on the period's first day,
    or later when the entity records its own date). A date outside that year is a typing error, refused with
    the span it must fall in."""
    last = date(period_start.year, 12, 31)
    if period_start <= posesion <= last:
        return None
    return (f"La posesión debe estar dentro del primer año del período: entre el {format_date_es(period_start)} y "
            f"el {format_date_es(last)} (Acto Legislativo 02 de 2002; L152 art. 39).")


def _two_months_after_posesion(cal: BusinessCalendar, facts: Facts, key: str, legal_basis: str, what: str) -> Deadline:
    """L152 art. 39 num. 3 (consolidation) / num. 5 (presentation to the CTP): "dentro de los dos meses siguientes
    a la posesión". Earliest T0 + 2 months - 1 day (the posesión day counts, TAB-b; PRESS); latest T0 + 2 months
    (CC art. 67), extended per L4-1913 art. 62."""
    t0 = facts.posesion
    return _month_term(
        cal,
        facts,
        key=key,
        earliest=add_months(t0, CONSOLIDATION_MONTHS) - _ONE_DAY,
        raw_latest=add_months(t0, CONSOLIDATION_MONTHS),
        effect=EFFECT_WARNING,
        legal_basis=legal_basis,
        intro=(
            f"{what}: dentro de los dos meses siguientes a la posesión del {_day(t0)} ({legal_basis}), "
            "contados por el calendario común (CC art. 67)."
        ),
        strict_reading="el día de la posesión cuenta como primero",
        broad_reading="mismo número de día dos meses después",
        who="hágalo",
    )


def _consolidation(cal: BusinessCalendar, facts: Facts) -> Deadline:
    return _two_months_after_posesion(
        cal, facts, "consolidation", "L152 art. 39 num. 3", "Consolidación del proyecto por el Consejo de Gobierno"
    )


def _ctp_presentation(cal: BusinessCalendar, facts: Facts) -> Deadline:
    return _two_months_after_posesion(
        cal,
        facts,
        "ctp_presentation",
        "L152 art. 39 num. 5",
        f"Presentación del proyecto consolidado al CTP, con copia {_corporation(facts, 'a')}",
    )


def _car_concept(cal: BusinessCalendar, facts: Facts, code: str, received: date) -> Deadline:
    """D1865 art. 3 num. 3: the environmental authority has at most 15 days from receipt of the copy; days are
    business days (L4-1913 art. 62), the receipt day not counted (CGP art. 118 by analogy). No deemed-fulfilled
    rule: a warning only (legal-path.md §f.7)."""
    due = cal.add_business_days(received, CAR_CONCEPT_BUSINESS_DAYS)
    weekend_days = 0
    holidays_skipped = []
    d = received + _ONE_DAY
    while d <= due:
        if cal.is_nonworking(d):
            name = cal.holiday_name(d)
            if name is not None and not cal._closed[d.weekday()]:
                holidays_skipped.append(f"{_day(d)} ({name})")
            else:
                weekend_days += 1
        d += _ONE_DAY
    parts = []
    if weekend_days:
        parts.append(f"{weekend_days} {'día' if weekend_days == 1 else 'días'} de cierre semanal de la entidad")
    if len(holidays_skipped) == 1:
        parts.append(f"el festivo del {holidays_skipped[0]}")
    elif holidays_skipped:
        parts.append("los festivos " + ", ".join(f"del {h}" for h in holidays_skipped[:-1]))
        parts[-1] += f" y del {holidays_skipped[-1]}"
    if not parts:
        skipped = "No hay días no hábiles en el intervalo"
    else:
        skipped = "Se excluyen " + " y ".join(parts)
        if not holidays_skipped:
            skipped += "; no hay festivos en el intervalo"
    basis = "D1865 art. 3 num. 3; L4-1913 art. 62"
    overdue_from = due + _ONE_DAY
    explanation = (
        f"Concepto de la autoridad ambiental {code}: {CAR_CONCEPT_BUSINESS_DAYS} días hábiles contados desde el día "
        f"siguiente a la recepción de la copia el {_day(received)} (D1865 art. 3 num. 3; los días de los plazos "
        f"legales excluyen festivos y días de cierre, L4-1913 art. 62). {skipped}. "
        f"El plazo vence el {_day(due)}. {_effect_text(EFFECT_WARNING, overdue_from, facts)}"
    )
    return Deadline("car_concept", due, due, due, overdue_from, EFFECT_WARNING, basis, explanation, authority=code)


def _ctp_concept(cal: BusinessCalendar, facts: Facts) -> Deadline:
    """L152 art. 39 num. 6: the CTP has one month counted from the presentation; then the requirement is deemed
    fulfilled. Earliest E + 1 month - 1 day (presentation day counts, L4-1913 art. 61); latest
    (E + 1 day) + 1 month - 1 day (legal-path.md §e.2 reading B), extended per L4-1913 art. 62."""
    e = facts.ctp_presented
    assert e is not None
    return _month_term(
        cal,
        facts,
        key="ctp_concept",
        earliest=add_months(e, CTP_CONCEPT_MONTHS) - _ONE_DAY,
        raw_latest=add_months(e + _ONE_DAY, CTP_CONCEPT_MONTHS) - _ONE_DAY,
        effect=EFFECT_CTP_DEEMED_FULFILLED,
        legal_basis="L152 art. 39 num. 6",
        intro=(
            f"Concepto del CTP: un mes contado desde la presentación al CTP el {_day(e)} (L152 art. 39 num. 6), "
            "por el calendario común (CC art. 67)."
        ),
        strict_reading="el día de la presentación cuenta, L4-1913 art. 61",
        broad_reading="un mes completo desde el día siguiente",
        who="el CTP debe pronunciarse",
    )


def _filing(cal: BusinessCalendar, facts: Facts) -> Deadline:
    """L152 art. 40: filing within the first four months of the period (P + 4 months - 1 day, CC art. 67),
    extended per L4-1913 art. 62. D683 art. 1: fixed 15 June 2020 for plans not filed in time."""
    corporation = _corporation(facts)
    fixed = facts.regime_date("filing")
    if fixed is not None:
        return _fixed_date(
            cal,
            facts,
            key="filing",
            fixed=fixed.on,
            effect=EFFECT_WARNING,
            legal_basis=fixed.legal_basis,
            intro=(
                f"Radicación del proyecto ante {corporation}: el {facts.regime_rules.name} permitió radicar hasta el "
                f"{format_date_es(fixed.on)} {fixed.what or 'el plan'} ({fixed.legal_basis})."
            ),
            who="radique",
        )
    p = facts.period_start
    last = add_months(p, FILING_MONTHS) - _ONE_DAY
    return _month_term(
        cal,
        facts,
        key="filing",
        earliest=last,
        raw_latest=last,
        effect=EFFECT_WARNING,
        legal_basis="L152 art. 40",
        intro=(
            f"Radicación del proyecto ante {corporation}: dentro de los primeros cuatro meses del período que "
            f"empezó el {_day(p)} (L152 art. 40; CC art. 67)."
        ),
        strict_reading="",
        broad_reading="",
        who="radique",
    )


def _executive_modifications(cal: BusinessCalendar, facts: Facts) -> Deadline:
    """D683 art. 2: the executive could modify a plan filed by 30 April 2020 until 15 June 2020 (fixed date);
    another regime's ``modifications`` date the same way."""
    fixed = facts.regime_date("modifications")
    assert fixed is not None
    return _fixed_date(
        cal,
        facts,
        key="executive_modifications",
        fixed=fixed.on,
        effect=EFFECT_WARNING,
        legal_basis=fixed.legal_basis,
        intro=(
            f"Modificaciones del ejecutivo a {fixed.what or 'el plan radicado'}: permitidas hasta "
            f"el {format_date_es(fixed.on)} ({fixed.legal_basis})."
        ),
        who="presente las modificaciones",
    )


def _corporation_decision(cal: BusinessCalendar, facts: Facts) -> Deadline:
    """L152 art. 40: the corporation decides within the month following the filing; otherwise the executive may
    adopt the plan by decree. Earliest E + 1 month (CC art. 67); latest (E + 1 day) + 1 month - 1 day (CE-1999),
    extended per L4-1913 art. 62. D683 art. 3: fixed 15 July 2020 when art. 1 or 2 was used."""
    e = facts.filed_with_corporacion
    assert e is not None
    corporation = _corporation(facts)
    of_corporation = _corporation(facts, "de")
    fixed = facts.regime_date("decision")
    if fixed is not None:
        used = " y ".join(_article_name(a) for a in sorted(facts.articles_in_use))
        return _fixed_date(
            cal,
            facts,
            key="corporation_decision",
            fixed=fixed.on,
            effect=EFFECT_DECREE_ADOPTION_ENABLED,
            legal_basis=fixed.legal_basis,
            intro=(
                f"Decisión {of_corporation} sobre el plan radicado el {_day(e)}: como la entidad usó el "
                f"{facts.regime_rules.name} ({used}), la corporación debía decidir a más tardar el "
                f"{format_date_es(fixed.on)} ({fixed.legal_basis})."
            ),
            who=f"{corporation} debe decidir",
        )
    return _month_term(
        cal,
        facts,
        key="corporation_decision",
        earliest=add_months(e, CORPORATION_DECISION_MONTHS),
        raw_latest=add_months(e + _ONE_DAY, CORPORATION_DECISION_MONTHS) - _ONE_DAY,
        effect=EFFECT_DECREE_ADOPTION_ENABLED,
        legal_basis="L152 art. 40",
        intro=(
            f"Decisión {of_corporation}: dentro del mes siguiente a la radicación del {_day(e)} (L152 art. 40), "
            "por el calendario común (CC art. 67)."
        ),
        strict_reading="mismo número de día un mes después",
        broad_reading="mes completo desde el día siguiente a la radicación, CE-1999",
        who=f"{corporation} debe decidir",
    )


def _sessions_convocation(cal: BusinessCalendar, facts: Facts) -> Deadline | None:
    """L152 art. 40 ("si a ello hubiere lugar, [el ejecutivo] convocará a sesiones extraordinarias"); L136 art. 23
    par. 2; L2200 art. 23: when the corporation's month after the filing is not wholly inside its ordinary
    sessions, the executive convokes extraordinary sessions, at the latest the day before the first day of that
    month the corporation is in recess. Only while no convocation is recorded; a warning, no automatic effect."""
    e = facts.filed_with_corporacion
    assert e is not None
    if facts.sessions_convoked is not None:
        return None
    verdict = extraordinary_sessions_verdict(facts.entity_kind, facts.fiscal_category, facts.period_start, e,
                                             is_working=cal.is_business, window_end=facts.regime_date("decision"),
                                             special=facts.special_regime, extensions=facts.session_extensions)
    if not verdict.needed:
        return None
    earliest = max(e, verdict.first_recess_day - _ONE_DAY)
    latest = cal.next_business(earliest)
    act_by = cal.prev_business(earliest)
    overdue_from = latest + _ONE_DAY
    basis = "L152 art. 40; " + convocation_basis(facts.entity_kind, e, facts.special_regime)
    explanation = " ".join((
        f"Convocatoria a sesiones extraordinarias. {verdict.explanation}",
        f"Convoque antes del {_day(verdict.first_recess_day)}: a más tardar el {_day(act_by)}.",
        _effect_text(EFFECT_WARNING, overdue_from, facts),
    ))
    return Deadline("sessions_convocation", earliest, latest, act_by, overdue_from, EFFECT_WARNING, basis,
                    explanation)


def piscc_rules(facts: Facts) -> ExceptionalRegime | None:
    """The regime whose PISCC term applies to an adopted plan: its own exceptional regime's, or, for every plan
    adopted in 2020 whether or not it opted into the decree's other articles, Decreto 683 de 2020's (art. 4 is
    not an option of the entity; issue 20). None: no PISCC term."""
    if facts.adopted is None:
        return None
    if facts.regime_rules is not None and facts.regime_rules.piscc_months:
        return facts.regime_rules
    if facts.period_start == D683_2020.period_start and facts.adopted.year == D683_2020.period_start.year:
        return D683_2020
    return None


def _piscc(cal: BusinessCalendar, facts: Facts) -> Deadline:
    """D683 art. 4: the PISCC 2020-2023 may be adopted in the month following the adoption of the PDT. Earliest
    A + 1 month (CC art. 67); latest (A + 1 day) + 1 month - 1 day, extended per L4-1913 art. 62."""
    a = facts.adopted
    rules = piscc_rules(facts)
    assert a is not None and rules is not None and rules.piscc_months
    months, basis = rules.piscc_months, rules.piscc_basis
    within = "del mes siguiente" if months == 1 else f"de los {months} meses siguientes"
    return _month_term(
        cal,
        facts,
        key="piscc",
        earliest=add_months(a, months),
        raw_latest=add_months(a + _ONE_DAY, months) - _ONE_DAY,
        effect=EFFECT_WARNING,
        legal_basis=basis,
        intro=(
            f"Plan Integral de Seguridad y Convivencia Ciudadana (PISCC): dentro {within} a la adopción "
            f"del plan de desarrollo el {_day(a)} ({basis}), por el calendario común (CC art. 67)."
        ),
        strict_reading="mismo número de día un mes después",
        broad_reading="mes completo desde el día siguiente a la adopción",
        who="adopte el PISCC",
    )


SANCTION_EVENT_LABELS = {
    "approved": "aprobación en segundo debate",
    "sent_for_sanction": "remisión para sanción",
    "objected": "objeciones al proyecto",
    "objections_convoked": "convocatoria para decidir las objeciones",
    "objected_published": "publicación del proyecto objetado",
    "illegality_communicated": "recibo de la comunicación de la insistencia por el gobernador",
    "objections_rejected": "rechazo de las objeciones",
    "illegality_insisted": "insistencia ante las objeciones de ilegalidad",
    "tribunal_unfounded": "recibo del fallo del Tribunal que declara infundadas las objeciones",
    "sanctioned": "sanción",
    "governor_copy_sent": "envío de la copia al gobernador",
}


def _days_term(cal: BusinessCalendar, facts: Facts, *, key: str, start: date, days: int, unit: str,
               legal_basis: str, intro: str, who: str, after: str | None = None) -> Deadline:
    """A term in days from the act of ``start`` (the day after it is the first): business days by L4-1913
    art. 62 (``unit="business"``), or calendar days (``"calendar"``: hours turned into whole days, not
    extended). Lateness is a warning: these statutes write no automatic effect on the executive's delay, except
    the president's sanction of L136 art. 79, which is an act of the corporation, not of the sweep. ``after``:
    what the term's end does instead of the generic «no automatic consequence», where the route says more."""
    if unit == "business":
        due = cal.add_business_days(start, days)
        counted = f"{days} días hábiles contados desde el día siguiente al {_day(start)} (L4-1913 art. 62)"
    else:
        due = start + timedelta(days=days)
        counted = f"{days * 24} horas desde el {_day(start)} (días calendario; no se extiende)"
    act_by = cal.prev_business(due) if unit == "calendar" else due
    overdue_from = due + _ONE_DAY
    then = f"Desde el {format_date_es(overdue_from, weekday=True)} {after}" if after else \
        _effect_text(EFFECT_WARNING, overdue_from, facts)
    explanation = f"{intro}: {counted}. Vence el {_day(due)}: {who} a más tardar el {_day(act_by)}. {then}"
    return Deadline(key, due, due, act_by, overdue_from, EFFECT_WARNING, legal_basis, explanation)


#: L136 art. 78 inc. 3: "Si el Concejo no estuviere reunido, el alcalde está en la obligación de convocarlo en la
#: semana siguiente a la fecha de las objeciones": the seven days after the objections' date (a week is a calendar
#: unit, not "días"), extended to the next business day when the seventh is not one (as L4-1913 art. 62 extends
#: month terms: interpretation).
OBJECTIONS_CONVOCATION_DAYS = 7


def _objections_convocation(cal: BusinessCalendar, facts: Facts) -> Deadline | None:
    """L136 art. 78 inc. 3: objections made while the Concejo is not in ordinary sessions (L136 art. 23, by its
    category) oblige the mayor to convoke it within the following week; the sessions last at most five days
    (``sessions.OBJECTIONS_SESSION_DAYS``). None when the Concejo is in sessions that day, or when its category
    is unknown (whether it is "reunido" cannot be told), or when a recorded extension of an ordinary period (L136
    art. 23 par. 1; ``Facts.session_extensions``) or extraordinary sessions convoked for the plan
    (``Facts.session_convocations``) cover that day: the Concejo is then "reunido" (interpretation: in sessions
    whose matter is the plan, the objections to it included). The executive's convocation, recorded after the
    objections, settles the duty."""
    on = facts.objected
    assert on is not None
    found = ordinary_periods(facts.entity_kind, facts.fiscal_category, on.year, facts.period_start,
                             facts.special_regime)
    if found is None:
        return None
    periods, sessions_basis = found
    if in_sessions(on, (*periods, *facts.session_extensions, *facts.session_convocations)):
        return None  # "reunido": in ordinary sessions, their recorded extension, or sessions convoked for the plan
    raw = on + timedelta(days=OBJECTIONS_CONVOCATION_DAYS)
    latest, act_by = cal.next_business(raw), cal.prev_business(raw)
    overdue_from = latest + _ONE_DAY
    extended = (f" El {_day(raw)} no es hábil: se extiende al {_day(latest)} (L4-1913 art. 62, interpretación)."
                if latest != raw else "")
    explanation = (
        f"Convocatoria del Concejo para decidir las objeciones presentadas el {_day(on)}: ese día el Concejo no "
        f"estaba en sesiones ordinarias ({sessions_basis}), y el alcalde debe convocarlo en la semana siguiente, a "
        f"sesiones de no más de cinco días (L136 art. 78). La semana va hasta el {_day(raw)}.{extended} Convoque a "
        f"más tardar el {_day(act_by)}. {_effect_text(EFFECT_WARNING, overdue_from, facts)}")
    return Deadline("objections_convocation", raw, latest, act_by, overdue_from, EFFECT_WARNING, "L136 art. 78",
                    explanation)


def _objected_publication(cal: BusinessCalendar, facts: Facts, law) -> Deadline | None:
    """L2200 art. 100 inc. 4 (D1222 art. 78 inc. 2): "Si la asamblea entrare en receso dentro de estos términos, el
    gobernador tendrá el deber de publicar el proyecto objetado, dentro de aquellos plazos". The terms are the
    ones to object, counted from the remission; the Asamblea is in recess on a day outside its ordinary sessions
    (L2200 art. 23; L56 art. 1 before 8 February 2022) and outside extraordinary sessions convoked for the plan
    (``Facts.session_convocations``). None when it sat through the whole term, or when the term cannot be dated
    (no article count). Read: any day of recess within the term, whether it began before or after the remission
    (interpretation: "entrare en receso" also covers an Asamblea already in recess, which cannot receive the
    objections either)."""
    sent = facts.sent_for_sanction
    if sent is None or (facts.article_count is None and not law.size_independent):
        return None
    due = cal.add_business_days(sent, law.objection_days(facts.article_count))
    sitting = list(facts.session_convocations)
    for year in range(sent.year, due.year + 1):
        found = ordinary_periods(facts.entity_kind, facts.fiscal_category, year, facts.period_start,
                                 facts.special_regime)
        if found is None:
            return None
        sitting += found[0]
    recess = next((sent + timedelta(days=i) for i in range(1, (due - sent).days + 1)
                   if not in_sessions(sent + timedelta(days=i), sitting)), None)
    if recess is None:
        return None
    basis = law.recess_publication_basis
    overdue_from = due + _ONE_DAY
    explanation = (
        f"Publicación del proyecto objetado: el término para objetarlo corre del {_day(sent)} al {_day(due)} "
        f"({law.objection_basis}) y la Asamblea está en receso desde el {_day(recess)}, dentro de él; el "
        f"gobernador debe publicar el proyecto objetado dentro de ese mismo término, a más tardar el {_day(due)} "
        f"({basis}). {_effect_text(EFFECT_WARNING, overdue_from, facts)}")
    return Deadline("objected_publication", facts.objected or sent, due, due, overdue_from, EFFECT_WARNING, basis,
                    explanation)


def last_stretch_deadlines(cal: BusinessCalendar, facts: Facts) -> list[Deadline]:
    """The terms of the sanction-objection-publication sub-route (``state_machines.corporation.sanction``; legal-path.md
    §b.2 T13-T16), each under the law of its entity and date: L136 arts. 76, 78-82 for acuerdos; DL1421 arts.
    23-25 for Bogotá's; L2200 arts. 100-103 for ordenanzas from 8 February 2022, D1222 arts. 77-83 before. Terms
    start from the act's date; a term the statute does not write (``None`` in ``SANCTION_LAWS``) has no key."""
    law = sanction_law(facts.entity_kind, facts.approved or facts.sent_for_sanction or facts.sanctioned,
                       facts.special_regime)
    executive = "el alcalde" if facts.entity_kind == "municipio" else "el gobernador"
    to_executive = "al alcalde" if facts.entity_kind == "municipio" else "al gobernador"
    president = f"el presidente {_corporation(facts, 'de')}"
    out: list[Deadline] = []
    if facts.approved is not None and law.remission_days:
        out.append(_days_term(
            cal, facts, key="sanction_remission", start=facts.approved, days=law.remission_days, unit="business",
            legal_basis=law.remission_basis,
            intro=f"Remisión del proyecto de {law.act} aprobado {to_executive} para su sanción "
                  f"({law.remission_basis})",
            who=f"la mesa directiva {_corporation(facts, 'de')} debe remitirlo"))
    if facts.sent_for_sanction is not None and (facts.article_count is not None or law.size_independent):
        days = law.objection_days(facts.article_count)
        size = f" de {facts.article_count} artículos" if facts.article_count is not None else ""
        silence = (f"; si {executive} no objeta ni sanciona en el término, sanciona y publica {president} "
                   f"({law.silence_basis})" if law.president_after_silence else "")
        # What the route does after the term (sanction.REFUSE_LATE_OBJECTIONS; the president where the law says).
        after = (f"ya no puede objetarse: {executive} debe sancionarlo"
                 + (f", o lo sanciona y publica {president} ({law.silence_basis})" if law.president_after_silence
                    else "") + "." if REFUSE_LATE_OBJECTIONS else None)
        out.append(_days_term(
            cal, facts, key="objection_term", start=facts.sent_for_sanction, days=days, unit="business",
            legal_basis=law.objection_basis,
            intro=(f"Sanción u objeción del proyecto{size} remitido el "
                   f"{_day(facts.sent_for_sanction)} ({law.objection_basis}){silence}"),
            who=f"{executive} debe sancionarlo u objetarlo", after=after))
    if facts.objected is not None and law.code == "L136" and not (
            facts.objections_convoked is not None and facts.objections_convoked >= facts.objected):
        term = _objections_convocation(cal, facts)
        if term is not None:
            out.append(term)
    if facts.objected is not None and law.recess_publication_basis and not (
            facts.objected_published is not None and facts.objected_published >= facts.objected):
        term = _objected_publication(cal, facts, law)
        if term is not None:
            out.append(term)
    if facts.objections_rejected is not None and law.override_sanction_days:
        out.append(_days_term(
            cal, facts, key="sanction_after_rejection", start=facts.objections_rejected,
            days=law.override_sanction_days, unit="business", legal_basis=law.override_basis,
            intro=(f"Sanción obligatoria tras el rechazo de las objeciones por inconveniencia "
                   f"({law.override_basis}); si {executive} no sanciona, sanciona y publica {president}"),
            who=f"{executive} debe sancionar",
            after=_president_after(law, "sanction_after_rejection", executive, president, "sanciona y publica")))
    if facts.illegality_insisted is not None and law.tribunal_days:
        received = facts.illegality_communicated if law.tribunal_from_receipt else None
        if received is not None and received < facts.illegality_insisted:
            received = None  # a receipt before the insistence is not this insistence's
        out.append(_days_term(
            cal, facts, key="tribunal_remission", start=received or facts.illegality_insisted,
            days=law.tribunal_days, unit=law.tribunal_unit, legal_basis=law.tribunal_basis,
            intro=("Envío del proyecto al Tribunal Administrativo con la exposición de las objeciones de "
                   f"ilegalidad que {_corporation(facts)} rechazó ({law.tribunal_basis}"
                   + (", desde el recibo de la comunicación de la insistencia" if received else "") + ")"),
            who=f"{executive} debe enviarlo"))
    if facts.tribunal_unfounded is not None and law.tribunal_sanction_days:
        after = (f"; si {executive} no sanciona, sanciona {president}" if law.president_after_tribunal else "")
        out.append(_days_term(
            cal, facts, key="sanction_after_tribunal", start=facts.tribunal_unfounded,
            days=law.tribunal_sanction_days, unit="business", legal_basis=law.tribunal_sanction_basis,
            intro=("Sanción tras el fallo del Tribunal Administrativo que declaró infundadas las objeciones, "
                   f"recibido el {_day(facts.tribunal_unfounded)} ({law.tribunal_sanction_basis}){after}"),
            who=f"{executive} debe sancionar",
            after=_president_after(law, "sanction_after_tribunal", executive, president, "sanciona")))
    if facts.sanctioned is not None and law.publication_days:
        out.append(_days_term(
            cal, facts, key="publication", start=facts.sanctioned, days=law.publication_days, unit="business",
            legal_basis=law.publication_basis,
            intro=(f"Publicación {'de la ordenanza sancionada' if law.act == 'ordenanza' else 'del acuerdo sancionado'} "
                   f"el {_day(facts.sanctioned)} ({law.publication_basis})"),
            who="publíquela" if law.act == "ordenanza" else "publíquelo"))
    if facts.sanctioned is not None and law.governor_copy_days and facts.governor_copy_sent is None:
        out.append(_days_term(
            cal, facts, key="governor_copy", start=facts.sanctioned, days=law.governor_copy_days, unit="business",
            legal_basis=law.governor_copy_basis,
            intro=(f"Copia del acuerdo sancionado al gobernador para su revisión jurídica "
                   f"({law.governor_copy_basis}; la revisión no suspende sus efectos)"),
            who=f"{executive} debe enviarla"))
    return out


def _president_after(law: SanctionLaw, key: str, executive: str, president: str, does: str) -> str | None:
    """What the end of the executive's term ``key`` does where the law gives the sanction to the corporation's
    president (``president_sanctions_after``: L136 art. 79, DL1421 arts. 24-25), instead of «no automatic
    consequence» (QA, 7 December 2026: the row said both)."""
    basis = president_sanctions_after(law, key)
    return f"{does} {president} si {executive} no lo ha hecho ({basis})." if basis else None


def _article_name(key: str) -> str:
    return f"art. {key[3:]}" if key.startswith("art") and key[3:].isdigit() else key


def compute_deadlines(facts: Facts, calendar: BusinessCalendar | None = None) -> list[Deadline]:
    """The legal calendar of one plan, in route order (calendar-contract.md, "Output").

    A deadline appears only when the event it counts from is known. ``calendar`` supplies the holiday source;
    the closed weekdays always come from ``facts`` (they are the entity's own "vacantes", L4-1913 art. 62).
    """
    if calendar is None:
        cal = default_calendar(facts.nonworking_weekdays)
    elif calendar.nonworking_weekdays != facts.nonworking_weekdays:
        cal = calendar.with_nonworking_weekdays(facts.nonworking_weekdays)
    else:
        cal = calendar

    deadlines = [_consolidation(cal, facts), _ctp_presentation(cal, facts)]
    for code, received in sorted(facts.car_copies_received.items()):
        deadlines.append(_car_concept(cal, facts, code, received))
    if facts.ctp_presented is not None:
        deadlines.append(_ctp_concept(cal, facts))
    deadlines.append(_filing(cal, facts))
    if facts.regime_date("modifications") is not None:
        deadlines.append(_executive_modifications(cal, facts))
    if facts.filed_with_corporacion is not None:
        deadlines.append(_corporation_decision(cal, facts))
        convocation = _sessions_convocation(cal, facts)
        if convocation is not None:
            deadlines.append(convocation)
    if piscc_rules(facts) is not None:
        deadlines.append(_piscc(cal, facts))
    deadlines.extend(last_stretch_deadlines(cal, facts))
    return deadlines


def calendar_json(data: dict) -> dict:
    """Facts JSON in, ``{"deadlines": [...]}`` out (calendar-contract.md); raises ``FactsError`` if invalid."""
    return {"deadlines": [d.to_json() for d in compute_deadlines(parse_facts(data))]}


# --- Entry into force of the adopted plan --------------------------------------------------------------------


def silent_vigencia(entity_kind: str, published_on: date) -> tuple[int, str]:
    """(days after publication, norm) for an act silent on its vigencia, by the law in force the day it is
    published: an ordenanza published before 8 February 2022 binds thirty calendar days after its publication
    (D1222 art. 83: "Las ordenanzas rigen en todo el territorio del Departamento, treinta (30) días después de su
    publicación en el periódico oficial"); from then an ordenanza "empezará a regir cuando la misma determine; en
    ningún caso, antes de la promulgación" (L2200 art. 103) and, silent, from its publication, as an acuerdo or a
    decree (CPACA art. 65). Interpretation (README): calendar days (the thirty days are the act's vacatio, not a
    term for anyone to act, so L4-1913 art. 62 does not apply), the publication day excluded: published on day
    P, it binds from P + 30."""
    law = sanction_law(entity_kind, published_on)
    if law.silent_vigencia_days:
        return law.silent_vigencia_days, law.silent_vigencia_basis
    return IN_FORCE_DAYS_AFTER_PUBLICATION, IN_FORCE_BASIS


def in_force_on(published_on: date, clause: str = "on_publication", declared_on: date | None = None,
                silent_days: int = IN_FORCE_DAYS_AFTER_PUBLICATION) -> date:
    """The day the adopting act (acuerdo, ordenanza or decree) starts to bind: its publication day, or the later
    day its vigencia clause declares, never earlier (CPACA art. 65; L4-1913 art. 61; L2200 art. 103; legal notes
    of issue 13, §4). ``IN_FORCE_DAYS_AFTER_PUBLICATION`` moves the default. A silent act (``"silent"``) binds
    ``silent_days`` after its publication (``silent_vigencia``: 30 for an ordenanza published before 8 February
    2022, D1222 art. 83)."""
    if clause not in VIGENCIA_CLAUSES:
        raise FactsError("vigencia", f"Cláusula de vigencia desconocida: «{clause}».")
    first = published_on + timedelta(days=IN_FORCE_DAYS_AFTER_PUBLICATION)
    if clause == "silent":
        return max(first, published_on + timedelta(days=silent_days))
    if clause == "day_after_publication":
        return max(first, published_on + _ONE_DAY)
    if clause == "fixed_date":
        if declared_on is None:
            raise FactsError("in_force_declared", "Indique la fecha desde la cual rige el acto.")
        return max(first, declared_on)
    return first


def in_force_basis(entity_kind: str, published_on: date, special: str | None = None, by_decree: bool = False) -> str:
    """The norms of a published plan's force, for its entity: CPACA art. 65 and L4-1913 art. 61 with the
    publication article of its statute on the publication's day (L136 art. 81 for an acuerdo, DL1421 art. 23
    for Bogotá's, L2200 art. 103 for an ordenanza from 8 February 2022 and D1222 art. 82 before): a municipio's
    plan does not cite the departmental code. A plan adopted by decree (L152 art. 40) is no acuerdo or ordenanza:
    CPACA art. 65 and L4-1913 art. 61 alone."""
    if by_decree:
        return "CPACA art. 65; L4-1913 art. 61"
    return f"CPACA art. 65; L4-1913 art. 61; {sanction_law(entity_kind, published_on, special).publication_basis}"


def in_force_explanation(published_on: date, clause: str = "on_publication", declared_on: date | None = None,
                         silent_days: int = IN_FORCE_DAYS_AFTER_PUBLICATION, basis: str = IN_FORCE_BASIS) -> str:
    """When the published act binds, in words, citing ``basis`` (``in_force_basis`` for the plan's entity)."""
    day = in_force_on(published_on, clause, declared_on, silent_days)
    if clause == "on_publication" and day == published_on:  # said once (QA: «…rige a partir de su publicación.
        # Rige desde las 00:00 del mismo día de su publicación…»)
        return (f"Publicado el {_day(published_on)}; el acto {VIGENCIA_CLAUSES[clause]}, desde las 00:00 de ese "
                f"día (un acto general no obliga antes de publicarse: {basis}).")
    text = (f"Publicado el {_day(published_on)}; el acto {VIGENCIA_CLAUSES[clause]}"
            + (f" ({_day(declared_on)})" if clause == "fixed_date" and declared_on else "") + ". ")
    if clause == "silent" and silent_days:
        text += ("Una ordenanza publicada antes del 8 de febrero de 2022 que no dice desde cuándo rige, rige treinta "
                 "días después de su publicación (D1222 art. 83). ")
    if day == published_on:
        text += f"Rige desde las 00:00 del mismo día de su publicación, el {_day(day)}"
    else:
        text += f"Rige desde el {_day(day)}"
    return text + f" (un acto general no obliga antes de publicarse: {basis})."


def in_force_of_dates(event_dates: Mapping) -> date | None:
    """``in_force_on`` from a plan's stored facts (``published``, ``vigencia``, ``in_force_declared``), or None
    while the plan is not published or the stored facts are incomplete."""
    published = event_dates.get("published")
    if not published:
        return None
    declared = event_dates.get("in_force_declared")
    try:
        return in_force_on(date.fromisoformat(published), event_dates.get("vigencia") or "on_publication",
                           date.fromisoformat(declared) if declared else None,
                           int(event_dates.get("silent_vigencia_days") or IN_FORCE_DAYS_AFTER_PUBLICATION))
    except (FactsError, ValueError):
        return None


# --- Phase II: after the plan is in force (phase-ii.md §2) ----------------------------------------------------
#
# Same engine and policy as above: business days per L4-1913 art. 62, and for these keys a non-working fixed date
# or last day gives ``act_by`` = the previous business day and ``latest`` = the next one (phase-ii.md §2, which
# differs from ``EXTEND_FIXED_DATES`` on purpose: the Phase II dates are administrative targets, not the law's
# own fixed dates of Decreto 683). Every key is a warning except ``budget_decision`` (where the local statute
# copies D111 art. 59) and ``budget_objection``. Keys of yearly items carry the vigencia as ``authority``
# (``paa_publication:2025``), so ``deadline_map`` keeps one entry per year.

EFFECT_EXECUTIVE_BUDGET_BY_DECREE = "executive_budget_by_decree"
EFFECT_OBJECTION_TERM_CLOSED = "budget_objection_term_closed"
#: The Phase II effects with a legal consequence when the term runs out (phase-ii.md §2: "Only
#: ``budget_decision`` and ``budget_objection`` carry effects"): the board counts them among the key deadlines,
#: as ``HARD_EFFECTS``.
PHASE2_HARD_EFFECTS = frozenset({EFFECT_EXECUTIVE_BUDGET_BY_DECREE, EFFECT_OBJECTION_TERM_CLOSED})

#: phase-ii.md §2 ``pi_approval`` (proposal): target = in force + this many months; per entity in the statute.
PI_APPROVAL_MONTHS = 2
#: D111 art. 109: the executive sends an objection for illegality to the Tribunal within five days.
BUDGET_OBJECTION_BUSINESS_DAYS = 5
#: D111 art. 109: the Tribunal decides within twenty business days.
TRIBUNAL_BUSINESS_DAYS = 20
#: L136 art. 80 (by analogy for the budget, D111 art. 109 says nothing after the ruling): objections declared
#: unfounded, the executive sanctions "dentro de los tres días siguientes al recibo de la comunicación respectiva";
#: the ruling's recorded date is taken as that receipt (interpretation, as the approval is the bill's receipt).
TRIBUNAL_SANCTION_BUSINESS_DAYS = 3
#: L136 art. 81 (phase-ii.md P9): an acuerdo is published within ten days of its sanction.
HARMONIZATION_PUBLICATION_BUSINESS_DAYS = 10



@dataclass(frozen=True)
class BudgetStatute:
    """The entity's estatuto orgánico de presupuesto, as far as the terms need it (phase-ii.md §2 last paragraph,
    §4 items 2-3, all **verify**): an editable per-entity setting, defaults as the spec's.

    - ``filing_business_days``: the bill is filed within the first N business days of the last ordinary period
      (interpretation of D111 art. 52 and D1333 art. 266);
    - ``decision_extension_days``: calendar days of extension after the period ends (L136 art. 23 par. 1);
    - ``copies_d111_art59``: the statute copies D111 art. 59 ("regirá el proyecto presentado"): the executive
      enacts the filed bill by decree when the corporation does not decide in time (hard effect);
    - ``harmonization_by_decree``: the statute lets the executive harmonise the budget by decree when amounts do
      not change (BOG20); otherwise an acuerdo/ordenanza is required (C036 for asambleas).
    """

    act: str = ""
    filing_business_days: int = 10
    decision_extension_days: int = 10
    copies_d111_art59: bool = False
    harmonization_by_decree: bool = False
    pi_approval_months: int = PI_APPROVAL_MONTHS


@dataclass(frozen=True)
class Phase2Facts:
    """What the Phase II terms count from. ``budget_*`` maps are keyed by the budget's vigencia (the year it
    funds); the bill for vigencia V is filed in V - 1."""

    entity_kind: str
    category: str | None
    period_start: date
    in_force_on: date
    statute: BudgetStatute = field(default_factory=BudgetStatute)
    harmonization_sanctioned_on: date | None = None
    harmonization_decreed_on: date | None = None
    budget_filed_on: Mapping[int, date] = field(default_factory=dict)
    budget_received_on: Mapping[int, date] = field(default_factory=dict)
    #: The Tribunal's ruling that leaves the approved budget to be sanctioned (L136 art. 80, analogy).
    budget_ruled_on: Mapping[int, date] = field(default_factory=dict)
    #: The budget sanctioned and liquidated (an acuerdo or ordenanza: published within ten days, L136 art. 81) …
    budget_sanctioned_on: Mapping[int, date] = field(default_factory=dict)
    #: … or enacted by decree (D111 arts. 59, 64, 109: published with its issue, CPACA art. 65).
    budget_decreed_on: Mapping[int, date] = field(default_factory=dict)


def _soft_fixed(cal: BusinessCalendar, key: str, fixed: date, basis: str, intro: str, who: str,
                effect: str = EFFECT_WARNING, year: int | str | None = None) -> Deadline:
    """phase-ii.md §2: a fixed date; when it is not a business day, act by the previous one, late from the day
    after the next one."""
    act_by, latest = cal.prev_business(fixed), cal.next_business(fixed)
    if act_by == fixed:
        note = f"{who} a más tardar el {_day(fixed)}."
    else:
        note = (f"El {_day_with_reason(cal, fixed)} no es hábil: {who} a más tardar el {_day(act_by)}, último día "
                f"hábil anterior; se tiene por atrasado desde el {_day(latest + _ONE_DAY)}.")
    return Deadline(key, fixed, latest, act_by, latest + _ONE_DAY, effect, basis,
                    f"{intro} {note[0].upper()}{note[1:]} {_phase2_effect_text(effect, latest + _ONE_DAY)}",
                    None if year is None else str(year))


def _due_on(key: str, day: date, effect: str, basis: str, intro: str, year: int | None = None) -> Deadline:
    """A Phase II term that falls on one day (earliest, latest and act-by), late from the next; its explanation is
    ``intro`` followed by what lateness brings."""
    return Deadline(key, day, day, day, day + _ONE_DAY, effect, basis,
                    intro + _phase2_effect_text(effect, day + _ONE_DAY), None if year is None else str(year))


def _phase2_effect_text(effect: str, overdue_from: date) -> str:
    when = _day(overdue_from)
    if effect == EFFECT_EXECUTIVE_BUDGET_BY_DECREE:
        return (f"Desde el {when}, si la corporación no ha decidido, rige el proyecto presentado: el alcalde o "
                "gobernador lo expide por decreto (D111 art. 59, copiado por el estatuto de presupuesto de la "
                "entidad).")
    if effect == EFFECT_OBJECTION_TERM_CLOSED:
        return f"Desde el {when} ya no puede enviarse la objeción al Tribunal (D111 art. 109)."
    return f"Desde el {when} el paso queda atrasado; la norma no le asigna una consecuencia automática (advertencia)."


def _last_period(facts: Phase2Facts, year: int) -> tuple[date, date, str] | None:
    periods = ordinary_periods(facts.entity_kind, facts.category, year, facts.period_start)
    if periods is None:
        return None
    spans, basis = periods
    return spans[-1][0], spans[-1][1], basis


def budget_filing_deadline(cal: BusinessCalendar, facts: Phase2Facts, vigencia: int) -> Deadline | None:
    """L136 arts. 23, 91 a) 3; L56 art. 1; L819 art. 5; D111 art. 52 and D1333 art. 266 (interpretation): the
    budget bill for ``vigencia`` (with the MFMP) is filed within the first ``filing_business_days`` business days
    of the last ordinary period of the year before (Concejo especial–2 and Asamblea: 1 October; Concejo 3–6:
    1 November). None while the municipio's category (hence its sessions) is unknown."""
    span = _last_period(facts, vigencia - 1)
    if span is None:
        return None
    start, _end, basis = span
    n = facts.statute.filing_business_days
    latest = cal.add_business_days(start - _ONE_DAY, n)
    intro = (f"Proyecto de presupuesto de la vigencia {vigencia} con el Marco Fiscal de Mediano Plazo: se radica "
             f"dentro de los primeros {n} días hábiles del último período de sesiones ordinarias, que empieza el "
             f"{_day(start)} ({basis}; L136 art. 91 a) 3; L819 art. 5).")
    return Deadline("budget_filing", start, latest, latest, latest + _ONE_DAY, EFFECT_WARNING,
                    f"L136 art. 91 a) 3; {basis}; L819 art. 5; D111 art. 52",
                    f"{intro} Radíquelo a más tardar el {_day(latest)}. "
                    + _phase2_effect_text(EFFECT_WARNING, latest + _ONE_DAY), str(vigencia))


def phase2_deadlines(facts: Phase2Facts, calendar: BusinessCalendar | None = None,
                     years: Iterable[int] | None = None) -> list[Deadline]:
    """Every Phase II term of one plan (phase-ii.md §2), for the vigencias ``years`` (default: the four years of
    the period from the year the plan entered into force)."""
    cal = calendar or default_calendar()
    start_year = facts.in_force_on.year
    period_end_year = facts.period_start.year + PERIOD_YEARS - 1
    years = list(years) if years is not None else list(range(start_year, period_end_year + 1))
    out: list[Deadline] = []
    statute = facts.statute

    # pi_approval (proposal): in force + N months, a target, not a law.
    target = add_months(facts.in_force_on, statute.pi_approval_months)
    latest = cal.next_business(target)
    out.append(Deadline(
        "pi_approval", target, latest, cal.prev_business(target), latest + _ONE_DAY, EFFECT_WARNING,
        "DNP-PI (propuesta; sin plazo legal)",
        f"Meta de aprobación del Plan Indicativo por el Consejo de Gobierno: {statute.pi_approval_months} meses "
        f"desde la entrada en vigencia del plan ({_day(facts.in_force_on)}). Es una meta configurable, no un plazo "
        f"legal; debe preceder la aprobación del POAI. "
        + _phase2_effect_text(EFFECT_WARNING, latest + _ONE_DAY)))

    # harmonization: 31 December of the year the plan entered into force (D111 art. 14: appropriations lapse).
    out.append(_soft_fixed(
        cal, "harmonization", date(start_year, 12, 31), "L152 art. 44; D111 art. 14",
        f"Armonización del presupuesto {start_year} con el nuevo plan plurianual de inversiones (L152 art. 44): "
        "después del 31 de diciembre las apropiaciones no comprometidas expiran y la armonización pierde su objeto "
        "(D111 art. 14).", "apruébela"))

    # harmonization_publication: acuerdo 10 business days after sanction; decree with its issue.
    if facts.harmonization_sanctioned_on is not None:
        s = facts.harmonization_sanctioned_on
        latest = cal.add_business_days(s, HARMONIZATION_PUBLICATION_BUSINESS_DAYS)
        out.append(_due_on(
            "harmonization_publication", latest, EFFECT_WARNING, "L136 art. 81; CPACA art. 65; L1474 art. 74",
            f"El acuerdo u ordenanza de armonización se sancionó el {_day(s)}; se publica dentro de los diez días "
            f"hábiles siguientes, a más tardar el {_day(latest)} (L136 art. 81); no obliga antes de publicarse "
            "(CPACA art. 65). "))
    elif facts.harmonization_decreed_on is not None:
        d = facts.harmonization_decreed_on
        out.append(_due_on(
            "harmonization_publication", d, EFFECT_WARNING, "CPACA art. 65; L1474 art. 74",
            f"El decreto de armonización se expidió el {_day(d)}; se publica con su expedición (CPACA art. 65). "))

    for year in years:
        if date(year, 1, 31) < facts.in_force_on:
            # Year 1: the 31 January plans predate the new PDT; the plan's page raises an "align" task instead.
            out += _semester_terms(cal, facts, year)
            out += _budget_terms(cal, facts, year)
            continue
        out.append(_soft_fixed(
            cal, "accion_publication", date(year, 1, 31), "L1474 art. 74; L152 art. 41",
            f"Planes de acción de la vigencia {year}: publicados en la página web a más tardar el 31 de enero "
            "(L1474 art. 74).", "publíquelos", year=year))
        out.append(_soft_fixed(
            cal, "paa_publication", date(year, 1, 31), "D1082 art. 2.2.1.1.1.4.3; L1474 art. 74",
            f"Plan Anual de Adquisiciones {year}: publicado en la página web y en el SECOP a más tardar el 31 de "
            "enero (L1474 art. 74; D1082 art. 2.2.1.1.1.4.3).", "publíquelo", year=year))
        out.append(_soft_fixed(
            cal, "paa_update", date(year, 12, 31), "D1082 art. 2.2.1.1.1.4.4",
            f"Plan Anual de Adquisiciones {year}: actualizarlo por lo menos una vez durante el año "
            "(D1082 art. 2.2.1.1.1.4.4; fecha de la guía de Colombia Compra Eficiente por verificar).",
            "actualícelo", year=year))
        periods = ordinary_periods(facts.entity_kind, facts.category, year, facts.period_start)
        if facts.entity_kind == "municipio" and periods is not None:
            first = periods[0][0][0]
            out.append(_soft_fixed(
                cal, "annual_report", first, "L136 art. 91 a) 4; L152 art. 43",
                f"Informe anual de ejecución del plan {year - 1 if year > start_year else year}: se presenta al "
                f"Concejo en la primera sesión ordinaria del año, que empieza el {_day(first)} "
                "(L136 art. 91 a) 4; L152 art. 43).", "preséntelo", year=year))
        out += _semester_terms(cal, facts, year)
        out += _budget_terms(cal, facts, year)
    return out


def _semester_terms(cal: BusinessCalendar, facts: Phase2Facts, year: int) -> list[Deadline]:
    """L136 art. 91 e) 2 (citizen reports, one per semester: interpretation); L715 art. 90 (departments)."""
    out: list[Deadline] = []
    for semester, end in ((1, date(year, 6, 30)), (2, date(year, 12, 31))):
        if end < facts.in_force_on:
            continue
        out.append(_soft_fixed(
            cal, "citizen_report", end, "L136 art. 91 e) 2; L1474 art. 78",
            f"Reunión de rendición de cuentas del semestre {semester} de {year} con ediles, organizaciones y "
            "veedurías: «por lo menos dos veces al año», una por semestre (interpretación).",
            "realícela", year=f"{year}-{semester}"))
        if facts.entity_kind == "departamento":
            due = last_day_of_month(year + (semester == 2), 6 if semester == 2 else 12)
            out.append(_soft_fixed(
                cal, "dept_evaluation", due, "L715 art. 90; L152 art. 42",
                f"Evaluación semestral de la gestión y eficiencia de los municipios, semestre {semester} de "
                f"{year}: la planeación departamental la publica y envía copia al DNP (L715 art. 90 «informe "
                "semestral»); se cuenta hasta el fin del semestre siguiente (interpretación).",
                "publíquela", year=f"{year}-{semester}"))
    return out


def _budget_terms(cal: BusinessCalendar, facts: Phase2Facts, year: int) -> list[Deadline]:
    """The budget prepared in ``year`` for vigencia ``year + 1``: filing, POAI, repetition, decision, objection."""
    out: list[Deadline] = []
    statute = facts.statute
    vigencia = year + 1
    filing = budget_filing_deadline(cal, facts, vigencia)
    if filing is None:
        return out
    out.append(filing)
    out.append(_soft_fixed(
        cal, "poai_approval", filing.earliest, "D111 arts. 8, 49 (analogía)",
        f"POAI de la vigencia {vigencia}: aprobado antes de radicar el presupuesto, al abrirse el período de "
        f"sesiones en que se radica (D111 art. 8: «guardará concordancia» con el plan de inversiones).",
        "apruébelo", year=vigencia))
    out.append(_soft_fixed(
        cal, "budget_repetition", date(year, 12, 31), "D111 art. 64 (interpretación)",
        f"Si el presupuesto {vigencia} no se radicó en término, el alcalde o gobernador repite por decreto el "
        f"del año anterior antes del 1 de enero de {vigencia} (D111 art. 64 fija el 10 de diciembre en la "
        "Nación).", "expida el decreto", year=vigencia))
    filed = facts.budget_filed_on.get(vigencia)
    if filed is not None:
        span = _last_period(facts, year)
        end = span[1] if span else date(year, 11, 30)
        extended = cal.next_business(end + timedelta(days=statute.decision_extension_days))
        effect = EFFECT_EXECUTIVE_BUDGET_BY_DECREE if statute.copies_d111_art59 else EFFECT_WARNING
        out.append(Deadline(
            "budget_decision", end, extended, cal.prev_business(end), extended + _ONE_DAY, effect,
            "L136 art. 23; L56 art. 1; D111 art. 59",
            f"El proyecto de presupuesto {vigencia} se radicó el {_day(filed)}; la corporación decide dentro del "
            f"período de sesiones, que termina el {_day(end)}, o en su prórroga de "
            f"{statute.decision_extension_days} días, hasta el {_day(extended)} (L136 art. 23). "
            + _phase2_effect_text(effect, extended + _ONE_DAY), str(vigencia)))
    received = facts.budget_received_on.get(vigencia)
    if received is not None:
        latest = cal.add_business_days(received, BUDGET_OBJECTION_BUSINESS_DAYS)
        tribunal = cal.add_business_days(latest, TRIBUNAL_BUSINESS_DAYS)
        out.append(_due_on(
            "budget_objection", latest, EFFECT_OBJECTION_TERM_CLOSED, "D111 art. 109",
            f"El presupuesto {vigencia} aprobado se recibió el {_day(received)}: una objeción por ilegalidad se "
            f"envía al Tribunal Administrativo dentro de los cinco días hábiles siguientes, a más tardar el "
            f"{_day(latest)}; el Tribunal decide en veinte días hábiles (si se envía ese día, hasta el "
            f"{_day(tribunal)}) y entre tanto rige el proyecto presentado (D111 art. 109). ", vigencia))
    ruled = facts.budget_ruled_on.get(vigencia)
    if ruled is not None:
        latest = cal.add_business_days(ruled, TRIBUNAL_SANCTION_BUSINESS_DAYS)
        out.append(_due_on(
            "budget_ruling_sanction", latest, EFFECT_WARNING, "D111 art. 109; tres días por analogía con L136 art. 80",
            f"El Tribunal falló el {_day(ruled)} la objeción del presupuesto {vigencia} y el presupuesto aprobado debe "
            f"sancionarse: el alcalde o gobernador lo sanciona dentro de los tres días hábiles siguientes al recibo "
            f"de la comunicación, a más tardar el {_day(latest)} (L136 art. 80, por analogía). ", vigencia))
    out += _budget_publication(cal, facts, vigencia)
    return out


def _budget_publication(cal: BusinessCalendar, facts: Phase2Facts, vigencia: int) -> list[Deadline]:
    """``budget_publication`` (P16 reuses legal-path T15): the sanctioned acuerdo or ordenanza within the ten days
    after its sanction (L136 art. 81, counted as the harmonisation's), a decree with its issue (CPACA art. 65); and
    on the web, disaggregated (L1474 art. 74 inc. 3)."""
    sanctioned = facts.budget_sanctioned_on.get(vigencia)
    if sanctioned is not None:
        latest = cal.add_business_days(sanctioned, HARMONIZATION_PUBLICATION_BUSINESS_DAYS)
        return [_due_on(
            "budget_publication", latest, EFFECT_WARNING, "L136 art. 81; CPACA art. 65; L1474 art. 74 inc. 3",
            f"El presupuesto {vigencia} se sancionó y liquidó el {_day(sanctioned)}; se publica dentro de los diez "
            f"días hábiles siguientes, a más tardar el {_day(latest)} (L136 art. 81), y en la página web, "
            "desagregado (L1474 art. 74); no obliga antes de publicarse (CPACA art. 65). ", vigencia)]
    decreed = facts.budget_decreed_on.get(vigencia)
    if decreed is not None:
        return [_due_on(
            "budget_publication", decreed, EFFECT_WARNING, "CPACA art. 65; L1474 art. 74 inc. 3",
            f"El decreto del presupuesto {vigencia} se expidió el {_day(decreed)}; se publica con su expedición "
            "(CPACA art. 65), y en la página web, desagregado (L1474 art. 74). ", vigencia)]
    return []
