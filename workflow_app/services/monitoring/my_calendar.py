"""A person's month: the legal deadlines they owe and the public hearings of their plans ("Mi calendario"),
and the hearings the iCalendar feeds publish. For a plan in force, the deadlines are the Phase II terms of the
acts the person may record (the same as "Mis pendientes").

A deadline is the person's when its duty (``state_machines.approval.route.DUTIES``) is still pending in the plan's state
and one of the duty's roles is a role the person holds on the plan's entity; a CAR's concept is its own only
for its authority. Its day is the "actuar a más tardar" day (the safe date: the same the reminders use). The
hearings (Ley 1909 de 2018 art. 22) are those scheduled, held or called off in the plans the person follows.
"""
from __future__ import annotations

import calendar as month_grid
from dataclasses import dataclass
from datetime import date

from state_machines import calendar as legal_calendar
from state_machines.approval.pdt import PDT_MACHINE
from state_machines.approval.route import DUTIES, duty_for
from state_machines.approval.submachines import SUBMACHINES
from state_machines.core.dates import format_hour_es
from state_machines.core.roles import Role
from state_machines.core.wording import localize
from workflow_app.models import Plan, Procedure, User
from workflow_app.services.route.plans import deadlines_for
from workflow_app.services.route.worklist import phase2_pending

DEADLINE, HEARING = "plazo", "audiencia"
#: The roles the route's duties fall on: whoever holds none of them on a plan follows it.
_DUTY_ROLES = frozenset(role for duty in DUTIES for role in duty.roles)


@dataclass(frozen=True)
class Hearing:
    plan: Plan
    number: str
    scheduled_on: date
    place: str
    state: str
    state_label: str
    scheduled_time: str = ""  # «18:00», hora de Colombia

    @property
    def is_cancelled(self) -> bool:
        return self.state == "cancelled"

    @property
    def title(self) -> str:
        return f"{self.plan.entity.display_name}: audiencia pública {self.number} del plan de inversiones"


@dataclass(frozen=True)
class CalendarEntry:
    day: date
    kind: str  # plazo, audiencia
    plan: Plan
    title: str
    detail: str
    legal_basis: str
    is_overdue: bool = False
    is_cancelled: bool = False


@dataclass(frozen=True)
class Month:
    first: date
    weeks: tuple[tuple[date | None, ...], ...]  # Monday first; None outside the month
    entries: dict[date, tuple[CalendarEntry, ...]]
    undated: int  # deadlines of plans whose facts are invalid (never hidden silently)
    overdue_before: tuple[CalendarEntry, ...] = ()  # still owed, from earlier months
    next_after: tuple[CalendarEntry, ...] = ()  # the first entries after the month

    @property
    def previous(self) -> date:
        return date(self.first.year - (self.first.month == 1), (self.first.month - 2) % 12 + 1, 1)

    @property
    def next(self) -> date:
        return date(self.first.year + (self.first.month == 12), self.first.month % 12 + 1, 1)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.entries.values())


def plan_hearings(plan: Plan) -> list[Hearing]:
    """The plan's Ley 1909 hearings that have a date, in date order."""
    machine = SUBMACHINES["hearing"]
    out = []
    for proc in plan.procedures:
        if proc.machine == "hearing" and proc.data.get("scheduled_on"):
            out.append(_hearing(plan, proc, machine))
    return sorted(out, key=lambda h: (h.scheduled_on, h.number))


def _hearing(plan: Plan, proc: Procedure, machine) -> Hearing:
    return Hearing(plan, proc.subject, date.fromisoformat(proc.data["scheduled_on"]),
                   ", ".join(x for x in (proc.data.get("place", ""), proc.data.get("zone", "")) if x),
                   proc.state, machine.label(proc.state), str(proc.data.get("scheduled_time") or ""))


def my_deadlines(user: User, plan: Plan, today: date,
                 deadlines: list[legal_calendar.Deadline]) -> list[tuple[legal_calendar.Deadline, str, bool]]:
    """(deadline, what must be done, is overdue) of the deadlines this person owes on this plan; for a person who
    owes none of the route's duties on it (an adviser, a coordinator, an administrator: they follow the plan), the
    plan's pending deadlines whoever owes them, as their iCalendar feed lists them (QA, 7 December 2026: an
    adviser's month was always empty while her feed was full)."""
    roles = user.roles_for(plan.entity)
    follower = not roles & _DUTY_ROLES
    authorities = {m.authority_code for m in user.memberships if m.role == Role.CAR.value and m.authority_code}
    car_states = {p.subject: p.state for p in plan.procedures if p.machine == "car_review"}
    out = []
    for d in deadlines:
        duty = duty_for(d.key)
        if not follower and not roles & duty.roles:
            continue
        if d.key == "car_concept":
            if (not follower and d.authority not in authorities) or \
                    car_states.get(d.authority) not in duty.pending_states:
                continue
        elif plan.state not in duty.pending_states:
            continue
        out.append((d, duty.label, today >= d.overdue_from))
    return out


def _hearing_entry(h: Hearing) -> CalendarEntry:
    return CalendarEntry(h.scheduled_on, HEARING, h.plan, h.title,
                         f"{h.state_label}{' · ' + format_hour_es(h.scheduled_time) if h.scheduled_time else ''}"
                         f"{' · ' + h.place if h.place else ''}", "L1909 art. 22",
                         is_cancelled=h.is_cancelled)


def _phase2_entries(user: User, plan: Plan, today: date) -> list[CalendarEntry]:
    """The Phase II acts with a legal term that this person may record now: what "Mis pendientes" lists under
    "Pendientes con plazo" for a plan in force (``worklist.phase2_pending``), on their "a más tardar" day."""
    out = []
    name = plan.entity.display_name
    for item in phase2_pending(user, plan, today):
        d = item.deadline
        if d is None or item.action.is_irreversible:
            continue
        what = item.action.label + (f" · {item.action.subject_label}" if item.action.subject_label else "")
        out.append(_deadline_entry(plan, d, f"{name}: {what}", item.is_overdue))
    return out


def _deadline_entry(plan: Plan, d: legal_calendar.Deadline, title: str, late: bool) -> CalendarEntry:
    detail = ("Vencido: actuar cuanto antes" if late
              else f"Actuar a más tardar este día; vence (lectura amplia) el {legal_calendar.format_date_es(d.latest)}")
    return CalendarEntry(d.act_by, DEADLINE, plan, title, detail, d.legal_basis, is_overdue=late)


def month_of(user: User, plans: list[Plan], first: date, today: date) -> Month:
    """Everything of ``first``'s month for this person. Overdue deadlines stay on their day in the past."""
    last = date(first.year, first.month, month_grid.monthrange(first.year, first.month)[1])
    found: list[CalendarEntry] = []
    undated = 0
    for plan in plans:
        if PDT_MACHINE.is_final(plan.state):  # in force: the Phase II terms this person owes (issue 21)
            found += _phase2_entries(user, plan, today)
        else:
            try:
                deadlines = deadlines_for(plan)
            except legal_calendar.FactsError:
                undated += 1
                continue
            name = plan.entity.display_name
            found += [_deadline_entry(plan, d, f"{name}: {localize(label, plan.entity.wording)}"
                                      f"{f' ({d.authority})' if d.authority else ''}", late)
                      for d, label, late in my_deadlines(user, plan, today, deadlines)]
        found += [_hearing_entry(h) for h in plan_hearings(plan)]
    entries: dict[date, list[CalendarEntry]] = {}
    for entry in found:
        if first <= entry.day <= last:
            entries.setdefault(entry.day, []).append(entry)
    found.sort(key=lambda e: (e.day, e.title))
    weeks = tuple(tuple(date(first.year, first.month, d) if d else None for d in week)
                  for week in month_grid.Calendar(firstweekday=0).monthdayscalendar(first.year, first.month))
    ordered = {day: tuple(sorted(items, key=lambda e: (e.kind != DEADLINE, not e.is_overdue, e.title)))
               for day, items in sorted(entries.items())}
    return Month(first, weeks, ordered, undated,
                 overdue_before=tuple(e for e in found if e.day < first and e.is_overdue),
                 next_after=tuple(e for e in found if e.day > last and not e.is_cancelled)[:3])
