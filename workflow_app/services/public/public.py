"""What anyone may see without signing in (Ley 1909 de 2018 art. 22; L1712 art. 9), and citizens' proposals.

Everything here is built from public facts only: states, legal dates, documents marked public, the PPI, the
amendments with their authors, the hearings and the proposals a moderator published. Officials appear by their
role, never by name or e-mail; a proposal's contact never leaves ``CitizenProposal.contact``.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session, joinedload, object_session

from state_machines import calendar as legal_calendar
from state_machines.approval.pdt import PDT_MACHINE, STATE_LABELS, hearing_proposals_verdict, period_ended
from state_machines.approval.route import DUTY_BY_KEY, duty_for, step_status
from state_machines.approval.route_steps import MAIN_PATH, plan_route
from state_machines.approval.submachines import SUBMACHINES
from state_machines.core.roles import Role
from workflow_app.infra.clock import bogota_day
from workflow_app.models import (
    CitizenProposal,
    Department,
    Document,
    Entity,
    Membership,
    Milestone,
    MilestoneCheck,
    Period,
    Plan,
    PlanEvent,
    PpiVersion,
    Procedure,
    User,
    recorded_now,
)
from workflow_app.reference_data import names
from workflow_app.services.monitoring import milestones
from workflow_app.services.outbox import Message, notify
from workflow_app.services.people.people import users_with_roles
from workflow_app.services.phase2.public_view import PublicPhase2, phase2_documents, public_phase2
from workflow_app.services.route.casefile import CaseFile, case_file
from workflow_app.services.route.documents import current_only
from workflow_app.services.route.plans import PLAN_GRAPH, deadlines_for
from workflow_app.services.route.ppi import PpiSummary, ppi_version, summarize

PROPOSAL_MIN_CHARS = 20
PROPOSAL_MAX_CHARS = 3000
CONTACT_MAX_CHARS = 254

# What each state means, said to a citizen.
STATE_EXPLANATIONS = {
    "elected": "El alcalde o gobernador fue elegido y aún no se ha posesionado.",
    "in_office": "El alcalde o gobernador ya se posesionó; desde ese día corren los plazos para formular el plan.",
    "drafting": "La administración está formulando el proyecto de plan de desarrollo.",
    "submitted_to_consejo_de_gobierno": "El proyecto de plan fue presentado al Consejo de Gobierno, y se envió copia "
                                        "a la autoridad ambiental.",
    "consolidated": "El Consejo de Gobierno consolidó el documento completo del plan.",
    "submitted_to_ctp": "El proyecto está en estudio del Consejo Territorial de Planeación, que tiene un mes para dar "
                        "su concepto; el concejo o asamblea recibió copia.",
    "ctp_stage_closed": "Terminó la etapa del Consejo Territorial de Planeación.",
    "adjusting": "La administración ajusta el plan con los conceptos recibidos y realiza las audiencias públicas del "
                 "plan de inversiones.",
    "filed_with_corporacion": "El proyecto fue radicado en el concejo o asamblea, que tiene un mes para decidir.",
    "in_debate": "El concejo o asamblea está debatiendo el proyecto de plan.",
    "project_archived": "El proyecto no fue aprobado en el período de sesiones y se archivó; la administración "
                        "puede presentarlo de nuevo o, vencido el mes del concejo o asamblea, adoptarlo por decreto.",
    "approved_by_corporacion": "El concejo o asamblea aprobó el plan.",
    "decree_eligible": "El concejo o asamblea no aprobó el plan dentro del mes; el alcalde o gobernador puede adoptarlo "
                       "por decreto.",
    "adopted_by_decree": "El plan fue adoptado por decreto del alcalde o gobernador.",
    "sanction_pending": "El plan aprobado espera la sanción del alcalde o gobernador.",
    "objected": "El alcalde o gobernador objetó el plan aprobado.",
    "sanctioned": "El plan fue sancionado y debe publicarse.",
    "published": "El plan fue publicado.",
    "in_force": "El plan está vigente.",
}

# Stages for the country and department roll-ups, in route order.
STAGES = (
    ("Sin posesión o recién posesionado", frozenset({"elected", "in_office"})),
    ("En formulación", frozenset({"drafting", "submitted_to_consejo_de_gobierno", "consolidated"})),
    ("En concepto del CTP y ajustes", frozenset({"submitted_to_ctp", "ctp_stage_closed", "adjusting"})),
    ("En el concejo o asamblea", frozenset({"filed_with_corporacion", "in_debate", "project_archived",
                                            "approved_by_corporacion",
                                            "decree_eligible", "sanction_pending", "objected"})),
    ("Adoptado", frozenset({"adopted_by_decree", "sanctioned", "published", "in_force"})),
)
ADOPTED_STATES = STAGES[-1][1]


class ProposalRefused(Exception):
    """A citizen's proposal that cannot be received (hearing not open); ``message`` is Spanish."""


@dataclass(frozen=True)
class PublicDeadline:
    label: str
    authority: str | None
    act_by: date
    legal_basis: str
    status: str  # state_machines.approval.route.step_status: pendiente, vencido, etapa superada, aún no corresponde, vencido sin registro


@dataclass(frozen=True)
class PublicAmendment:
    number: str
    text: str
    authors: tuple[str, ...]
    state_label: str
    proposed_on: str | None
    is_accepted_in_writing: bool
    executive_answer: str  # the executive's written position, in words


@dataclass(frozen=True)
class PublicHearing:
    id: int
    number: str
    scheduled_on: date | None
    place: str
    zone: str
    state: str
    state_label: str
    is_open_for_proposals: bool
    attendance: str = ""
    scheduled_time: str = ""  # «18:00», hora de Colombia, as the planning office typed it


@dataclass(frozen=True)
class PublicProposal:
    text: str
    submitted_on: date
    hearing_number: str | None


@dataclass(frozen=True)
class PublicPlan:
    entity: Entity
    plan: Plan | None
    state_label: str
    state_explanation: str
    step: int  # position of the state on the legal route (1-based)
    steps: int
    deadlines: tuple[PublicDeadline, ...]
    documents: tuple[Document, ...]
    ppi: PpiSummary | None
    amendments: tuple[PublicAmendment, ...]
    hearings: tuple[PublicHearing, ...]
    proposals: tuple[PublicProposal, ...]
    case: CaseFile | None = None
    periods: tuple[Period, ...] = ()  # every period in which the entity has a plan, oldest first (issue 18)
    phase2: PublicPhase2 | None = None  # once the plan is in force (issue 21)
    #: Documents the law makes public that the entity withheld, with its recorded reason (L1712 arts. 18-20: the
    #: classified or reserved information is itself listed, with why).
    withheld: tuple[Document, ...] = ()

    @property
    def open_hearings(self) -> tuple[PublicHearing, ...]:
        return tuple(h for h in self.hearings if h.is_open_for_proposals)


# ---------------------------------------------------------------------------------------------------------------
# Search and roll-ups


#: What people write before an entity's name, as the pages name it («Gobernación del Quindío», «Alcaldía de
#: Génova»): not part of DANE's name (QA, 7 December 2026: the site's own words found nothing).
_KIND_WORDS = re.compile(r"^(?:(?:la |el )?(?:gobernacion|alcaldia(?: mayor)?|municipio|departamento|distrito"
                         r"(?: capital)?)(?: de la| del| de)? )+")
#: Names people use for a place whose DIVIPOLA name is another.
_ALIASES = {"mompos": "mompox"}


def entity_search_key(text: str) -> str:
    """The searched name as compared: accents, case, punctuation and spaces aside («bogota dc» is «Bogotá, D.C.»),
    without the kind's words before it and with the common spellings DANE does not use."""
    key = names.search_key(text)
    key = _KIND_WORDS.sub("", key + " ").strip() or key
    return "".join(_ALIASES.get(word, word) for word in key.split())


def name_matches(model, text: str):
    """A name contains the searched words, ignoring case, accents, the ñ's tilde, punctuation and spaces: compared
    on the stored order key (``reference_data.names``), so the same SQL runs on PostgreSQL and SQLite. The key
    holds only ``a-z``, digits, spaces and ``{``, so a searched ``%`` or ``_`` never reaches LIKE as a wildcard."""
    return func.replace(func.replace(model.sort_key, "{", ""), " ", "").contains(entity_search_key(text))


def _named_kind(text: str) -> str | None:
    """The kind of entity the search names by its words: «gobernación/departamento» or «alcaldía/municipio»."""
    first = names.search_key(text).split(" ", 1)[0]
    if first in ("gobernacion", "departamento"):
        return "departamento"
    return "municipio" if first in ("alcaldia", "municipio") else None


def search_entities(session: Session, query: str, limit: int = 50) -> list[Entity]:
    """By name (accent- and case-insensitive) or by DANE code prefix; a department before its municipios, and only
    the kind the words name («Gobernación del Quindío» is the department, not its twelve municipios)."""
    text = (query or "").strip()
    if not text or (not text.isdigit() and not entity_search_key(text)):
        return []
    condition = (Entity.dane_code.startswith(text) if text.isdigit()
                 else or_(name_matches(Entity, text), name_matches(Department, text)))
    kind = None if text.isdigit() else _named_kind(text)
    if kind == "departamento":
        condition = and_(condition, Entity.kind == "departamento")
    elif kind == "municipio":
        condition = and_(condition, Entity.kind != "departamento")
    return session.scalars(select(Entity).join(Department, Department.code == Entity.department_code)
                           .where(condition).options(joinedload(Entity.department))
                           .order_by(Entity.kind != "departamento", Entity.sort_key).limit(limit)).all()


def current_period(session: Session, today: date, year: str = "") -> Period | None:
    """The period asked for by its first year (``year``), else the latest one that has plans (the next period is
    opened before its 1 January: the portal shows it from then, as the board does, ``board.board_period``), else
    the period running today."""
    if year.isdigit() and len(year) == 4:
        asked = session.scalar(select(Period).where(Period.start_on == date(int(year), 1, 1)))
        if asked is not None:
            return asked
    opened = session.scalar(select(Period).join(Plan, Plan.period_id == Period.id).order_by(Period.start_on.desc())
                            .limit(1))
    if opened is not None:
        return opened
    return session.scalar(select(Period).where(Period.start_on <= today, Period.end_on >= today))


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


@dataclass(frozen=True)
class DepartmentProgress:
    code: str
    name: str
    entities: int
    plans: int
    adopted: int
    by_stage: tuple[int, ...]
    progress: float | None  # mean DNP milestone progress % of its plans (services.monitoring.milestones)
    with_acts: int = 0  # plans with at least one act recorded by a person (the system's own acts do not count)

    @property
    def adopted_percent(self) -> int:
        return round(100 * self.adopted / self.entities) if self.entities else 0


@dataclass(frozen=True)
class CountryProgress:
    period: Period | None
    entities: int
    plans: int
    by_state: tuple[StateCount, ...]
    by_stage: tuple[tuple[str, int], ...]
    departments: tuple[DepartmentProgress, ...]
    progress: float | None  # mean DNP milestone progress % of all plans of the period
    with_acts: int = 0  # plans with at least one act recorded by a person (not the system's presumed posesión)


def country_progress(session: Session, today: date, year: str = "") -> CountryProgress:
    """Plans per state and per stage for the period asked for (else the current one), and each department's
    progress."""
    period = current_period(session, today, year)
    entities_by_dept = dict(session.execute(select(Entity.department_code, func.count()).group_by(
        Entity.department_code)).all())
    rows = []
    if period is not None:
        rows = session.execute(select(Plan.id, Plan.entity_id, Entity.department_code, Plan.state)
                               .join(Entity, Entity.id == Plan.entity_id).where(Plan.period_id == period.id)).all()
    by_state: Counter = Counter()
    by_dept: dict[str, Counter] = {}
    for _, _, dept, state in rows:
        by_state[state] += 1
        by_dept.setdefault(dept, Counter())[state] += 1
    percent = _milestone_progress(session, rows)
    acting: Counter = Counter()
    if period is not None:
        acting = Counter(dict(session.execute(
            select(Entity.department_code, func.count(func.distinct(Plan.id)))
            .select_from(Plan).join(Entity, Entity.id == Plan.entity_id)
            .join(PlanEvent, PlanEvent.plan_id == Plan.id)
            .where(Plan.period_id == period.id, PlanEvent.role != Role.SISTEMA.value)
            .group_by(Entity.department_code)).all()))
    dept_percent = {r.key: r.average for r in milestones.rollup(
        (dept, dept, percent[plan_id], False) for plan_id, _, dept, _ in rows)}
    departments = []
    for dept in session.scalars(select(Department).order_by(Department.sort_key)):
        counts = by_dept.get(dept.code, Counter())
        departments.append(DepartmentProgress(
            dept.code, dept.name, entities_by_dept.get(dept.code, 0), sum(counts.values()),
            sum(counts[s] for s in ADOPTED_STATES), tuple(sum(counts[s] for s in states) for _, states in STAGES),
            dept_percent.get(dept.code), acting.get(dept.code, 0)))
    return CountryProgress(
        period=period, entities=sum(entities_by_dept.values()), plans=sum(by_state.values()),
        by_state=tuple(StateCount(s, _period_state_label(s, period, today), by_state[s])
                       for s in MAIN_PATH if by_state[s]),
        by_stage=tuple((label, sum(by_state[s] for s in states)) for label, states in STAGES),
        departments=tuple(departments),
        progress=round(sum(percent.values()) / len(percent), 1) if percent else None,
        with_acts=sum(acting.values()),
    )


def _period_state_label(state: str, period: Period, today: date) -> str:
    """A state as the country's table says it for ``period``: once the period is over, ``pdt.period_ended``'s
    label (the state a plan was left in named after it)."""
    ended = period_ended(state, period.label, period.end_on, today)
    if ended is None:
        return STATE_LABELS[state]
    return ended.label if state == "in_force" else f"{ended.label}: «{STATE_LABELS[state]}»"


def _milestone_progress(session: Session, rows) -> dict[int, float]:
    """Plan id -> DNP milestone progress %, computed in bulk (a few queries for every plan of the country)."""
    if not rows:
        return {}
    catalogue = milestones.all_milestones(session)
    facts = milestones.load_facts(session, [r[0] for r in rows], {r[1] for r in rows})
    return {plan_id: milestones.progress(catalogue, plan_id, entity_id, facts) for plan_id, entity_id, _, _ in rows}


def department_entities(session: Session, code: str, today: date, year: str = ""
                        ) -> tuple[Department, list[tuple[Entity, Plan | None]], Period | None]:
    """The department's entities with their plan of the period asked for by its first year (``year``), else of the
    period in course (``current_period``), and that period."""
    department = session.get(Department, code)
    if department is None:
        return None, [], None
    period = current_period(session, today, year)
    entities = session.scalars(select(Entity).filter_by(department_code=code)
                               .order_by(Entity.kind != "departamento", Entity.sort_key)).all()  # the gobernación first
    plans = {}
    if period is not None:
        plans = {p.entity_id: p for p in session.scalars(select(Plan).where(
            Plan.period_id == period.id, Plan.entity_id.in_([e.id for e in entities])))}
    return department, [(e, plans.get(e.id)) for e in entities], period


# ---------------------------------------------------------------------------------------------------------------
# One entity's page


def entity_by_code(session: Session, dane_code: str) -> Entity | None:
    return session.scalar(select(Entity).filter_by(dane_code=dane_code).options(joinedload(Entity.department)))


def _in_course_first(today: date | None):
    """Order of an entity's plans: the period in course on ``today`` first, then the latest."""
    if today is None:
        return (Period.start_on.desc(),)
    return (case(((Period.start_on <= today) & (Period.end_on >= today), 0), else_=1), Period.start_on.desc())


def public_plan_of(session: Session, entity: Entity, today: date | None = None, year: str = "") -> Plan | None:
    """The entity's plan of the period asked for by its first year (``year``), else of the period in course on
    ``today`` (in training, the simulated day), else of the latest period."""
    query = select(Plan).join(Period, Period.id == Plan.period_id).where(Plan.entity_id == entity.id)
    if year.isdigit() and len(year) == 4:
        query = query.where(Period.start_on == date(int(year), 1, 1))
    return session.scalar(query.order_by(*_in_course_first(today)).limit(1).options(*PLAN_GRAPH))


def periods_with_plans(session: Session) -> tuple[Period, ...]:
    """The periods that have plans, oldest first: the ones the portal offers by name."""
    return tuple(session.scalars(select(Period).where(select(Plan.id).where(Plan.period_id == Period.id).exists())
                                 .order_by(Period.start_on)))


def entity_periods(session: Session, entity: Entity) -> tuple[Period, ...]:
    """The periods in which the entity has a plan, oldest first: its earlier plans stay reachable."""
    return tuple(session.scalars(select(Period).join(Plan, Plan.period_id == Period.id)
                                 .where(Plan.entity_id == entity.id).order_by(Period.start_on)))


def state_explanation(plan: Plan, today: date) -> str:
    """What the plan's state means today, as the law reads it, not only as the record stands (QA, 7 December 2026):
    the CTP's requirement deemed fulfilled by its silence (L152 art. 39 num. 6), and the corporation's month once
    it ran out (L152 art. 40)."""
    text = STATE_EXPLANATIONS.get(plan.state, "")
    deemed = next((p for p in plan.procedures if p.machine == "ctp_review" and p.state == "deemed_fulfilled"), None)
    if deemed is not None and plan.state in ("ctp_stage_closed", "adjusting"):
        on = (deemed.data or {}).get("deem_ctp_requirement_fulfilled_on")  # the route act's date (_record_sub_data)
        since = f" desde el {legal_calendar.format_date_es(date.fromisoformat(on))}" if on else ""
        text += (f" El Consejo Territorial de Planeación no entregó su concepto dentro de su mes:{since} se entiende "
                 "cumplido ese requisito (L152 art. 39 num. 6).")
    if plan.state in ("filed_with_corporacion", "in_debate"):
        month = next((d for d in deadlines_for(plan) if d.key == "corporation_decision"), None)
        if month is not None and today >= month.overdue_from:
            latest = legal_calendar.format_date_es(month.latest)
            text = ("El proyecto fue radicado en el concejo o asamblea; su mes para decidir terminó el "
                    f"{latest} sin decisión registrada (L152 art. 40)." if plan.state == "filed_with_corporacion" else
                    f"El concejo o asamblea está debatiendo el proyecto; su mes para decidir terminó el {latest} "
                    "sin decisión registrada: el alcalde o gobernador puede adoptarlo por decreto (L152 art. 40).")
    return text


def public_plan(session: Session, entity: Entity, today: date, year: str = "") -> PublicPlan:
    plan = public_plan_of(session, entity, today, year)
    if plan is None:
        return PublicPlan(entity, None, "Sin plan registrado", "Esta entidad aún no registra su plan en el sistema.",
                          0, plan_route(PDT_MACHINE.initial).total, (), (), None, (), (), (),
                          periods=entity_periods(session, entity))
    version = ppi_version(session, plan)
    visited = ["elected", *session.scalars(
        select(PlanEvent.to_state).where(PlanEvent.plan_id == plan.id, PlanEvent.machine == PDT_MACHINE.name)
        .order_by(PlanEvent.id))]
    route = plan_route(plan.state, visited)
    ended = period_ended(plan.state, plan.period.label, plan.period.end_on, today)
    explanation = ended.explanation if ended else state_explanation(plan, today)
    if ended and not year:  # the page of the period in course shows an earlier plan: none is registered for it
        explanation += (" Esta entidad aún no registra en el sistema su plan del período en curso; esta página "
                        f"muestra el del período {plan.period.label}.")
    documents = public_documents(session, plan, withheld=True)
    return PublicPlan(
        entity=entity, plan=plan, state_label=ended.label if ended else STATE_LABELS[plan.state],
        state_explanation=explanation,
        step=route.position, steps=route.total,
        deadlines=public_deadlines(plan, today, visited), documents=tuple(d for d in documents if d.is_public),
        withheld=tuple(d for d in documents if not d.is_public),
        ppi=summarize(version) if version else None, amendments=public_amendments(plan),
        hearings=public_hearings(plan, today), proposals=tuple(published_proposals(session, plan)),
        case=case_file(session, plan), periods=entity_periods(session, entity),
        phase2=public_phase2(plan, today, phase2_documents(session, plan)) if plan.state == "in_force" else None,
    )


def public_deadlines(plan: Plan, today: date, visited: list[str] | None = None) -> tuple[PublicDeadline, ...]:
    """Each deadline with what the record says of it (``state_machines.approval.route.step_status``): "etapa superada"
    only when an act closed the step. ``visited``: the main-route states of the plan's history ("elected" first);
    read from the database when not given."""
    if visited is None:
        visited = visited_states(object_session(plan), [plan.id])[plan.id]
    try:
        deadlines = deadlines_for(plan)
    except legal_calendar.FactsError:
        return ()
    statuses = deadline_statuses(plan, deadlines, visited, today)
    return tuple(PublicDeadline(DUTY_BY_KEY[d.key].label if d.key in DUTY_BY_KEY else d.key, d.authority, d.act_by,
                                d.legal_basis, statuses[d.map_key]) for d in deadlines)


def visited_states(session: Session, plan_ids: Sequence[int]) -> dict[int, list[str]]:
    """The main-route states each plan's recorded acts went through, oldest first, «elected» included: one query
    for all the plans (a calendar feed's)."""
    visited: dict[int, list[str]] = {plan_id: ["elected"] for plan_id in plan_ids}
    if visited:
        rows = session.execute(select(PlanEvent.plan_id, PlanEvent.to_state).where(
            PlanEvent.plan_id.in_(visited), PlanEvent.machine == PDT_MACHINE.name).order_by(PlanEvent.id))
        for plan_id, state in rows:
            visited[plan_id].append(state)
    return visited


def deadline_statuses(plan: Plan, deadlines, visited: list[str], today: date | None = None) -> dict[str, str]:
    """What the record says of each route term (``route.step_status``), by its ``map_key``: the public page's and
    the calendar feed's (without ``today``, a term is never said overdue: only passed or not). Phase II terms have
    no route duty and are left out."""
    car_states = {p.subject: p.state for p in plan.procedures if p.machine == "car_review"}
    return {d.map_key: step_status(duty_for(d.key), plan.state, visited,
                                   today is not None and today >= d.overdue_from, car_states.get(d.authority))
            for d in deadlines if d.key.split(":", 1)[0] in DUTY_BY_KEY}


def public_documents(session: Session, plan: Plan, withheld: bool = False) -> list[Document]:
    """The current version of each public document (a corrected one is replaced by its correction); with
    ``withheld``, also those the law makes public that were withheld with a recorded reason (L1712 arts. 18-20),
    which the page lists without their file."""
    shown = Document.is_public.is_(True)
    if withheld:
        shown = shown | Document.withheld_reason.is_not(None)
    return session.scalars(select(Document).where(Document.plan_id == plan.id, shown, current_only())
                           .order_by(Document.uploaded_at, Document.id)).all()


def public_document(session: Session, entity: Entity, document_id: int) -> tuple[Document, Plan] | None:
    """A document of one of the entity's plans, only if it is marked public, with its plan (the download's name
    says the plan's entity and period)."""
    row = session.execute(select(Document, Plan).join(Plan, Plan.id == Document.plan_id).where(
        Document.id == document_id, Document.is_public.is_(True), Plan.entity_id == entity.id)).first()
    return (row[0], row[1]) if row else None


def _executive_answer(proc: Procedure) -> str:
    if proc.data.get("accepted_in_writing"):
        return "Aceptada por escrito por el alcalde o gobernador"
    if proc.state == "refused_by_executive" or proc.data.get("refuse_in_writing_on"):
        return "No aceptada por escrito por el alcalde o gobernador"
    return "Sin respuesta escrita del alcalde o gobernador"


def public_amendments(plan: Plan) -> tuple[PublicAmendment, ...]:
    machine = SUBMACHINES["amendment"]
    return tuple(PublicAmendment(
        number=p.subject, text=p.data.get("text", ""), authors=tuple(p.data.get("authors", ())),
        state_label=machine.label(p.state), proposed_on=p.data.get("proposed_on"),
        is_accepted_in_writing=bool(p.data.get("accepted_in_writing")), executive_answer=_executive_answer(p),
    ) for p in sorted(plan.procedures, key=lambda p: p.id) if p.machine == "amendment")


def is_open_for_proposals(proc: Procedure, today: date) -> bool:
    """A hearing receives proposals while it is scheduled, its date has not passed and the plan is not adopted
    (``state_machines.approval.pdt.hearing_proposals_verdict``, L1909 art. 22)."""
    scheduled = proc.data.get("scheduled_on")
    return (proc.machine == "hearing" and proc.state == "scheduled" and bool(scheduled)
            and date.fromisoformat(scheduled) >= today and hearing_proposals_verdict(proc.plan.state).ok)


def public_hearings(plan: Plan, today: date) -> tuple[PublicHearing, ...]:
    machine = SUBMACHINES["hearing"]
    hearings = [p for p in plan.procedures if p.machine == "hearing"]
    hearings.sort(key=lambda p: (p.data.get("scheduled_on") or "", p.id))
    return tuple(PublicHearing(
        id=p.id, number=p.subject,
        scheduled_on=date.fromisoformat(p.data["scheduled_on"]) if p.data.get("scheduled_on") else None,
        place=p.data.get("place", ""), zone=p.data.get("zone", ""), state=p.state, state_label=machine.label(p.state),
        is_open_for_proposals=is_open_for_proposals(p, today), attendance=str(p.data.get("attendance") or ""),
        scheduled_time=str(p.data.get("scheduled_time") or ""),
    ) for p in hearings)


def published_proposals(session: Session, plan: Plan) -> list[PublicProposal]:
    """Only text, day and hearing: the contact is never read here."""
    rows = session.execute(select(CitizenProposal.text, CitizenProposal.submitted_at, Procedure.subject)
                           .outerjoin(Procedure, Procedure.id == CitizenProposal.hearing_id)
                           .where(CitizenProposal.plan_id == plan.id, CitizenProposal.status == "published")
                           .order_by(CitizenProposal.submitted_at)).all()
    return [PublicProposal(text, bogota_day(submitted_at), number) for text, submitted_at, number in rows]


# ---------------------------------------------------------------------------------------------------------------
# Citizens' proposals


@dataclass(frozen=True)
class Received:
    """A proposal the service holds: ``is_new`` False when the same text and contact had already come for the same
    hearing (a form sent again because the answer never reached a weak connection): it is not stored twice."""

    proposal: CitizenProposal
    is_new: bool


def submit_proposal(session: Session, plan: Plan, *, hearing_id: int, text: str, contact: str | None,
                    today: date) -> Received:
    """Store a proposal to an open hearing as pending moderation; commits once. The same proposal sent again (same
    hearing, text and contact) is answered with the one already received, and nobody is told again."""
    hearing = session.get(Procedure, hearing_id)
    if hearing is None or hearing.plan_id != plan.id or hearing.machine != "hearing":
        raise ProposalRefused("La audiencia elegida no existe para este plan.")
    closed = hearing_proposals_verdict(plan.state)
    if not closed.ok:
        raise ProposalRefused(f"{closed.reason} ({closed.legal_basis})")
    if not is_open_for_proposals(hearing, today):
        raise ProposalRefused("Esta audiencia ya no recibe propuestas: se realizó, se canceló o su fecha ya pasó.")
    text = (text or "").strip()
    if not PROPOSAL_MIN_CHARS <= len(text) <= PROPOSAL_MAX_CHARS:
        raise ProposalRefused(f"La propuesta debe tener entre {PROPOSAL_MIN_CHARS} y {PROPOSAL_MAX_CHARS} caracteres.")
    contact = (contact or "").strip()[:CONTACT_MAX_CHARS] or None
    same = session.scalar(select(CitizenProposal).where(
        CitizenProposal.plan_id == plan.id, CitizenProposal.hearing_id == hearing.id, CitizenProposal.text == text,
        CitizenProposal.contact.is_(None) if contact is None else CitizenProposal.contact == contact).limit(1))
    if same is not None:
        return Received(same, is_new=False)
    proposal = CitizenProposal(plan_id=plan.id, hearing_id=hearing.id, text=text, contact=contact, status="pending")
    session.add(proposal)
    _tell_moderators(session, plan, hearing, today)
    session.commit()
    return Received(proposal, is_new=True)


def _tell_moderators(session: Session, plan: Plan, hearing: Procedure, today: date) -> None:
    """The planning office is told that proposals wait for it: once per hearing and day (a busy hearing would
    otherwise send one message per citizen), in the daily digest unless the person asked for immediate e-mail."""
    entity = plan.entity.display_name
    notify(session, users_with_roles(session, plan, MODERATOR_ROLES), Message(
        kind="proposal", dedupe_key=f"proposal:{hearing.id}:{today.isoformat()}",
        subject=f"{entity}: propuestas ciudadanas por moderar",
        body=(f"Llegaron propuestas ciudadanas para la audiencia pública del plan de {entity}. Revise cada una y "
              "publíquela o recházela: solo las publicadas aparecen en el portal público."),
        link=f"/planes/{plan.id}/propuestas", plan_id=plan.id, legal_basis="L1909 art. 22",
    ))


MODERATOR_ROLES = frozenset({Role.PLANEACION})  # told of new proposals too (_tell_moderators)
DECISIONS = {"publish": "published", "reject": "rejected"}


def can_moderate(user: User, plan: Plan) -> bool:
    return moderates(user.roles_for(plan.entity))


def moderates(roles: set[Role]) -> bool:
    """Do these roles on a plan moderate its citizens' proposals (a page that already holds them asks this)."""
    return bool(roles & MODERATOR_ROLES)


def proposals_for_moderation(session: Session, plan: Plan) -> list[CitizenProposal]:
    return session.scalars(select(CitizenProposal).filter_by(plan_id=plan.id)
                           .order_by(CitizenProposal.status != "pending", CitizenProposal.submitted_at.desc())).all()


def moderate_proposal(session: Session, plan: Plan, proposal_id: int, decision: str, moderator: User,
                      now: datetime | None = None) -> CitizenProposal:
    """Publish or reject a pending proposal. The UPDATE expects ``pending``: two moderators cannot both decide."""
    if decision not in DECISIONS:
        raise ProposalRefused("Decisión desconocida.")
    updated = session.execute(
        CitizenProposal.__table__.update()
        .where(CitizenProposal.id == proposal_id, CitizenProposal.plan_id == plan.id,
               CitizenProposal.status == "pending")
        .values(status=DECISIONS[decision], moderated_by_id=moderator.id,
                moderated_at=now or recorded_now()))  # the calendar in force, as its «Recibida» (QA: training)
    if updated.rowcount != 1:
        session.rollback()
        raise ProposalRefused("Esta propuesta ya fue moderada por otra persona o no existe; recargue la página.")
    session.commit()
    return session.get(CitizenProposal, proposal_id)


def hearings_by_id(plan: Plan) -> dict[int, Procedure]:
    return {p.id: p for p in plan.procedures if p.machine == "hearing"}



# ---------------------------------------------------------------------------------------------------------------
# Validators for HTTP revalidation (ETag / Last-Modified): one cheap query each, before anything is rendered


@dataclass(frozen=True)
class Stamp:
    """What a public page depends on, read without building it: equal stamps mean an equal page (for the same
    day and release, which the web layer adds). ``changed_at`` is the latest write among them."""

    parts: tuple
    changed_at: datetime | None


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def entity_stamp(session: Session, dane_code: str, today: date | None = None) -> Stamp | None:
    """The entity's page: its latest plan's version (every act, settings change and document correction writes
    the plan row, so its version moves), the published proposals, the PPI versions and public documents.
    None when the entity does not exist (the page answers 404)."""
    # The latest plan once (a derived table joined to the entity), then one aggregate per dependant table on it.
    latest = (select(Plan.id, Plan.version, Plan.updated_at).join(Period, Period.id == Plan.period_id)
              .join(Entity, Entity.id == Plan.entity_id).where(Entity.dane_code == dane_code)
              .order_by(*_in_course_first(today)).limit(1).subquery("latest"))
    published = (CitizenProposal.plan_id == latest.c.id) & (CitizenProposal.status == "published")
    row = session.execute(select(
        Entity.id, latest.c.id, latest.c.version, latest.c.updated_at,
        select(func.count(CitizenProposal.id)).where(published).scalar_subquery(),
        select(func.max(CitizenProposal.moderated_at)).where(published).scalar_subquery(),
        select(func.max(PpiVersion.id)).where(PpiVersion.plan_id == latest.c.id).scalar_subquery(),
        select(func.max(PpiVersion.created_at)).where(PpiVersion.plan_id == latest.c.id).scalar_subquery(),
        select(func.max(Document.id)).where(Document.plan_id == latest.c.id).scalar_subquery(),
    ).select_from(Entity).outerjoin(latest, true()).where(Entity.dane_code == dane_code)).first()
    if row is None:
        return None
    moments = [m for m in (_aware(row[3]), _aware(row[5]), _aware(row[7])) if m is not None]
    return Stamp(("entity", row[0], row[1], row[2], row[4], row[6], row[8]), max(moments, default=None))


def _plans_stamp(session: Session, *where) -> tuple[tuple, datetime | None]:
    count, versions, latest = session.execute(
        select(func.count(Plan.id), func.coalesce(func.sum(Plan.version), 0), func.max(Plan.updated_at))
        .join(Entity, Entity.id == Plan.entity_id).where(*where)).one()
    return (count, int(versions)), _aware(latest)


def country_stamp(session: Session) -> Stamp:
    """The portal's index: every plan's version, the hitos' manual checks and catalogue, and the people (an
    active planning account counts in the hitos' progress)."""
    plans, latest = _plans_stamp(session)
    checks = session.execute(select(func.count(MilestoneCheck.id), func.max(MilestoneCheck.id),
                                    func.max(MilestoneCheck.checked_at))).one()
    people = session.execute(select(func.count(Membership.id), func.max(Membership.id),
                                    select(func.count(User.id)).where(User.is_active_account.is_(True))
                                    .scalar_subquery())).one()
    catalogue = tuple(session.execute(select(Milestone.number, Milestone.name, Milestone.weight_in_phase,
                                             Milestone.weight_total).order_by(Milestone.number)).all())
    moments = [m for m in (latest, _aware(checks[2])) if m is not None]
    return Stamp(("country", plans, tuple(checks[:2]), tuple(people), catalogue), max(moments, default=None))


def department_stamp(session: Session, code: str) -> Stamp:
    plans, latest = _plans_stamp(session, Entity.department_code == code)
    return Stamp(("department", code, plans), latest)
