"""The sweep: reminders before each ``act_by``, escalation of late steps, automatic legal effects, retries.

It runs every few minutes (notifications/cron_config.py, or the embedded scheduler) with "today" in
America/Bogota, and is safe to run again the same day or twice at once:

- every message has a dedupe key (unique in ``notifications``), so a repeated or overlapping sweep never tells
  the same thing twice; only the most recent due milestone of a deadline is sent, so a sweep that missed a day
  sends one reminder, not a burst of stale ones;
- automatic effects go through ``apply_act`` as ``Role.SISTEMA`` with the expected version, under a
  per-plan advisory lock on PostgreSQL; their notice is written in the same transaction as the act, so the plan
  changes and its people are told, or neither happens;
- deliveries left pending (Redis down, a worker killed mid-send, a retry whose time came) are enqueued again.

The work is computed from one bulk load of the open plans; people are loaded once, only for plans with
something due, and existing dedupe keys are checked in one query per batch.
"""
from __future__ import annotations

import logging
import os
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import ARRAY, String, and_, any_, bindparam, or_, select, text
from sqlalchemy.orm import Session

from state_machines import calendar as legal_calendar
from state_machines.approval import pdt as pdt_rules
from state_machines.approval.pdt import PDT_MACHINE, STATE_LABELS
from state_machines.approval.route import AUTOMATIC_ACTS, Duty, duty_for, presumed_posesion
from state_machines.core.roles import Role
from state_machines.core.wording import business_days, holder, localize, quoted
from state_machines.corporation.sanction import PRESIDENT_TERMS, president_sanctions_after, sanction_law
from state_machines.phase2 import phase2_pending
from workflow_app.infra.clock import start_of_day_utc
from workflow_app.infra.extensions import db
from workflow_app.infra.jobs import submit_all
from workflow_app.models import Delivery, Department, Entity, Membership, Notification, Period, Plan, Procedure, User
from workflow_app.services.cycle.cycle import requeue_stalled_openings
from workflow_app.services.monitoring import board_summary
from workflow_app.services.outbox import DELIVER_JOB, Message, notify, notify_many
from workflow_app.services.people.onboarding import requeue_stalled_batches
from workflow_app.services.phase2.procedures import phase2_deadlines_for
from workflow_app.services.route import held_evidence
from workflow_app.services.route.plans import (
    ActCommand,
    ActError,
    apply_act,
    approved_on,
    deadlines_for,
    special_regime_of,
)

log = logging.getLogger(__name__)

#: A pending row younger than this still has its own job in the queue; older ones are enqueued again.
REQUEUE_GRACE = timedelta(seconds=60)
#: pg_try_advisory_xact_lock(ADVISORY_CLASS, plan_id): one sweep at a time applies a plan's effects.
ADVISORY_CLASS = 5_152_040
NOTIFY_BATCH = 2000

ESCALATION_ROLES = frozenset({Role.EJECUTIVO, Role.ASESOR})
ADVISER_ROLES = frozenset({Role.ASESOR})


@dataclass
class SweepReport:
    plans: int = 0  # open plans looked at
    plans_due: int = 0  # plans with a milestone or an effect due today
    reminders: int = 0  # notifications created (5 and 1 business days before, due day, overdue)
    escalations: int = 0
    effects: int = 0  # automatic legal effects applied
    effect_notices: int = 0
    president_notices: int = 0  # the corporation told its president may sanction (``president_message``)
    skipped: int = 0  # effects refused or in conflict (logged, retried by the next sweep)
    requeued: int = 0  # deliveries enqueued again
    jobs_requeued: int = 0  # period openings and people files whose job was gone, enqueued again
    summaries: int = 0  # board summary rows rebuilt (missing, or older than their plan)
    held_files: int = 0  # act forms' held PDFs removed after their time (services.route.held_evidence)
    errors: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        lines = [
            f"Planes revisados: {self.plans} (con algo que hacer hoy: {self.plans_due})",
            f"Recordatorios enviados: {self.reminders}",
            f"Escalamientos: {self.escalations}",
            f"Efectos legales automáticos aplicados: {self.effects} (avisos: {self.effect_notices})",
            f"Avisos de que el presidente de la corporación puede sancionar: {self.president_notices}",
            f"Efectos omitidos por conflicto o rechazo: {self.skipped}",
            f"Entregas reencoladas: {self.requeued}",
            f"Aperturas de período y cargas de funcionarios reencoladas: {self.jobs_requeued}",
            f"Resúmenes del tablero reconstruidos: {self.summaries}",
            f"PDF retenidos de formularios, vencidos y borrados: {self.held_files}",
        ]
        lines += [f"Error: {e}" for e in self.errors]
        return "\n".join(lines)


SUMMARY_BATCH = 2000  # board summary rows a sweep rebuilds at most


@dataclass(frozen=True)
class Due:
    """One message a sweep owes today for one deadline of one plan."""

    plan_id: int
    entity_id: int
    kind: str  # reminder, due_today, overdue
    offset: str  # "5", "1", "0", "overdue"
    deadline: legal_calendar.Deadline
    duty: Duty
    milestone_on: date
    #: The sweep's day: later than ``milestone_on`` after a gap (a worker outage, a simulated date that jumped), when
    #: the message says the situation of this day, not of the milestone's (``reminder_message``).
    today: date | None = None


@dataclass(frozen=True)
class Effect:
    plan_id: int
    version: int
    trigger: str
    deadline: legal_calendar.Deadline
    machine: str = "pdt_approval"
    subject: str | None = None
    notice_roles: frozenset[Role] = frozenset()
    notes: str = "Efecto legal automático aplicado por el sistema al vencer el plazo."


#: A published plan enters into force on the day ``calendar.in_force_on`` gives (CPACA art. 65; L4-1913 art. 61;
#: L2200 art. 103); the sweep records it that day and tells the entity's people.
IN_FORCE_NOTICE_ROLES = frozenset({Role.EJECUTIVO, Role.PLANEACION, Role.CORPORACION, Role.CTP})


#: The posesión the law places on the period's first day (or on the entity's own date): the executive and the
#: planning office are told that the terms of L152 art. 39 run from it (AL02 art. 1; L152 art. 39).
OFFICE_NOTICE_ROLES = frozenset({Role.EJECUTIVO, Role.PLANEACION})
OFFICE_NOTES = ("Posesión registrada por el sistema en la fecha de inicio del período (o la fecha de posesión de la "
                "entidad): los plazos del artículo 39 de la Ley 152 de 1994 corren desde ella aunque nadie la haya "
                "registrado.")


def office_effect(plan: "PlanRow", today: date) -> Effect | None:
    """The posesión owed today by a plan still "elected" on or after its posesión day, or None (AL02 art. 1;
    L152 art. 39: the terms run from the posesión whether or not anyone records it)."""
    if plan.state != "elected":
        return None
    day = plan.posesion_day
    if today < day:
        return None
    deadline = legal_calendar.Deadline(
        "posesion", day, day, day, day, "posesion", "AL02 art. 1; L152 art. 39",
        f"El período constitucional empezó el {_when(plan.period.start_on)} y la posesión quedó el {_when(day)}.")
    return Effect(plan.id, plan.version, "presume_office", deadline, notice_roles=OFFICE_NOTICE_ROLES,
                  notes=OFFICE_NOTES)


def in_force_effect(plan: "PlanRow", today: date) -> Effect | None:
    """The entry into force owed today by a published plan, or None (not published, or not yet its day)."""
    if plan.state != "published":
        return None
    day = legal_calendar.in_force_of_dates(plan.event_dates or {})
    if day is None or today < day:
        return None
    published = date.fromisoformat(plan.event_dates["published"])
    basis = legal_calendar.in_force_basis(plan.entity.calendar_kind, published, special_regime_of(plan))
    declared = plan.event_dates.get("in_force_declared")
    deadline = legal_calendar.Deadline(
        "in_force", day, day, day, day, "plan_in_force", basis,
        legal_calendar.in_force_explanation(published, plan.event_dates.get("vigencia") or "on_publication",
                                            date.fromisoformat(declared) if declared else None, basis=basis))
    return Effect(plan.id, plan.version, "enter_into_force", deadline, notice_roles=IN_FORCE_NOTICE_ROLES)


# --- Plain rows: a sweep reads thousands of plans, so it skips the ORM's identity map for the read -----------


@dataclass
class EntityRow:
    id: int
    kind: str
    name: str
    nonworking_weekdays: str
    department: "DepartmentRow"
    fiscal_category: str | None = None  # the session calendar of the corporation (L136 art. 23)
    executive_title: str | None = None  # how messages name the executive ("la alcaldesa")
    dane_code: str | None = None  # Bogotá (11001) follows Decreto-Ley 1421 de 1993 (issue 20)
    # The model's own rules, so the sweep and the pages never disagree.
    calendar_kind = Entity.calendar_kind
    special_regime = Entity.special_regime
    weekdays = Entity.weekdays
    display_name = Entity.display_name
    wording = Entity.wording


@dataclass(frozen=True)
class DepartmentRow:
    name: str


@dataclass(frozen=True)
class PeriodRow:
    start_on: date


@dataclass(frozen=True)
class ProcedureRow:
    machine: str
    subject: str
    state: str
    data: dict


@dataclass
class PlanRow:
    """What ``period_facts`` and the sweep read of a plan (the same attribute names as the model)."""

    id: int
    entity_id: int
    state: str
    version: int
    regime: str
    d683_articles: list
    posesion_on: date | None
    event_dates: dict
    entity: EntityRow
    period: PeriodRow
    procedures: list[ProcedureRow] = field(default_factory=list)
    #: The last act of the route's date: an automatic act of the route cannot be dated before it.
    last_route_act_on: date | None = None

    @property
    def posesion_day(self) -> date:
        """As ``Plan.posesion_day`` (``route.presumed_posesion``)."""
        return presumed_posesion(self.posesion_on, self.period.start_on)


@dataclass(frozen=True)
class Recipient:
    id: int
    email: str
    wants_immediate_email: bool


# --- Pure part: what is due today ---------------------------------------------------------------------------


def milestones(deadline: legal_calendar.Deadline, cal: legal_calendar.BusinessCalendar) -> list[tuple[str, str, date]]:
    """(offset, kind, date) in time order: N business days before ``act_by``, the day itself, ``overdue_from``."""
    out = [(str(n), "reminder", cal.add_business_days(deadline.act_by, -n))
           for n in sorted(legal_calendar.REMINDER_BUSINESS_DAYS_BEFORE, reverse=True)]
    out.append(("0", "due_today", deadline.act_by))
    out.append(("overdue", "overdue", deadline.overdue_from))
    return out


def current_milestone(deadline, cal, today: date) -> tuple[str, str, date] | None:
    """The most recent milestone on or before ``today``: a late sweep sends that one only, once."""
    latest = None
    for item in milestones(deadline, cal):
        if item[2] <= today:
            latest = item
    return latest


def is_pending(duty: Duty, deadline: legal_calendar.Deadline, plan: PlanRow) -> bool:
    if duty.deadline_key == "car_concept":
        return any(p.machine == "car_review" and p.subject == deadline.authority and p.state in duty.pending_states
                   for p in plan.procedures)
    return plan.state in duty.pending_states


def plan_work(plan: PlanRow, deadlines: list[legal_calendar.Deadline], today: date) -> tuple[list[Due], list[Effect]]:
    """What one plan owes today: messages and automatic effects (no database access)."""
    cal = legal_calendar.default_calendar(plan.entity.weekdays)
    dues: list[Due] = []
    effects: list[Effect] = []
    for automatic in (office_effect(plan, today), in_force_effect(plan, today)):
        if automatic is not None:
            effects.append(automatic)
    for deadline in deadlines:
        try:
            duty = duty_for(deadline.key)
        except KeyError:
            continue
        hard = AUTOMATIC_ACTS.get((plan.state, deadline.key))
        if hard and today >= deadline.overdue_from and PDT_MACHINE.row(plan.state, hard[0]) is not None:
            # (checked before the duty: an archived project owes the corporation nothing, yet its month runs out)
            effects.append(Effect(plan.id, plan.version, hard[0], deadline, notice_roles=hard[1]))
            continue  # the effect and its notice replace the overdue reminder
        if not is_pending(duty, deadline, plan):
            continue
        if deadline.key == "car_concept" and today >= deadline.overdue_from:
            effects.append(Effect(plan.id, plan.version, "mark_car_overdue", deadline,
                                  machine="car_review", subject=deadline.authority))
        milestone = current_milestone(deadline, cal, today)
        if milestone is not None:
            offset, kind, on = milestone
            dues.append(Due(plan.id, plan.entity_id, kind, offset, deadline, duty, on, today))
    return dues, effects


def phase2_work(plan: PlanRow, deadlines: dict[str, legal_calendar.Deadline], today: date) -> list[Due]:
    """What an in-force plan owes today in Phase II (phase-ii.md §2): reminders 5 and 1 business days before each
    pending term, the due day, and the day it is late (with escalation). The law writes no automatic act here:
    D111 art. 59 and art. 109 act through the guards of the executive's own acts (state_machines.phase2)."""
    cal = legal_calendar.default_calendar(plan.entity.weekdays)
    dues = []
    for deadline, pd, _proc in phase2_pending(plan.procedures, deadlines):
        milestone = current_milestone(deadline, cal, today)
        if milestone is not None:
            offset, kind, on = milestone
            dues.append(Due(plan.id, plan.entity_id, kind, offset, deadline, pd.duty, on, today))
    return dues


def reminder_key(due: Due) -> str:
    return f"reminder:{due.plan_id}:{due.deadline.map_key}:{due.deadline.act_by}:{due.offset}"


def escalation_key(due: Due) -> str:
    return f"escalation:{due.plan_id}:{due.deadline.map_key}:{due.deadline.act_by}"


# --- Who is told ---------------------------------------------------------------------------------------------


class People:
    """Active users per (entity, role) and CAR users per authority, loaded in one query for a whole sweep."""

    def __init__(self, session: Session, entity_ids: set[int]):
        self.by_entity: dict[tuple[int, str], list[Recipient]] = defaultdict(list)
        self.by_authority: dict[str, list[Recipient]] = defaultdict(list)
        if not entity_ids:
            return
        rows = session.execute(
            select(Membership.entity_id, Membership.authority_code, Membership.role,
                   User.id, User.email, User.wants_immediate_email)
            .join(User, User.id == Membership.user_id)
            .where(User.is_active_account.is_(True),
                   or_(Membership.entity_id.in_(sorted(entity_ids)), Membership.role == Role.CAR.value))
            .order_by(User.id)
        ).all()
        for entity_id, authority_code, role, user_id, email, immediate in rows:
            user = Recipient(user_id, email, bool(immediate))
            if entity_id is not None:
                self.by_entity[(entity_id, role)].append(user)
            if role == Role.CAR.value and authority_code:
                self.by_authority[authority_code].append(user)

    def with_roles(self, entity_id: int, roles, authority: str | None = None) -> list[Recipient]:
        users: dict[int, Recipient] = {}
        for role in roles:
            for user in self.by_entity.get((entity_id, role.value), ()):
                users[user.id] = user
        if Role.CAR in roles and authority:
            for user in self.by_authority.get(authority, ()):
                users[user.id] = user
        return sorted(users.values(), key=lambda u: u.id)


# --- Texts (es-CO) -------------------------------------------------------------------------------------------


def _when(d: date) -> str:
    return legal_calendar.format_date_es(d, weekday=True)


def _said(text: str, plan: PlanRow) -> str:
    """The message in the entity's own words ("el Concejo de Génova", "la alcaldesa")."""
    return localize(text, plan.entity.wording)


def reminder_message(due: Due, plan: PlanRow) -> Message:
    """The reminder, due-day or overdue notice of ``due``, said for the sweep's day: after a gap in the sweeps the
    milestone's own day has passed, so a reminder counts the business days left from today and a due day already
    gone is said in the past tense (QA, 2028 trial: a mail of 6 December read «Hoy, jueves 30 de noviembre de 2028,
    es el último día…»)."""
    d, entity = due.deadline, plan.entity.display_name
    who = f" ({d.authority})" if d.authority else ""
    today = due.today or due.milestone_on
    if due.kind == "reminder":
        count = int(due.offset)
        if today > due.milestone_on:
            count = legal_calendar.default_calendar(plan.entity.weekdays).business_days_between(today, d.act_by)
        left = f"{'falta' if count == 1 else 'faltan'} {business_days(count)}"
        subject = f"{entity}: {left} — {due.duty.label}{who}"
        body = (f"Recordatorio: {due.duty.label}{who}. Actúe a más tardar el {_when(d.act_by)}. "
                f"{d.explanation}")
    elif due.kind == "due_today" and today > d.act_by:
        subject = f"{entity}: el último día era el {legal_calendar.format_date_es(d.act_by)} — {due.duty.label}{who}"
        body = (f"El último día para {quoted(due.duty.label)}{who} fue el {_when(d.act_by)}. Hoy, {_when(today)}, el "
                f"paso sigue pendiente y desde el {_when(d.overdue_from)} se tendrá por atrasado: regístrelo en cuanto "
                f"se cumpla. {d.explanation}")
    elif due.kind == "due_today":
        subject = f"{entity}: hoy vence el plazo — {due.duty.label}{who}"
        body = (f"Hoy, {_when(d.act_by)}, es el último día para: {due.duty.label}{who}. "
                f"{d.explanation}")
    else:
        subject = f"{entity}: plazo vencido — {due.duty.label}{who}"
        body = (f"El plazo para {quoted(due.duty.label)}{who} venció: el último día fue el {_when(d.act_by)} y desde el "
                f"{_when(d.overdue_from)} el paso está atrasado. Regístrelo en cuanto se cumpla. {d.explanation}")
    subject, body = _said(subject, plan), _said(body, plan)
    return Message(kind=due.kind, dedupe_key=reminder_key(due), subject=subject, body=body.strip(),
                   link=f"/planes/{plan.id}", plan_id=plan.id, step_key=d.map_key, due_on=d.act_by,
                   legal_basis=d.legal_basis, is_urgent=due.kind != "reminder")


#: What the executive let run out, by term (``president_message``).
_PRESIDENT_AFTER = {"objection_term": "sancionar u objetar el proyecto",
                    "sanction_after_rejection": "sancionar el proyecto tras el rechazo de sus objeciones",
                    "sanction_after_tribunal": "sancionar el proyecto tras el fallo del Tribunal Administrativo"}


def president_basis(plan: PlanRow, key: str) -> str | None:
    """The norm that gives the corporation's president the sanction once the executive's term ``key`` ran out
    (``sanction.president_sanctions_after``, under the plan's own law of the last stretch), or None."""
    if key not in PRESIDENT_TERMS:
        return None
    law = sanction_law(plan.entity.calendar_kind, approved_on(plan), special_regime_of(plan))
    return president_sanctions_after(law, key)


def president_message(due: Due, plan: PlanRow, basis: str) -> Message:
    """The corporation is told, on the day after the executive's term ran out, that its president may now sanction
    and publish (L136 art. 79; L2200 art. 100 inc. 3; DL1421 art. 25): a power that opens, like the decree's."""
    d, entity = due.deadline, plan.entity.display_name
    subject = f"{entity}: el presidente del concejo o asamblea puede sancionar el acuerdo u ordenanza"
    body = (f"El término del alcalde o gobernador para {_PRESIDENT_AFTER[d.key]} venció el {_when(d.latest)} sin "
            f"{'sanción ni objeción registradas' if d.key == 'objection_term' else 'sanción registrada'}. Desde el "
            f"{_when(d.overdue_from)} el presidente del concejo o asamblea puede sancionarlo y publicarlo ({basis}): "
            f"regístrelo en la Ruta PDT con el acto de sanción. Si el alcalde o gobernador sanciona primero, este aviso "
            f"queda atendido.")
    return Message(kind="effect", dedupe_key=f"president:{plan.id}:{d.map_key}:{d.overdue_from}",
                   subject=_said(subject, plan), body=_said(body, plan), link=f"/planes/{plan.id}", plan_id=plan.id,
                   step_key=d.map_key, due_on=d.overdue_from, legal_basis=basis, is_urgent=True)


def escalation_message(due: Due, plan: PlanRow) -> Message:
    d, entity = due.deadline, plan.entity.display_name
    responsible = holder((r.value for r in due.duty.roles), plan.entity.wording, d.authority)
    who = f" ({d.authority})" if d.authority else ""
    body = (f"Paso atrasado en el plan de {entity}: {quoted(due.duty.label)}{who}. Debía cumplirse a más tardar el "
            f"{_when(d.act_by)}; el plan está en el estado {quoted(STATE_LABELS.get(plan.state, plan.state))}. "
            f"A cargo de: {responsible}.")
    body = _said(body, plan)
    return Message(kind="escalation", dedupe_key=escalation_key(due),
                   subject=_said(f"{entity}: paso atrasado — {due.duty.label}{who}", plan), body=body,
                   link=f"/planes/{plan.id}", plan_id=plan.id, step_key=d.map_key, due_on=d.act_by,
                   legal_basis=d.legal_basis, is_urgent=True)


def effect_message(effect: Effect, plan: PlanRow) -> Message:
    d, entity = effect.deadline, plan.entity.display_name
    if effect.trigger == "deem_ctp_requirement_fulfilled":
        subject = f"{entity}: requisito del concepto del CTP surtido"
        body = (f"El Consejo Territorial de Planeación no entregó su concepto dentro del mes siguiente a la "
                f"presentación del proyecto. Desde el {_when(d.overdue_from)} el requisito se entiende surtido "
                f"(requisito surtido, {d.legal_basis}) y la etapa del CTP quedó cerrada: el proyecto sigue hacia "
                f"la consideración de los conceptos y la radicación.")
    elif effect.trigger == "presume_office":
        subject = f"{entity}: los plazos del plan corren desde la posesión"
        body = (f"El período constitucional empezó y la posesión del alcalde o gobernador quedó registrada por el "
                f"sistema el {_when(d.overdue_from)} ({d.legal_basis}). Desde ese día corren los dos meses para "
                f"consolidar el proyecto y presentarlo al Consejo Territorial de Planeación (L152 art. 39 num. 3 y "
                f"5), aunque nadie haya registrado el acta de posesión.")
    elif effect.trigger == "enter_into_force":
        subject = f"{entity}: el plan de desarrollo está vigente"
        body = (f"El plan de desarrollo de {entity} rige desde el {_when(d.overdue_from)}. {d.explanation} "
                "La página pública y el tablero lo muestran como «Vigente».")
    else:
        subject = f"{entity}: habilitada la adopción del plan por decreto"
        body = (f"El concejo o asamblea no decidió sobre el plan dentro del mes siguiente a su radicación. Desde "
                f"el {_when(d.overdue_from)} el alcalde o gobernador puede adoptarlo por decreto ({d.legal_basis}).")
    subject, body = _said(subject, plan), _said(body, plan)
    return Message(kind="effect", dedupe_key=f"effect:{plan.id}:{effect.trigger}:{d.overdue_from}",
                   subject=subject, body=body, link=f"/planes/{plan.id}", plan_id=plan.id, step_key=d.map_key,
                   due_on=d.overdue_from, legal_basis=d.legal_basis, is_urgent=True)


# --- The sweep -----------------------------------------------------------------------------------------------


def open_plans(session: Session, today: date | None = None) -> list[PlanRow]:
    """Every plan not in a final state, with its entity, period and procedures: four queries in all. With ``today``,
    only the plans whose period has not ended (``pdt.duties_ended``: nothing is owed after it)."""
    return _plan_rows(session, Plan.state.not_in(sorted(PDT_MACHINE.final_states)), today)


def in_force_plans(session: Session, today: date | None = None) -> list[PlanRow]:
    """Every plan in force (Phase II runs on them), read as ``open_plans`` does."""
    return _plan_rows(session, Plan.state == "in_force", today)


def _plan_rows(session: Session, is_open, today: date | None = None) -> list[PlanRow]:
    if today is not None and pdt_rules.PLAN_ENDS_WITH_PERIOD:  # duties_ended, said in SQL
        is_open = is_open & Plan.period_id.in_(select(Period.id).where(Period.end_on >= today))
    departments = dict(session.execute(select(Department.code, Department.name)).all())
    entities = {row.id: EntityRow(row.id, row.kind, row.name, row.nonworking_weekdays,
                                  DepartmentRow(departments.get(row.department_code, "")), row.fiscal_category,
                                  row.executive_title, row.dane_code)
                for row in session.execute(select(Entity.id, Entity.kind, Entity.name, Entity.nonworking_weekdays,
                                                  Entity.department_code, Entity.fiscal_category,
                                                  Entity.executive_title, Entity.dane_code))}
    periods = {pid: PeriodRow(start) for pid, start in session.execute(select(Period.id, Period.start_on))}
    plans = {row.id: PlanRow(row.id, row.entity_id, row.state, row.version, row.regime, row.d683_articles or [],
                             row.posesion_on, row.event_dates or {}, entities[row.entity_id], periods[row.period_id],
                             last_route_act_on=row.last_route_act_on)
             for row in session.execute(
                 select(Plan.id, Plan.entity_id, Plan.period_id, Plan.state, Plan.version, Plan.regime,
                        Plan.d683_articles, Plan.posesion_on, Plan.event_dates, Plan.last_route_act_on)
                 .where(is_open).order_by(Plan.id))}
    for row in session.execute(
            select(Procedure.plan_id, Procedure.machine, Procedure.subject, Procedure.state, Procedure.data)
            .join(Plan, Plan.id == Procedure.plan_id).where(is_open).order_by(Procedure.id)):
        plans[row.plan_id].procedures.append(ProcedureRow(row.machine, row.subject, row.state, row.data or {}))
    session.commit()  # end the read transaction: the writes come in their own
    return list(plans.values())


def run_sweep(today: date, session: Session | None = None) -> SweepReport:
    """One pass over every open plan for ``today`` (a Bogotá date). Needs an app context."""
    session = session or db.session()
    started_at = datetime.now(timezone.utc)
    report = SweepReport()
    plans = open_plans(session, today)
    report.plans = len(plans)
    by_id = {p.id: p for p in plans}
    all_dues: list[Due] = []
    all_effects: list[Effect] = []
    for plan in plans:
        try:
            dues, effects = plan_work(plan, deadlines_for(plan), today)  # memoised by facts
        except legal_calendar.FactsError as exc:  # bad stored facts: report, never stop the sweep
            report.errors.append(f"plan {plan.id}: {exc.message}")
            continue
        if dues or effects:
            report.plans_due += 1
            all_dues += dues
            all_effects += effects
    for plan in in_force_plans(session, today):  # Phase II: reminders and escalation only (no automatic act)
        try:
            # And the route's duties that outlive the entry into force (route.DUTIES pending in "in_force": the copy
            # to the governor, L136 art. 82, whose five days often end after a publication that put the plan in
            # force; the PISCC, D683 art. 4): their reminders, as an open plan's. No automatic effect applies here.
            dues = plan_work(plan, deadlines_for(plan), today)[0]
            dues += phase2_work(plan, legal_calendar.deadline_map(phase2_deadlines_for(session, plan)), today)
        except (legal_calendar.FactsError, ValueError) as exc:
            report.errors.append(f"plan {plan.id} (fase II): {exc}")
            continue
        report.plans += 1
        if dues:
            by_id[plan.id] = plan
            report.plans_due += 1
            all_dues += dues
    session.commit()  # end the read transaction of the statutes
    people = People(session, {by_id[x.plan_id].entity_id for x in (*all_dues, *all_effects)})
    _send_reminders(session, all_dues, by_id, people, report)
    versions: dict[int, int] = {}  # a plan with two effects today: the second expects the first's version
    for effect in all_effects:
        plan = by_id[effect.plan_id]
        expected = versions.get(plan.id, effect.version)
        if _apply_effect(session, effect, plan, expected, people, today, report):
            versions[plan.id] = session.scalar(select(Plan.version).where(Plan.id == plan.id))
            session.commit()
    report.requeued = requeue_stalled(session, created_before=started_at)  # not the rows this sweep just queued
    # A long job whose worker died (its lock free, its row still «running»): RQ's own retry waited 11-21 minutes.
    report.jobs_requeued = requeue_stalled_openings(session) + requeue_stalled_batches(session)
    # The board's rows follow every act; this pass catches a plan changed without one, in bounded batches so a
    # sweep after an upgrade does not stall (the board rebuilds any row it still finds missing).
    report.summaries = board_summary.refresh_stale(session, limit=SUMMARY_BATCH)
    session.commit()
    report.held_files = held_evidence.remove_expired()
    return report


def _send_reminders(session: Session, dues: list[Due], by_id: dict[int, PlanRow], people: People,
                    report: SweepReport) -> None:
    planned: list[tuple[Message, list[Recipient]]] = []
    opened = _told_since(session, [d for d in dues if d.kind == "reminder"])
    for due in dues:
        plan = by_id[due.plan_id]
        users = people.with_roles(plan.entity_id, due.duty.roles, due.deadline.authority)
        message = reminder_message(due, plan)
        if due.kind == "reminder":
            # A term shorter than its first reminder's lead (5 business days: L136 arts. 76 and 82) opens on the
            # reminder's own day: whoever was just told the step and its date is not told again the same way.
            users = [u for u in users if (u.id, due.plan_id, message.step_key, message.due_on) not in opened]
        planned.append((message, users))
        if due.kind == "overdue":
            # Told above whose duty it is (the executive, whose step it often is, is told the term ran out once,
            # not a second time as its superior).
            holders = {u.id for u in users}
            above = [u for u in people.with_roles(plan.entity_id, ESCALATION_ROLES) if u.id not in holders]
            advisers = {u.id for u in people.with_roles(plan.entity_id, ADVISER_ROLES)}
            escalation = escalation_message(due, plan)
            planned.append((escalation, [u for u in above if u.id not in advisers]))
            # The DNP adviser follows many entities and acts on none of them: its copy is shown at once in its
            # notification centre and waits for the daily digest by e-mail (unless it asked for every notice at
            # once), instead of one e-mail per overdue step of every plan on a bad morning.
            planned.append((replace(escalation, is_urgent=False), [u for u in above if u.id in advisers]))
            basis = president_basis(plan, due.deadline.key)
            if basis:  # the executive's silence gives the corporation's president the sanction: its secretary is told
                planned.append((president_message(due, plan, basis),
                                people.with_roles(plan.entity_id, frozenset({Role.CORPORACION}))))
    for start in range(0, len(planned), NOTIFY_BATCH):
        batch = planned[start:start + NOTIFY_BATCH]
        keys = [f"{m.dedupe_key}:u{u.id}" for m, users in batch for u in users]
        told = _already_told(session, keys)
        fresh = [([u for u in users if f"{m.dedupe_key}:u{u.id}" not in told], m) for m, users in batch]
        for message, created in notify_many(session, [(users, m) for users, m in fresh if users]):
            if message.kind == "escalation":
                report.escalations += created
            elif message.kind == "effect":  # the corporation's president may sanction (``president_message``)
                report.president_notices += created
            else:
                report.reminders += created
        session.commit()


def _told_since(session: Session, reminders: list[Due]) -> set[tuple[int, int, str, date]]:
    """(person, plan, step, date) of the notices that already told a reminder's step and date on or after the
    reminder's day (the act that opened the step, in the same sweep's day). One query for the sweep's reminders."""
    if not reminders:
        return set()
    since = start_of_day_utc(min(d.milestone_on for d in reminders))
    wanted = {(d.plan_id, d.deadline.map_key, d.deadline.act_by): start_of_day_utc(d.milestone_on) for d in reminders}
    rows = session.execute(select(Notification.user_id, Notification.plan_id, Notification.step_key,
                                  Notification.due_on, Notification.created_at)
                           .where(Notification.plan_id.in_({d.plan_id for d in reminders}),
                                  Notification.created_at >= since, Notification.due_on.is_not(None)))
    return {(user_id, plan_id, step, due_on) for user_id, plan_id, step, due_on, created_at in rows
            if (plan_id, step, due_on) in wanted and created_at >= wanted[plan_id, step, due_on]}


def _already_told(session: Session, keys: list[str]) -> set[str]:
    """The keys among ``keys`` already in ``notifications``: one array parameter on PostgreSQL (a long IN list
    costs more to build than to run)."""
    if not keys:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        condition = Notification.dedupe_key == any_(bindparam("keys", keys, type_=ARRAY(String)))
    else:
        condition = Notification.dedupe_key.in_(keys)
    return set(session.scalars(select(Notification.dedupe_key).where(condition)))


def _apply_effect(session: Session, effect: Effect, plan: PlanRow, expected_version: int, people: People,
                  today: date, report: SweepReport) -> bool:
    """One automatic act in its own transaction, its notice written in the same one."""
    if not _lock_plan(session, plan.id):
        session.rollback()
        return False  # another sweep is applying this plan's effects right now
    notice = effect_message(effect, plan) if effect.notice_roles else None
    try:
        if notice is not None:
            created = notify(session, people.with_roles(plan.entity_id, effect.notice_roles), notice)
        session.expire_all()  # the act reads the plan as it is now; the expected version guards the rest
        apply_act(session, plan_id=plan.id,
                  command=ActCommand(trigger=effect.trigger, machine=effect.machine, subject=effect.subject,
                                     act_on=_effect_day(effect, plan), notes=effect.notes),
                  actor=None, role=Role.SISTEMA, expected_version=expected_version, today=today)
    except ActError as exc:
        session.rollback()
        report.skipped += 1
        log.warning("Barrido: plan %s, %s no aplicado: %s", plan.id, effect.trigger, exc.message)
        return False
    except Exception:  # one plan never stops the sweep
        session.rollback()
        report.skipped += 1
        log.exception("Barrido: plan %s, %s falló", plan.id, effect.trigger)
        return False
    report.effects += 1
    if notice is not None:
        report.effect_notices += len(created)
    return True


def _effect_day(effect: Effect, plan: PlanRow) -> date:
    """The law's day (the term's end), or the route's last act when the corporation acted after that day without
    deciding (it assigned the project to its committee, or archived it): an act of the route is never dated before
    the last one (``plans.act_date_problem``), and the sweep refused the decree for ever (QA, 7 December 2026)."""
    day = effect.deadline.overdue_from
    if effect.machine == PDT_MACHINE.name and plan.last_route_act_on is not None:
        return max(day, plan.last_route_act_on)
    return day


def _lock_plan(session: Session, plan_id: int) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:c, :p)"),
                               {"c": ADVISORY_CLASS, "p": plan_id}))


def requeue_grace() -> timedelta:
    """How long a new delivery may wait for its job before the sweep enqueues it again: ``PDT_REQUEUE_GRACE_SECONDS``
    from the app's config, then from the environment, as the delivery settings (``notifications.jobs._setting``; the
    README documents it as an environment variable, which was never read), else ``REQUEUE_GRACE``."""
    value = current_app.config.get("PDT_REQUEUE_GRACE_SECONDS")
    value = os.environ.get("PDT_REQUEUE_GRACE_SECONDS") if value in (None, "") else value
    return timedelta(seconds=float(value)) if value not in (None, "") else REQUEUE_GRACE


def requeue_stalled(session: Session, now: datetime | None = None, created_before: datetime | None = None) -> int:
    """Enqueue again the deliveries whose job was lost (Redis down), whose lease expired (worker killed) or
    whose retry time has come. Running the job twice is harmless: ``deliver`` claims the row first."""
    now = now or datetime.now(timezone.utc)
    grace = requeue_grace()
    ids = session.scalars(
        select(Delivery.id).where(or_(
            and_(Delivery.status == "pending",
                 or_(Delivery.next_attempt_at <= now,
                     and_(Delivery.next_attempt_at.is_(None),
                          Delivery.created_at <= min(now, created_before or now) - grace))),
            and_(Delivery.status == "sending", Delivery.lease_until < now),
        )).order_by(Delivery.id)
    ).all()
    session.commit()
    submit_all([(DELIVER_JOB, (delivery_id,)) for delivery_id in ids])
    return len(ids)


def sweep_job() -> str:
    """RQ cron entry point: today's date in America/Bogota from the app's clock (honours PDT_TODAY)."""
    report = run_sweep(current_app.extensions["clock"].today())
    db.session.remove()
    return report.as_text()
