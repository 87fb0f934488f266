"""The early-warning board: every plan of a user's scope with state, progress, next deadline, slack, overdue
steps, risk and delay attribution, computed in bulk.

Speed (bench/board.py, 1,135 plans): five queries in all, whatever the number of plans (plans with their
entity and department, procedures, history, manual checks, team leaders); the legal calendar is computed once
per plan (and memoised by its facts, since it is a pure function of them); business days are counted from a
prefix sum per calendar instead of walking day by day.

Risk (``RISK_*``), in this order:

- ``vencido``: at least one pending legal step is overdue (today is on or after its ``overdue_from``);
- ``proximo``: nothing overdue, but a pending deadline with a hard legal effect (the CTP's month, after which
  its concept is deemed given; the corporation's month, after which the executive may adopt by decree; in Phase
  II the budget's decision where the statute copies D111 art. 59, and its objection, D111 art. 109) or the
  filing deadline (L152 art. 40, whose miss needs a legal-review note) has ``RISK_SLACK_DAYS`` business days
  of slack or fewer;
- ``al_dia``: everything else (including plans with nothing pending).

Pending steps: the route's duties pending in the plan's state (``route.DUTIES``, some of which outlive the entry
into force) and, for a plan in force, Phase II's terms whose procedure is in a pending state
(``state_machines.phase2.phase2_pending``, phase-ii.md §2): the same steps the sweep reminds of and escalates
(``notifications.sweep.plan_work`` and ``phase2_work``), so the board never says «Sin alertas» of a plan whose
people were told a step is late. Phase II's facts come from the plan's summary row (its procedures' dates) and the
entity's budget statute, read in the rows' one statement.

Delay attribution: the history's main-route rows cut the time since the period started into intervals, one per
state. A state waits on whoever may move the plan out of it: the roles of the state-changing transitions that
leave it in ``PDT_MACHINE`` (the same roles ``state_machines.approval.route.DUTIES`` makes responsible for its
deadlines); the sweep (``sistema``) waits on nobody. Roles map to four parties: the alcaldía/gobernación
(ejecutivo, planeación), the CTP, the corporation (concejo/asamblea). The CAR is not a main-route state: its
wait runs from each ``car_review`` copy received to that authority's concept, or until the executive went on
without it (T6, ``consider_concepts``), or until today; several CARs count as the union of their intervals
(they run in parallel). The CAR's wait overlaps the executive's, so the four numbers are not meant to add up.
Intervals are counted in business days ``(entered, left]`` of the entity's calendar, so they add up exactly. One
exception to "the state's party": an objected plan whose Concejo is in recess waits on the mayor until the
convocation to decide the objections is recorded (``CONVOKED_WAIT_OWNER``; L136 art. 78 inc. 3).
"""
from __future__ import annotations

import gc
import json
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from state_machines import calendar as legal_calendar
from state_machines.approval.pdt import (
    PDT_MACHINE,
    PDT_STATES,
    PERIOD_ENDED_WITHOUT_PLAN,
    PERIOD_SERVED,
    PeriodEnded,
    period_ended,
)
from state_machines.approval.route import duty_for, presumed_posesion
from state_machines.core.machine import SAME
from state_machines.core.roles import Role
from state_machines.core.wording import Wording, localize
from state_machines.corporation.sessions import BOGOTA, BOGOTA_DANE_CODE
from state_machines.phase2 import phase2_pending
from workflow_app.models import (
    BudgetStatute,
    Department,
    Entity,
    Period,
    Plan,
    PlanSummary,
    User,
    entity_label,
    entity_wording,
    period_label,
)
from workflow_app.permissions import scope_entity_ids
from workflow_app.services.monitoring import board_summary
from workflow_app.services.monitoring import milestones as milestone_service
from workflow_app.services.phase2 import milestones as phase2_hitos
from workflow_app.services.phase2.procedures import phase2_facts_of
from workflow_app.services.route.plans import regime_rules

RISK_SLACK_DAYS = 5
RISK_OVERDUE, RISK_SOON, RISK_OK = "vencido", "proximo", "al_dia"
RISK_LABELS = {RISK_OVERDUE: "Pasos vencidos", RISK_SOON: "Plazo clave por vencer", RISK_OK: "Sin alertas"}
RISK_RANK = {RISK_OVERDUE: 0, RISK_SOON: 1, RISK_OK: 2}

PARTIES = ("ejecutivo", "ctp", "car", "corporacion")
PARTY_LABELS = {"ejecutivo": "Alcaldía o gobernación", "ctp": "Consejo Territorial de Planeación",
                "car": "Autoridad ambiental (CAR)", "corporacion": "Concejo o asamblea"}


def party_labels_for(entity) -> dict[str, str]:
    """``PARTY_LABELS`` said for one entity (its dossier, its hitos): «Alcaldía», «Concejo de Génova»."""
    w = entity.wording
    return {**PARTY_LABELS, "ejecutivo": "Gobernación" if w.is_department else "Alcaldía",
            "corporacion": w.corporation}
PARTY_SHORT = {"ejecutivo": "Ejecutivo", "ctp": "CTP", "car": "CAR", "corporacion": "Corporación"}
_PARTY_OF_ROLE = {Role.EJECUTIVO: "ejecutivo", Role.PLANEACION: "ejecutivo", Role.EQUIPO: "ejecutivo",
                  Role.CTP: "ctp", Role.CAR: "car", Role.CORPORACION: "corporacion"}
STATE_ORDER = {s: i for i, s in enumerate(PDT_STATES)}
#: The facts the legal calendar reads from a plan's ``event_dates`` (``calendar.EVENT_KEYS``: the route's and the
#: last stretch's), each picked as text in SQL.
_PLAN_DATES = legal_calendar.EVENT_KEYS
#: The facts that are lists of (first, last) days of sessions, not dates (``calendar.Facts``).
SESSION_WINDOWS = ("session_extensions", "session_convocations")
SORT_KEYS = ("riesgo", "entidad", "departamento", "estado", "avance", "plazo", "holgura", "vencidos")


#: States where more than one party may act, and who owns the wait: after the corporation rejected the objections
#: the executive must sanction (the president only once its term ran out, L136 art. 79), and so before any
#: objection (the Asamblea's president only after the governor's silence, L2200 art. 100 inc. 3); before the
#: Tribunal nobody of the route waits on anyone but the court (L136 art. 80); a partly vitiated acuerdo waits on
#: the Concejo's reconsideration (L136 art. 80); a sanctioned acuerdo or ordenanza waits on the executive's
#: publication (L136 art. 81), which the president publishes only when the president sanctioned (L136 art. 79).
WAIT_OWNERS: dict[str, str | None] = {"sanction_due": "ejecutivo", "sanction_pending": "ejecutivo",
                                      "before_tribunal": None, "tribunal_reconsideration": "corporacion",
                                      "sanctioned": "ejecutivo"}


#: An objected plan waits on the Concejo's decision, except while the Concejo is in recess and the mayor owes its
#: convocation (L136 art. 78 inc. 3: "el alcalde está en la obligación de convocarlo en la semana siguiente"):
#: that wait, until the convocation is recorded, is the executive's.
CONVOKED_WAIT_OWNER = "ejecutivo"


def _waiting_on() -> dict[str, str | None]:
    """State -> the party that may move the plan out of it (None: only the sweep, or a final state)."""
    out: dict[str, str | None] = dict(WAIT_OWNERS)
    for state in PDT_STATES:
        if state in WAIT_OWNERS:
            continue
        parties = {_PARTY_OF_ROLE[r] for t in PDT_MACHINE.transitions_from(state)
                   if t.dest_from(state) not in (SAME, state) for r in t.roles if r in _PARTY_OF_ROLE}
        if len(parties) > 1:
            raise RuntimeError(f"state {state!r} waits on several parties {parties}: decide who owns the wait")
        out[state] = parties.pop() if parties else None
    return out


WAITING_ON = _waiting_on()


# --- Business days in O(1) -----------------------------------------------------------------------------------

class DayCounter:
    """``business_days_between`` of one calendar from a prefix sum over a window of years (same (a, b] rule)."""

    def __init__(self, weekdays: Iterable[int], first_year: int, last_year: int):
        self.calendar = legal_calendar.default_calendar(weekdays)
        self.start = date(first_year, 1, 1)
        days = (date(last_year + 1, 1, 1) - self.start).days
        cum, total, d = [0], 0, self.start
        for _ in range(days):
            d += timedelta(days=1)
            total += 0 if self.calendar.is_nonworking(d) else 1
            cum.append(total)
        self._cum = cum

    def between(self, a: date, b: date) -> int:
        i, j = (a - self.start).days, (b - self.start).days
        if 0 <= i < len(self._cum) and 0 <= j < len(self._cum):
            return self._cum[j] - self._cum[i]
        return self.calendar.business_days_between(a, b)


@lru_cache(maxsize=64)
def day_counter(weekdays: tuple[int, ...], first_year: int) -> DayCounter:
    return DayCounter(weekdays, first_year - 1, first_year + 5)


# --- The calendar, once per plan -----------------------------------------------------------------------------

def _facts_key(kind: str, period_start: date, posesion: date, weekdays: tuple, regime: str, articles: tuple,
               events: tuple, category: str | None = None, article_count: int | None = None,
               special: str | None = None) -> tuple:
    return (kind, period_start, posesion, weekdays, regime, articles, events, category, article_count, special)


def _facts_of_key(key: tuple) -> dict:
    """The calendar facts (calendar-contract.md input) of a facts key, as ``plans.period_facts`` writes them."""
    kind, period_start, posesion, weekdays, regime, articles, events, category, article_count, special = key
    data = {"entity_kind": kind, "period_start": period_start.isoformat(), "posesion": posesion.isoformat(),
            "nonworking_weekdays": list(weekdays), "regime": regime,
            "events": {n: dict(v) if n == "car_copies_received" else [list(w) for w in v]
                       if n in SESSION_WINDOWS else v for n, v in events}}
    if regime != "ordinary":
        data["d683_articles"] = list(articles)
    if category:
        data["fiscal_category"] = category
    if article_count:
        data["article_count"] = article_count
    if special:
        data["special_regime"] = special
    return data


@lru_cache(maxsize=8192)
def _deadlines(key: tuple) -> tuple[legal_calendar.Deadline, ...]:
    rules = regime_rules(key[4])  # the regime's row (data); None for the ordinary one
    return tuple(legal_calendar.compute_deadlines(legal_calendar.parse_facts(
        _facts_of_key(key), {rules.code: rules} if rules is not None else None)))


def clear_calendar_cache() -> None:
    """For the benchmark's cold runs."""
    _deadlines.cache_clear()
    _phase2_deadlines.cache_clear()


def facts_of(row: "BoardRow") -> dict:
    """The calendar facts of a board row; equal to ``services.route.plans.period_facts`` (tests/test_board.py)."""
    return _facts_of_key(_facts_key_of(row))


def _facts_key_of(row: "BoardRow") -> tuple:
    dates = dict(row.event_dates or {})
    cars = {p.subject: p.data["received_on"] for p in row.procedures
            if p.machine == "car_review" and (p.data or {}).get("received_on")}
    events = {k: v for k, v in dates.items() if k in _PLAN_DATES and k != "car_copies_received"}
    for name in SESSION_WINDOWS:  # [[first, last], ...] in a hashable key
        if name in events:
            events[name] = tuple(tuple(w) for w in events[name])
    cars.update(dates.get("car_copies_received", {}))
    if cars:
        events["car_copies_received"] = tuple(sorted(cars.items()))
    kind = "departamento" if row.entity_kind == "departamento" else "municipio"
    posesion = presumed_posesion(row.posesion_on, row.period_start)
    return _facts_key(kind, row.period_start, posesion, row.weekdays, row.regime,
                      tuple(row.d683_articles or ()) if row.regime != "ordinary" else (),
                      tuple(sorted(events.items())), row.fiscal_category, row.article_count,
                      BOGOTA if row.dane_code == BOGOTA_DANE_CODE else None)


# --- Rows ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProcRow:
    machine: str
    subject: str
    state: str
    data: dict


@dataclass(frozen=True)
class PendingStep:
    deadline: legal_calendar.Deadline
    label: str
    slack: int  # business days from today to act_by; negative when act_by has passed
    is_overdue: bool  # today >= overdue_from

    @property
    def is_key(self) -> bool:
        """Filing, or a deadline with a hard legal effect (see the module docstring)."""
        return self.deadline.key == "filing" or self.deadline.effect in legal_calendar.HARD_EFFECTS \
            or self.deadline.effect in legal_calendar.PHASE2_HARD_EFFECTS


@dataclass(frozen=True)
class CarWait:
    code: str
    received_on: date
    until: date
    is_answered: bool
    days: int


@dataclass
class BoardRow:
    plan_id: int
    entity_id: int
    dane_code: str
    entity_name: str
    entity_kind: str
    department_code: str
    department_name: str
    region: str
    state: str
    regime: str
    d683_articles: list
    posesion_on: date | None
    period_start: date
    event_dates: dict
    weekdays: tuple
    procedures: list[ProcRow] = field(default_factory=list)
    progress: float = 0.0
    progress2: float = 0.0  # Phase II hitos (hitos-fase2.csv), once the plan is in force (issue 21)
    pending: list[PendingStep] = field(default_factory=list)
    waits: dict[str, int] = field(default_factory=dict)
    car_waits: list[CarWait] = field(default_factory=list)
    risk: str = RISK_OK
    risk_reasons: list[str] = field(default_factory=list)
    entity_key: str = ""  # Spanish order keys of the names (reference_data.names.sort_key)
    department_key: str = ""
    fiscal_category: str | None = None  # the Concejo's sessions (L136 art. 23)
    executive_title: str | None = None  # how the row names the executive ("la alcaldesa")
    article_count: int | None = None  # the remitted project's size: its term to object (L136 art. 78)
    ended: PeriodEnded | None = None  # its period over on the board's day (pdt.period_ended)
    in_force_on: date | None = None  # the day it entered into force, for a plan in force: Phase II's terms run
    statute: legal_calendar.BudgetStatute = field(default_factory=legal_calendar.BudgetStatute)

    @property
    def entity_label(self) -> str:
        return entity_label(self.entity_name, self.entity_kind, self.department_name)

    @property
    def wording(self) -> Wording:
        return entity_wording(self.entity_kind, self.entity_name, self.executive_title, self.dane_code)

    @property
    def state_label(self) -> str:
        """The state in the entity's words ("Objetado por la alcaldesa"), as its plan page says it; once the
        plan's period is over, what its pages say instead (``pdt.period_ended``)."""
        return localize(self.ended.label if self.ended else PDT_STATES[self.state], self.wording)

    @property
    def next_step(self) -> PendingStep | None:
        return min(self.pending, key=lambda p: (p.deadline.act_by, p.label), default=None)

    @property
    def slack(self) -> int | None:
        step = self.next_step
        return step.slack if step else None

    @property
    def overdue(self) -> list[PendingStep]:
        return [p for p in self.pending if p.is_overdue]

    @property
    def is_at_risk(self) -> bool:
        return self.risk != RISK_OK

    @property
    def progress_text(self) -> str:
        return f"{self.progress:.1f}".replace(".", ",") + " %"

    @property
    def phase2_progress(self) -> float | None:
        """Phase II's progress, for a plan in Phase II only (the averages leave the others out)."""
        return self.progress2 if self.state == "in_force" else None

    @property
    def progress2_text(self) -> str:
        return f"{self.progress2:.1f}".replace(".", ",") + " %" if self.state == "in_force" else "—"

    @property
    def wait_items(self) -> list[tuple[str, str, int]]:
        """(short name, full name, business days) of the parties the plan waited on, for the compact column."""
        return [(PARTY_SHORT[p], PARTY_LABELS[p], self.waits[p]) for p in PARTIES if self.waits.get(p)]


def _pending(row: BoardRow, deadlines: Sequence[legal_calendar.Deadline], today: date,
             counter: DayCounter) -> list[PendingStep]:
    """Deadlines still pending in the plan's current state (as ``services.route.worklist.upcoming_deadlines``, over
    deadlines already computed)."""
    car_states = {p.subject: p.state for p in row.procedures if p.machine == "car_review"}
    out = []
    for d in deadlines:
        duty = duty_for(d.key)
        pending = (car_states.get(d.authority) in duty.pending_states if d.key == "car_concept"
                   else row.state in duty.pending_states)
        if pending:
            label = localize(duty.label, row.wording) + (f" ({d.authority})" if d.authority else "")
            out.append(PendingStep(d, label, counter.between(today, d.act_by), today >= d.overdue_from))
    return out


def _phase2_steps(row: BoardRow, today: date, counter: DayCounter) -> list[PendingStep]:
    """Phase II's pending terms of a plan in force, as the sweep reminds of them (``sweep.phase2_work``): the
    terms of ``calendar.phase2_deadlines`` whose procedure is in a pending state (``phase2.phase2_pending``)."""
    if row.in_force_on is None:
        return []
    facts = phase2_facts_of(row.entity_kind if row.entity_kind == "departamento" else "municipio",
                            row.fiscal_category, row.period_start, row.in_force_on, row.statute,
                            ((p.machine, p.subject, p.data, p.state) for p in row.procedures))
    try:
        deadlines = _phase2_deadlines(_phase2_key(facts, row.weekdays))
    except (legal_calendar.FactsError, ValueError):  # as the sweep: bad stored facts never stop the board
        return []
    return [PendingStep(d, localize(pd.duty.label, row.wording) + (f" ({d.authority})" if d.authority else ""),
                        counter.between(today, d.act_by), today >= d.overdue_from)
            for d, pd, _proc in phase2_pending(row.procedures, deadlines)]


def _phase2_key(facts: legal_calendar.Phase2Facts, weekdays: tuple) -> tuple:
    return (facts.entity_kind, facts.category, facts.period_start, facts.in_force_on, facts.statute,
            facts.harmonization_sanctioned_on, facts.harmonization_decreed_on,
            tuple(sorted(facts.budget_filed_on.items())), tuple(sorted(facts.budget_received_on.items())), weekdays)


@lru_cache(maxsize=4096)
def _phase2_deadlines(key: tuple) -> dict[str, legal_calendar.Deadline]:
    """Phase II's terms by their map key, memoised by the facts they are computed from (a pure function)."""
    kind, category, period_start, in_force_on, statute, sanctioned, decreed, filed, received, weekdays = key
    facts = legal_calendar.Phase2Facts(kind, category, period_start, in_force_on, statute, sanctioned, decreed,
                                       dict(filed), dict(received))
    return legal_calendar.deadline_map(legal_calendar.phase2_deadlines(facts,
                                                                       legal_calendar.default_calendar(weekdays)))


def _risk(row: BoardRow) -> tuple[str, list[str]]:
    reasons = [f"Vencido: {p.label} (debía actuar a más tardar el {legal_calendar.format_date_es(p.deadline.act_by)})"
               for p in row.overdue]
    if reasons:
        return RISK_OVERDUE, reasons
    soon = [p for p in row.pending if p.is_key and p.slack <= RISK_SLACK_DAYS]
    if soon:
        return RISK_SOON, [f"{_days(p.slack)} para: {p.label} ({p.deadline.legal_basis})" for p in soon]
    return RISK_OK, []


def _days(n: int) -> str:
    if n < 0:
        return f"{-n} día{'s' if n != -1 else ''} hábil{'es' if n != -1 else ''} de atraso"
    if n == 0:
        return "Vence hoy"
    return f"Queda{'n' if n != 1 else ''} {n} día{'s' if n != 1 else ''} hábil{'es' if n != 1 else ''}"


def attribute_waits(row: BoardRow, main_events: Sequence[tuple[str, str, date]], today: date,
                    counter: DayCounter) -> tuple[dict[str, int], list[CarWait]]:
    """Business days the plan waited on each party (module docstring). ``main_events``: (trigger, to_state,
    act date) of its main-route history rows, in order."""
    waits = dict.fromkeys(PARTIES, 0)
    t, state = row.period_start, "elected"
    considered_on = None
    for trigger, to_state, on in main_events:
        on = max(on, t)
        party = CONVOKED_WAIT_OWNER if state == "objected" and trigger == "convoke_sessions" else WAITING_ON.get(state)
        if party:
            waits[party] += counter.between(t, on)
        if trigger == "consider_concepts" and considered_on is None:
            considered_on = on
        t, state = on, to_state
    party = WAITING_ON.get(state)
    if state == "objected" and any(p.deadline.key == "objections_convocation" for p in row.pending):
        party = CONVOKED_WAIT_OWNER
    if party and today > t:
        waits[party] += counter.between(t, today)

    car_waits, spans = [], []
    for p in row.procedures:
        data = p.data or {}
        if p.machine != "car_review" or not data.get("received_on"):
            continue
        received = date.fromisoformat(data["received_on"])
        answered = data.get("receive_concept_on")
        until = date.fromisoformat(answered) if answered else min(considered_on or today, today)
        until = max(until, received)
        car_waits.append(CarWait(p.subject, received, until, bool(answered), counter.between(received, until)))
        spans.append((received, until))
    for start, end in _merge(spans):
        waits["car"] += counter.between(start, end)
    return waits, car_waits


def _merge(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[list[date]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


# --- Loading -------------------------------------------------------------------------------------------------

def board_period(session: Session, today: date, year: str = "",
                 listed: Sequence[tuple[Period, bool]] | None = None) -> Period | None:
    """The period asked for by its first year (``year``, e.g. "2024"), else the latest period opened (with plans),
    else the constitutional period running today (in training, the simulated day), else the latest one that
    started, else the first. The operator opens the next period before its 1 January, for the elected officials
    to prepare: from then on the board and the portal show it (QA, 7 December 2026: until 1 January 2028 they
    showed the running period, with no plans, and nothing linked to the 1,135 plans of 2028). ``listed``: every
    period with whether it has plans, when the caller already read them (``period_list``)."""
    listed = period_list(session) if listed is None else listed
    periods = [p for p, _ in listed]
    if year.isdigit() and len(year) == 4:
        asked = next((p for p in periods if p.start_on == date(int(year), 1, 1)), None)
        if asked is not None:
            return asked
    opened = max((p for p, has in listed if has), key=lambda p: p.start_on, default=None)
    started = max((p for p in periods if p.start_on <= today), key=lambda p: p.start_on, default=None)
    return opened or started or min(periods, key=lambda p: p.start_on, default=None)


def period_list(session: Session) -> list[tuple[Period, bool]]:
    """Every period, oldest first, with whether it has plans: one statement for all a board page asks of them."""
    has_plans = select(Plan.id).where(Plan.period_id == Period.id).exists()
    return [(p, bool(has)) for p, has in session.execute(select(Period, has_plans).order_by(Period.start_on))]


def periods_with_plans(session: Session, listed: list[tuple[Period, bool]] | None = None) -> list[Period]:
    """The periods that have plans, oldest first: the ones the board and the portal offer by name."""
    return [p for p, has in (period_list(session) if listed is None else listed) if has]


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while the board builds its ~100,000 small, acyclic objects (rows,
    tuples, deadlines): otherwise every 700 allocations trigger a collection and several of them rescan the
    whole heap, which doubled the board's time in bench/board.py. Reference counting still frees everything;
    the collector resumes at the end (only if it was on: concurrent requests leave it on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


#: The facts ``calendar.in_force_of_dates`` reads: a plan in force owes Phase II's terms from that day.
_IN_FORCE_DATES = ("published", "vigencia", "in_force_declared", "silent_vigencia_days")


@lru_cache(maxsize=256)
def _statute_of(values: tuple) -> legal_calendar.BudgetStatute:
    """The entity's budget statute from the rows' columns (``procedures.statute_of``: defaults without a row)."""
    if values[0] is None:
        return legal_calendar.BudgetStatute()
    filing, extension, copies, by_decree, months = values
    return legal_calendar.BudgetStatute(filing_business_days=filing, decision_extension_days=extension,
                                        copies_d111_art59=bool(copies), harmonization_by_decree=bool(by_decree),
                                        pi_approval_months=months)


_NO_STATUTE = legal_calendar.BudgetStatute()


# Built once: composing this statement (its columns and joins) cost more Python than running it.
_ROWS_QUERY = (select(Plan.id, Plan.entity_id, Entity.dane_code, Entity.name, Entity.kind, Entity.department_code,
                      Department.name, Department.region, Plan.state, Plan.regime,
                      cast(Plan.d683_articles, Text), Plan.posesion_on, Period.start_on,
                      Entity.nonworking_weekdays,
                      Entity.sort_key, Department.sort_key, Plan.version, PlanSummary.plan_version,
                      PlanSummary.procedures, PlanSummary.events, PlanSummary.marks, PlanSummary.updated_at,
                      Entity.fiscal_category, Plan.event_dates[("sanction", "articles")].as_string(),
                      Entity.executive_title, Period.end_on,
                      BudgetStatute.filing_business_days, BudgetStatute.decision_extension_days,
                      BudgetStatute.copies_d111_art59, BudgetStatute.harmonization_by_decree,
                      BudgetStatute.pi_approval_months,
                      *(Plan.event_dates[k].as_string() for k in _IN_FORCE_DATES),
                      *(Plan.event_dates[k].as_string() for k in _PLAN_DATES))
               .join(Entity, Entity.id == Plan.entity_id).join(Department, Department.code == Entity.department_code)
               .join(Period, Period.id == Plan.period_id).outerjoin(PlanSummary, PlanSummary.plan_id == Plan.id)
               .outerjoin(BudgetStatute, BudgetStatute.entity_id == Plan.entity_id))
#: Where the budget statute's columns start in a row of ``_ROWS_QUERY``, then the facts of the entry into force
#: (``calendar.in_force_of_dates``), then the calendar's facts.
_STATUTE_AT = 26
_IN_FORCE_AT = _STATUTE_AT + 5
_DATES_AT = _IN_FORCE_AT + len(_IN_FORCE_DATES)


def load_rows(session: Session, user: User | None, today: date, plan_ids: Sequence[int] | None = None,
              period: Period | None = None) -> list[BoardRow]:
    """Board rows of the user's scope (or of ``plan_ids``) in the period running today, fully computed."""
    with paused_gc():
        return _load_rows(session, user, today, plan_ids, period)


def _load_rows(session: Session, user: User | None, today: date, plan_ids: Sequence[int] | None,
               period: Period | None) -> list[BoardRow]:
    query = _ROWS_QUERY
    if plan_ids is not None:
        ids = list(plan_ids)
    else:
        period = period or board_period(session, today)
        if period is None:
            return []
        if user.is_admin:
            ids = select(Plan.id).where(Plan.period_id == period.id)
        else:
            # A person follows a few plans: their ids as a list let each of the queries below use the plan_id
            # indexes, where the nested scope subquery made PostgreSQL scan whole tables (history, checks, …).
            ids = list(session.scalars(select(Plan.id).where(Plan.entity_id.in_(scope_entity_ids(user)),
                                                             Plan.period_id == period.id)))
    # JSON is read as text fields picked in SQL: decoding whole documents row by row costs more than the rest.
    rows: dict[int, BoardRow] = {}
    summaries: dict[int, tuple] = {}
    stale: dict[int, int] = {}  # plan id -> version, for rows to rebuild
    versions: dict[int, int] = {}
    day = _day_cache(today)
    keys: dict[int, tuple] = {}
    computed: dict[int, tuple] = {}
    for r in session.execute(query.where(Plan.id.in_(ids))):
        weekdays = tuple(sorted(int(x) for x in (r[13] or "").split(",") if x.strip()))
        category, article_count = r[22], int(r[23]) if r[23] else None
        # Phase II's terms run for a plan in force only: from its entry into force, under its entity's statute.
        if r[8] == "in_force":
            statute = tuple(r[_STATUTE_AT:_IN_FORCE_AT])
            in_force = legal_calendar.in_force_of_dates(
                {k: v for k, v in zip(_IN_FORCE_DATES, r[_IN_FORCE_AT:_DATES_AT]) if v})
        else:
            statute = in_force = None
        versions[r[0]] = r[16]
        if r[17] == r[16]:
            # r[24]: the executive's title; the statute is not the plan's: its change does not move the version
            keys[r[0]] = key = (r[0], r[16], r[21], weekdays, r[12], category, r[24], statute)
            if key in day:
                computed[r[0]] = day[key]
            else:
                summaries[r[0]] = r[18:21]
        else:
            stale[r[0]] = r[16]
        dates = {k: v for k, v in zip(_PLAN_DATES, r[_DATES_AT:]) if v}
        for name in ("car_copies_received", *SESSION_WINDOWS):  # JSON, not a date: read as text above
            if name in dates:
                dates[name] = json.loads(dates[name])
        articles = json.loads(r[10]) if r[9] == "d683_2020" and r[10] else []
        rows[r[0]] = BoardRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] or "", r[8], r[9], articles,
                              r[11], r[12], dates, weekdays, entity_key=r[14], department_key=r[15],
                              fiscal_category=category, article_count=article_count, executive_title=r[24],
                              ended=period_ended(r[8], period_label(r[12], r[25]), r[25], today),
                              in_force_on=in_force, statute=_statute_of(statute) if statute else _NO_STATUTE)
    if not rows:
        return []
    # Procedures, main-route history and hito marks from each plan's summary row (services.monitoring.board_summary);
    # a row missing or older than its plan is rebuilt from the history here, and stored.
    materials = {plan_id: board_summary.decode(*texts) for plan_id, texts in summaries.items()}
    for plan_id in [i for i, m in materials.items() if board_summary.is_legacy(m)]:
        del materials[plan_id]
        keys.pop(plan_id)
        stale[plan_id] = versions[plan_id]
    if stale:
        fresh = board_summary.build(session, list(stale))
        board_summary.store(session, fresh, stale)
        if not (session.new or session.dirty or session.deleted):
            session.commit()  # a cache fill: committed now unless the caller's own work is pending with it
        materials.update(fresh)
    main_events: dict[int, list] = {}
    marks: dict[int, dict] = {}
    for plan_id, material in materials.items():
        row = rows[plan_id]
        row.procedures = [ProcRow(machine, subject, state, {**{k: v for k, v in (("received_on", received),
                                                                                 ("receive_concept_on", answered))
                                                                  if v}, **(phase2[0] if phase2 else {})})
                          for machine, subject, state, received, answered, *phase2 in material.procedures]
        main_events[plan_id] = material.events
        marks[plan_id] = material.marks
    for plan_id, (procedures, pending, risk, reasons, waits, car_waits, plan_marks) in computed.items():
        row = rows[plan_id]
        row.procedures, row.pending, row.risk, row.risk_reasons = procedures, pending, risk, reasons
        row.waits, row.car_waits = waits, car_waits
        marks[plan_id] = plan_marks
    weights = milestone_service.compiled_weights(milestone_service.all_milestones(session))
    entity_ids = [row.entity_id for row in rows.values()] if isinstance(ids, list) else \
        select(Plan.entity_id).where(Plan.id.in_(ids))
    facts = milestone_service.load_facts(session, ids, entity_ids, light=True, marks=marks)
    weights2 = phase2_hitos.compiled_weights(phase2_hitos.phase2_milestones(session))
    checks2 = phase2_hitos.latest_check_flags(session, ids)

    for row in rows.values():
        # Progress follows the manual checks and team leaders (read above), never cached.
        row.progress = milestone_service.fast_progress(weights, row.plan_id, row.entity_id, facts)
        row.progress2 = phase2_hitos.fast_progress(weights2, facts.events.get(row.plan_id, {}),
                                                   checks2.get(row.plan_id, {}))
        if row.plan_id in computed:
            continue
        counter = day_counter(row.weekdays, row.period_start.year)
        deadlines = _deadlines(_facts_key_of(row))
        # Nothing is owed once the period is over (pdt.duties_ended): no step pending, no risk.
        row.pending = [] if row.ended else [*_pending(row, deadlines, today, counter),
                                            *_phase2_steps(row, today, counter)]
        row.risk, row.risk_reasons = _risk(row)
        row.waits, row.car_waits = attribute_waits(row, main_events.get(row.plan_id, ()), today, counter)
        if row.plan_id in keys:
            day[keys[row.plan_id]] = (row.procedures, row.pending, row.risk, row.risk_reasons, row.waits,
                                      row.car_waits, marks[row.plan_id])
    return list(rows.values())


#: The day's computed figures of each plan (pending steps, risk, waits; with its procedures and hito marks),
#: by (plan, plan version, summary row's time, weekdays, period start, category, executive's title, and for a
#: plan in force its entity's budget statute, which is not the plan's row): what they are computed from, besides
#: the day. In process, for one day at a time; a row rebuilt or a plan changed is a new key. Callers never
#: mutate rows' lists and dicts, so requests share them.
_DAY: dict = {"day": None, "rows": {}}
_DAY_LIMIT = 50_000


def _day_cache(today: date) -> dict:
    if _DAY["day"] != today or len(_DAY["rows"]) > _DAY_LIMIT:
        _DAY["day"], _DAY["rows"] = today, {}
    return _DAY["rows"]


# --- Filters, order, summaries -------------------------------------------------------------------------------

@dataclass(frozen=True)
class BoardQuery:
    departamento: str = ""
    region: str = ""
    estado: str = ""
    riesgo: str = ""
    orden: str = "riesgo"
    pagina: int = 1  # 1-based; clamped to the last page by ``page_of``
    periodo: str = ""  # the period's first year ("2024"); empty: the period in course on the day

    @classmethod
    def from_args(cls, args: Mapping[str, str], forced_department: str = "") -> "BoardQuery":
        orden = args.get("orden", "riesgo")
        if orden.lstrip("-") not in SORT_KEYS:
            orden = "riesgo"
        estado = args.get("estado", "")
        riesgo = args.get("riesgo", "")
        pagina = args.get("pagina", "1").strip()
        periodo = args.get("periodo", "").strip()
        return cls(periodo=periodo if periodo.isdigit() and len(periodo) == 4 else "",
                   departamento=forced_department or args.get("departamento", "").strip()[:2],
                   region=args.get("region", "").strip()[:60],
                   estado=estado if estado in PDT_STATES else "",
                   riesgo=riesgo if riesgo in RISK_LABELS else "", orden=orden,
                   pagina=int(pagina) if pagina.isdigit() and 0 < len(pagina) < 6 and int(pagina) > 0 else 1)

    def as_args(self, **changes) -> dict[str, str]:
        """The query string of this view; a new order or filter starts again at page 1 unless told otherwise."""
        data = {"periodo": self.periodo, "departamento": self.departamento, "region": self.region,
                "estado": self.estado,
                "riesgo": self.riesgo, "orden": self.orden, "pagina": self.pagina, **changes}
        if "pagina" not in changes and changes:
            data["pagina"] = 1
        return {k: str(v) for k, v in data.items()
                if v and not (k == "orden" and v == "riesgo") and not (k == "pagina" and v == 1)}


#: Rows per board page. The whole country is 1,135 rows (about 1.1 MB of HTML): on a rural connection the
#: page would take minutes, so the table is paged; the summary, charts and downloads cover every row.
PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    number: int
    count: int
    first: int  # 1-based position of the first row shown (0 when there are none)
    last: int
    total: int

    @property
    def numbers(self) -> list[int | None]:
        """Page numbers to link: first, last, and two around the current one (None marks a gap)."""
        keep = sorted({1, self.count, *range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)})
        out: list[int | None] = []
        for n in keep:
            if out and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out


def page_of(rows: Sequence, number: int, size: int | None = None) -> tuple[Sequence, Page]:
    """The rows of page ``number`` (clamped to 1..last) and the page's description."""
    size = size or PAGE_SIZE
    count = max(1, -(-len(rows) // size))
    number = min(max(1, number), count)
    start = (number - 1) * size
    shown = rows[start:start + size]
    return shown, Page(number, count, start + 1 if shown else 0, start + len(shown), len(rows))


def apply_filters(rows: Iterable[BoardRow], q: BoardQuery) -> list[BoardRow]:
    return [r for r in rows
            if (not q.departamento or r.department_code == q.departamento)
            and (not q.region or r.region == q.region)
            and (not q.estado or r.state == q.estado)
            and (not q.riesgo or r.risk == q.riesgo)]


_FAR = 10 ** 6


def _sort_key(name: str):
    return {
        "riesgo": lambda r: (RISK_RANK[r.risk], r.slack if r.slack is not None else _FAR, -len(r.overdue),
                             r.entity_key),
        "entidad": lambda r: (r.entity_key, r.department_key),
        "departamento": lambda r: (r.department_key, r.entity_kind != "departamento", r.entity_key),
        "estado": lambda r: (STATE_ORDER[r.state], r.entity_key),
        "avance": lambda r: (r.progress, r.entity_key),
        "plazo": lambda r: (r.next_step is None, r.next_step.deadline.act_by if r.next_step else date.max,
                            r.entity_key),
        "holgura": lambda r: (r.slack is None, r.slack if r.slack is not None else 0, r.entity_key),
        "vencidos": lambda r: (-len(r.overdue), r.entity_key),
    }[name]


def sort_rows(rows: list[BoardRow], orden: str) -> list[BoardRow]:
    descending = orden.startswith("-")
    return sorted(rows, key=_sort_key(orden.lstrip("-")), reverse=descending)


def board(session: Session, user: User, today: date, query: BoardQuery, period: Period | None = None
          ) -> tuple[list[BoardRow], list[BoardRow]]:
    """(every row of the scope, the filtered and ordered rows) in ``period``, else the period asked for
    (``query.periodo``), else the one in course on the day."""
    rows = load_rows(session, user, today, period=period or board_period(session, today, query.periodo))
    return rows, sort_rows(apply_filters(rows, query), query.orden)


#: Department names by database, read once per process: the 33 DIVIPOLA names do not change while it runs, and the
#: board keeps its statements (tests/workflow_app/test_page_statements.py).
_DEPARTMENT_NAMES: dict[str, dict[str, str]] = {}


def department_names(session: Session) -> dict[str, str]:
    """Department code -> name (DIVIPOLA), for the map's tiles of departments the viewer does not follow."""
    key = session.get_bind().url.render_as_string(hide_password=True)
    names = _DEPARTMENT_NAMES.get(key)
    if names is None:
        names = dict(session.execute(select(Department.code, Department.name)).all())
        if names:  # before the reference data is loaded there is nothing to keep
            _DEPARTMENT_NAMES[key] = names
    return names


def summary(rows: Sequence[BoardRow]) -> dict:
    risks = Counter(r.risk for r in rows)
    return {"plans": len(rows), "average": round(sum(r.progress for r in rows) / len(rows), 1) if rows else 0.0,
            "average2": milestone_service.mean_or_none(r.phase2_progress for r in rows),
            "risks": {k: risks.get(k, 0) for k in RISK_LABELS}}


def per_state(rows: Iterable[BoardRow]) -> list[tuple[str, int]]:
    counts = Counter(r.state for r in rows)
    return [(state, counts[state]) for state in PDT_STATES if counts.get(state)]


def per_state_label(rows: Iterable[BoardRow]) -> list[tuple[str, int]]:
    """Plans per state as their rows say it, in route order: a plan whose period is over counts under
    ``pdt.period_ended``'s label, after the states (the chart agrees with the table)."""
    counts = Counter(r.ended.label if r.ended else PDT_STATES[r.state] for r in rows)
    return [(label, counts[label]) for label in (*PDT_STATES.values(), PERIOD_SERVED, PERIOD_ENDED_WITHOUT_PLAN)
            if counts.get(label)]


def due_by_week(rows: Iterable[BoardRow], today: date, weeks: int = 6) -> list[tuple[date, int]]:
    """Pending steps whose act_by falls in each of the next ``weeks`` weeks (Monday-based, this week first)."""
    monday = today - timedelta(days=today.weekday())
    counts = [0] * weeks
    for r in rows:
        for p in r.pending:
            if p.deadline.act_by >= today:
                index = (p.deadline.act_by - monday).days // 7
                if index < weeks:
                    counts[index] += 1
    return [(monday + timedelta(weeks=i), n) for i, n in enumerate(counts)]


def rollups(rows: Sequence[BoardRow]) -> dict[str, list]:
    return {
        "regions": milestone_service.rollup((r.region, r.region, r.progress, r.is_at_risk, r.phase2_progress)
                                            for r in rows),
        "departments": milestone_service.rollup((r.department_code, r.department_name, r.progress,
                                                 r.is_at_risk, r.phase2_progress) for r in rows),
        "country": milestone_service.rollup(("co", "Colombia", r.progress, r.is_at_risk, r.phase2_progress)
                                            for r in rows),
    }


def adviser_rollup(session: Session, rows: Sequence[BoardRow]) -> list[milestone_service.Rollup]:
    by_id = {r.plan_id: r for r in rows}
    advisers = milestone_service.adviser_plans(session, {r.plan_id: r.entity_id for r in rows})
    return milestone_service.rollup(
        (str(user_id), name, by_id[plan_id].progress, by_id[plan_id].is_at_risk, by_id[plan_id].phase2_progress)
        for user_id, (name, plan_ids) in advisers.items() for plan_id in plan_ids)


def plan_row(session: Session, plan: Plan, today: date) -> BoardRow:
    """The board's view of one plan (its hitos page and expediente)."""
    return load_rows(session, None, today, plan_ids=[plan.id])[0]
