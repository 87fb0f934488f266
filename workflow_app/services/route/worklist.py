"""What each person may do now, and by when: the source of "Mis pendientes" and of a plan's action list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, selectinload

from state_machines import calendar as legal_calendar
from state_machines.approval.pdt import PDT_MACHINE, decree_waits_for_assignment, duties_ended
from state_machines.approval.route import DUTIES, IRREVERSIBLE_ACTS, duty_for, is_subprocedure_open, recording_roles
from state_machines.core.roles import Role
from state_machines.core.wording import holder, localize
from state_machines.corporation.debates import debate_rule_for, latest_committee_approval_for
from state_machines.phase2 import (
    PHASE2_DUTIES,
    PHASE2_MACHINES,
    PHASE2_TITLES,
    SESSION_TRIGGERS,
    phase2_session_basis,
    phase2_title,
)
from workflow_app.infra.extensions import db
from workflow_app.models import Plan, User
from workflow_app.permissions import visible_plans_query
from workflow_app.services.phase2.procedures import phase2_context
from workflow_app.services.route.plans import (
    act_basis,
    deadlines_for,
    machine_named,
    plan_snapshot,
    special_regime_of,
    sub_snapshot,
)
from workflow_app.services.route.sessions import OBJECTED_STATES

# Acts a person never starts from a list: the sweep applies them (Role.SISTEMA).
ROLE_PRIORITY = (Role.EJECUTIVO, Role.PLANEACION, Role.HACIENDA, Role.CONSEJO_DE_GOBIERNO, Role.CTP, Role.CAR,
                 Role.CORPORACION, Role.EQUIPO)


@dataclass(frozen=True)
class ActionOption:
    plan_id: int
    machine: str
    subject: str | None
    trigger: str
    label: str
    role: Role
    legal_basis: str
    subject_label: str = ""

    @property
    def subject_slug(self) -> str:
        return self.subject or "-"

    @property
    def is_irreversible(self) -> bool:
        return self.trigger in IRREVERSIBLE_ACTS


@dataclass(frozen=True)
class PendingItem:
    plan: Plan
    action: ActionOption | None
    deadline: legal_calendar.Deadline | None
    days_left: int | None  # business days from today to act_by (negative when late)
    #: Without ``action``: the duty whose term runs while none of its acts can be done today (the Concejo between
    #: its two debates), said by what must be done.
    waiting: str = ""
    waiting_basis: str = ""
    #: What the term means for this act, where the act is not the last one it asks for: the committee's debate
    #: must leave the plenary its days before the corporation's month ends (L136 art. 73).
    note: str = ""

    #: The day the list was made: a term is overdue from its ``overdue_from`` (calendar-contract.md), not the day
    #: after ``act_by``, the safe date, when the wide reading still runs.
    today: date | None = None

    @property
    def is_overdue(self) -> bool:
        if self.deadline is None or self.days_left is None:
            return False
        return self.today >= self.deadline.overdue_from if self.today is not None else self.days_left < 0

    @property
    def past_safe_date(self) -> bool:
        """Past ``act_by`` but not yet overdue: the term's last day by its wide reading is still to come."""
        return self.deadline is not None and self.days_left is not None and self.days_left < 0 \
            and not self.is_overdue


def _subject_label(machine: str, subject: str | None, data: dict) -> str:
    if machine in PHASE2_TITLES:
        return phase2_title(machine, subject or "")
    if machine == "car_review":
        return f"Autoridad ambiental {subject}"
    if machine == "amendment":
        authors = ", ".join(data.get("authors", []))
        return f"Modificación {subject} ({authors})" if authors else f"Modificación {subject}"
    if machine == "hearing":
        on = data.get("scheduled_on")
        when = f", {legal_calendar.format_date_es(date.fromisoformat(on))}" if on else ""
        return f"Audiencia {subject}: {data.get('place', '')}{when}".strip()
    if machine == "ctp_formation":
        return "Conformación del CTP"
    return ""


def actions_for(user: User, plan: Plan, today: date, deadlines=None, roles: set[Role] | None = None
                ) -> list[ActionOption]:
    """Every act this user may take on this plan now. What only the act's form can bring (evidence, notes,
    the vote record) is assumed here and checked for real when the form is sent. ``roles``: the user's roles on
    the plan's entity when the caller already has them."""
    held = user.roles_for(plan.entity) if roles is None else roles
    roles = [r for r in ROLE_PRIORITY if r in held]
    if not roles:
        return []
    if deadlines is None:
        deadlines = legal_calendar.deadline_map(deadlines_for(plan))
    car_codes = {m.authority_code for m in user.memberships if m.role == Role.CAR.value}
    wording = plan.entity.wording
    options: list[ActionOption] = []
    seen: set[tuple] = set()
    main = plan_snapshot(plan, today, deadlines=deadlines, form_supplies=True)
    # The norm an act cites by its date (a convocation's statute: L56 art. 1 before L2200): the next act is dated
    # no earlier than the route's last one, which for a past period's plan recorded late is far from today.
    listing_day = min(today, plan.last_route_act_on) if plan.last_route_act_on else today
    for role in roles:
        for t, verdict in PDT_MACHINE.available(main, role):
            if verdict.ok and ("pdt", t.trigger) not in seen:
                seen.add(("pdt", t.trigger))
                basis = act_basis(plan, t.trigger, t.legal_basis, plan.state, listing_day)
                options.append(ActionOption(plan.id, PDT_MACHINE.name, None, t.trigger, localize(t.label, wording),
                                            role, basis))
        for proc in plan.procedures:
            if proc.machine == "ctp_review" or not is_subprocedure_open(proc.machine, plan.state):
                continue  # closed through T5 itself (state_machines.approval.route.LINKED_SUBTRIGGERS)
            if proc.machine == "car_review" and role is Role.CAR and proc.subject not in car_codes:
                continue
            machine = machine_named(proc.machine)
            snap = sub_snapshot(proc, plan, today, deadlines, has_evidence=True)
            for t, verdict in machine.available(snap, role):
                key = (proc.machine, proc.subject, t.trigger)
                if verdict.ok and key not in seen:
                    seen.add(key)
                    basis = t.legal_basis
                    if proc.machine in PHASE2_MACHINES and t.trigger in SESSION_TRIGGERS:
                        # The corporation's own statute on the day (L136 art. 23; L2200 art. 23; DL1421 art. 10)
                        basis = phase2_session_basis(t.trigger, plan.entity.calendar_kind, special_regime_of(plan),
                                                     today, for_objections=proc.state in OBJECTED_STATES)
                    options.append(ActionOption(plan.id, proc.machine, proc.subject, t.trigger,
                                                localize(t.label, wording), role, basis,
                                                _subject_label(proc.machine, proc.subject, proc.data or {})))
    return options


def _deadline_for(action: ActionOption, plan: Plan, deadlines: dict) -> legal_calendar.Deadline | None:
    if action.machine == "car_review":
        # Only the concept itself has the 15 business days (D1865 art. 3 num. 3); sending it on to the CTP and to
        # the corporation has no term of its own (legal-path §b.3), and was shown overdue for months.
        return deadlines.get(f"car_concept:{action.subject}") if action.trigger == "receive_concept" else None
    for duty in DUTIES:
        if plan.state in duty.pending_states and action.role in duty.roles and duty.deadline_key in deadlines:
            if duty.deadline_key in _DUTY_TRIGGERS.get(action.trigger, ()):
                return deadlines[duty.deadline_key]
    return None


# Which deadline an act answers (an act may settle more than one: the CTP presentation closes both 2-month duties).
_DUTY_TRIGGERS = {
    "consolidate": ("consolidation",),
    "submit_to_consejo_de_gobierno": ("consolidation",),
    "start_drafting": ("consolidation",),
    "submit_to_ctp": ("ctp_presentation",),
    "record_ctp_concept": ("ctp_concept",),
    "consider_concepts": ("filing",),
    "file_with_corporacion": ("filing",),
    "assign_to_committee": ("corporation_decision",),
    "approve_plan": ("corporation_decision",),
    "vote_down": ("corporation_decision",),
    "record_committee_debate": ("corporation_decision",),
    "continue_committee_debate": ("corporation_decision",),
    "record_plenary_debate": ("corporation_decision",),
    "continue_plenary_debate": ("corporation_decision",),
    "modify_by_executive": ("executive_modifications",),
    "convoke_sessions": ("sessions_convocation", "objections_convocation"),
    "publish_objected_project": ("objected_publication",),
}


def pending_for(session: Session, user: User, today: date, plans: list[Plan] | None = None) -> list[PendingItem]:
    """My pending acts across my scope, overdue first, then by act_by; plans with nothing to do are left out.
    ``plans``: the user's plans when the caller already loaded them (with entity, period and procedures)."""
    if plans is None:
        plans = session.scalars(visible_plans_query(user).options(
            selectinload(Plan.entity), selectinload(Plan.period), selectinload(Plan.procedures))).all()
    items: list[PendingItem] = []
    for plan in plans:
        if duties_ended(plan.period.end_on, today):  # nothing is owed after the period (pdt.duties_ended)
            continue
        if PDT_MACHINE.is_final(plan.state):
            items += phase2_pending(user, plan, today)
            continue
        deadlines = legal_calendar.deadline_map(deadlines_for(plan))
        cal = legal_calendar.default_calendar(plan.entity.weekdays)
        covered = set()
        for action in actions_for(user, plan, today, deadlines):
            deadline = _deadline_for(action, plan, deadlines)
            days = cal.business_days_between(today, deadline.act_by) if deadline else None
            items.append(PendingItem(plan, action, deadline, days, note=_committee_note(plan, action, deadline),
                                     today=today))
            if deadline is not None and not action.is_irreversible:  # an irreversible act is offered, never owed
                covered.add(deadline.map_key)
        items += _terms_running_meanwhile(user, plan, today, deadlines, covered, cal)
    return sorted(items, key=lambda i: (not i.is_overdue, i.deadline.act_by if i.deadline else date.max,
                                        i.plan.entity.name))


def _committee_note(plan: Plan, action: ActionOption, deadline) -> str:
    """The committee's debate answers the corporation's month, but the plenary needs its own day after it (L136
    art. 73: three full days between the debates; L2200 art. 97: another day): the last day the committee can
    approve so that the plenary still decides in the month (QA, 7 December 2026: «a más tardar 10 de abril» for
    a first debate that could not be held that day)."""
    if action.trigger not in ("record_committee_debate", "continue_committee_debate") or deadline is None \
            or deadline.key != "corporation_decision":
        return ""
    rule = debate_rule_for(plan.entity.calendar_kind, special_regime_of(plan), deadline.act_by)
    last = latest_committee_approval_for(deadline.act_by, rule)
    return (f"Para que la plenaria alcance a decidir a más tardar el {legal_calendar.format_date_es(deadline.act_by)}"
            f", la comisión debe aprobar el proyecto a más tardar el {legal_calendar.format_date_es(last)} "
            f"({rule.legal_basis}).")


def _terms_running_meanwhile(user: User, plan: Plan, today: date, deadlines: dict, covered: set,
                             cal) -> list[PendingItem]:
    """The person's duties whose term runs although none of their acts can be done today: the Concejo's month
    to decide (L152 art. 40) runs between the committee's debate and the plenary's, whose day L136 art. 73 puts
    later (QA, 7 December 2026: the term vanished from «Mis pendientes» in those days while the plan page showed
    it). Duties that an act settles without being owed (``settled_by``: a convocation) are not listed."""
    roles = user.roles_for(plan.entity)
    out = []
    for duty in DUTIES:
        if duty.deadline_key == "car_concept" or duty.settled_by or plan.state not in duty.pending_states \
                or not roles & duty.roles or duty.deadline_key not in _OWED_TERMS:
            continue
        deadline = deadlines.get(duty.deadline_key)
        if deadline is None or deadline.map_key in covered:
            continue
        out.append(PendingItem(plan, None, deadline, cal.business_days_between(today, deadline.act_by),
                               waiting=localize(duty.label, plan.entity.wording), waiting_basis=duty.legal_basis,
                               today=today))
    return out


#: The terms that bind whoever holds the duty to act by then (not a last day to do something optional, such as
#: Decreto 683's modifications).
_OWED_TERMS = frozenset(key for keys in _DUTY_TRIGGERS.values() for key in keys) - {"executive_modifications"}


def phase2_pending(user: User, plan: Plan, today: date) -> list[PendingItem]:
    """Phase II acts of a plan in force (issue 21), each with the term of its procedure when it has one."""
    if plan.state != "in_force":
        return []
    deadlines = phase2_context(db.session, plan).deadlines
    states = {(p.machine, p.subject): p.state for p in plan.procedures}
    cal = legal_calendar.default_calendar(plan.entity.weekdays)
    items = []
    for action in actions_for(user, plan, today):
        if action.machine not in PHASE2_MACHINES:
            continue
        state = states.get((action.machine, action.subject))
        # An extension or a convocation is never owed by its procedure's term: offered, not pending with a date.
        deadline = None if action.trigger in SESSION_TRIGGERS else next(
            (deadlines.get(pd.deadline_key_for(action.subject or "")) for pd in PHASE2_DUTIES
             if pd.machine == action.machine and state in pd.duty.pending_states
             and pd.deadline_key_for(action.subject or "") in deadlines), None)
        days = cal.business_days_between(today, deadline.act_by) if deadline else None
        items.append(PendingItem(plan, action, deadline, days, today=today))
    return items


def split_pending(items: list[PendingItem]) -> tuple[list[PendingItem], list[PendingItem]]:
    """"Pendientes con plazo" (legal duties, overdue first, then by date) and "Otras acciones posibles" (acts
    without a legal term: optional, or irreversible ones that are never a pending item)."""
    duties = [i for i in items if i.deadline is not None and not (i.action and i.action.is_irreversible)]
    others = [i for i in items if i.deadline is None or (i.action and i.action.is_irreversible)]
    return duties, others


@dataclass(frozen=True)
class DutyLine:
    """One pending legal term of a plan, said with whose duty it is ("A cargo de: la alcaldesa")."""

    deadline: legal_calendar.Deadline
    label: str
    is_late: bool
    holder: str
    is_mine: bool
    note: str = ""  # what the route does (or not) once the term ran out, where the calendar's text says more


def duties_by_holder(user: User, plan: Plan, pending: list[tuple[legal_calendar.Deadline, str, bool]],
                     roles: set[Role] | None = None) -> tuple[list[DutyLine], list[DutyLine]]:
    """The plan's pending terms split into what this person owes (shown as overdue when late) and what others
    owe (shown calmly: not theirs to answer for). A term is this person's only when one of their roles may
    record the act that settles it (``state_machines.approval.route.recording_roles``): the planning office prepares
    the filing but does not see "Radicar…" as its own. ``roles``: as in ``actions_for``."""
    if roles is None:
        roles = user.roles_for(plan.entity)
    car_codes = {m.authority_code for m in user.memberships if m.role == Role.CAR.value}
    wording = plan.entity.wording
    mine, others = [], []
    for d, label, late in pending:
        by = recording_roles(d.key)
        is_mine = bool(by & roles) and (d.key != "car_concept" or d.authority in car_codes)
        note = (decree_waits_for_assignment(plan.state) or "") if late and d.key == "corporation_decision" else ""
        line = DutyLine(d, localize(label, wording), late, holder({r.value for r in by}, wording, d.authority),
                        is_mine, localize(note, wording))
        (mine if is_mine else others).append(line)
    return mine, others


def upcoming_deadlines(plan: Plan, today: date, deadlines: list | None = None
                       ) -> list[tuple[legal_calendar.Deadline, str, bool]]:
    """The plan's deadlines still pending in its current state: (deadline, what must be done, is late)."""
    out = []
    car_states = {p.subject: p.state for p in plan.procedures if p.machine == "car_review"}
    for d in deadlines if deadlines is not None else deadlines_for(plan):
        duty = duty_for(d.key)
        pending = (car_states.get(d.authority) in duty.pending_states if d.key == "car_concept"
                   else plan.state in duty.pending_states)
        if pending:
            out.append((d, duty.label, today >= d.overdue_from))
    return out
