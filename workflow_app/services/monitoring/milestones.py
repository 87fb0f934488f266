"""DNP's 22 hitos (SETA): which are done for a plan, its progress %, manual checks, weights, roll-ups.

A hito is done when:

- ``event:<name>``: some history row of the plan lists ``<name>`` in ``payload["milestones"]`` (written by
  ``services.route.plans`` from the transition table's ``event:*`` effects). A sub-procedure's ``initial_effects``
  also count once the procedure exists: the service does not echo ``hearings_scheduled`` into the history
  payload when a hearing is scheduled, but the hearing procedure itself proves the schedule.
- ``event:leader_account_enabled`` (hito 2, "Habilitar usuario líder del equipo"): no legal act records it.
  We read it from the accounts: done while the plan's entity has an active user with the ``planeacion`` role
  (the secretaría de planeación leads the team, L152 art. 33.3). It follows the account: deactivating the
  only leader undoes it, as SETA's "usuario habilitado" would.
- ``manual``: the latest ``MilestoneCheck`` row of (plan, hito) says ``is_done`` (rows are never updated;
  unchecking appends a row with ``is_done`` False).

Progress = sum of ``weight_total`` of the done hitos (the weights sum to 100). Everything here works on many
plans at once (one query per kind of fact), so the board pays the same few queries for 1 or 1,135 plans.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from sqlalchemy import Select, func, select
from sqlalchemy import true as literal_true
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session

from state_machines.approval.pdt import PDT_MACHINE
from state_machines.approval.submachines import SUBMACHINES
from state_machines.core.roles import Role
from state_machines.core.wording import quoted
from workflow_app.infra.clock import bogota_day
from workflow_app.models import Membership, Milestone, MilestoneCheck, Plan, PlanEvent, Procedure, User
from workflow_app.reference_data.names import sort_key as spanish_sort_key

LEADER_EVENT = "leader_account_enabled"
CHECKER_ROLES = frozenset({Role.PLANEACION, Role.EQUIPO, Role.ASESOR})
WEIGHT_TOLERANCE = 0.011  # 33.33 + 33.33 + 33.34 must pass; an honest typo of 0.1 must not
NOTE_MIN_CHARS = 10


class MilestoneError(Exception):
    """A refused milestone change (Spanish message); nothing was written."""

    def __init__(self, message: str, status: int = 422, field: str | None = None):
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


@dataclass(frozen=True)
class EventMark:
    """When and by which act an ``event:*`` hito was first completed."""

    on: date | None
    trigger: str
    actor_name: str | None


@dataclass(frozen=True)
class MilestoneStatus:
    milestone: Milestone
    is_done: bool
    is_manual: bool
    event: EventMark | None = None  # automatic: the act that completed it
    check: MilestoneCheck | None = None  # manual: the latest check row (done or undone)
    checked_by: str | None = None
    leader_name: str | None = None  # hito 2: the active planeación account that completes it


@dataclass(frozen=True)
class MilestoneFacts:
    """What decides the hitos of a set of plans, loaded in bulk."""

    events: Mapping[int, Mapping[str, EventMark]]  # plan id -> event name -> first mark
    checks: Mapping[int, Mapping[int, MilestoneCheck]]  # plan id -> hito number -> latest check
    leaders: Mapping[int, str]  # entity id -> name of an active planeación user


def event_name(milestone: Milestone) -> str | None:
    source = milestone.source_of_truth
    return source.split(":", 1)[1] if source.startswith("event:") else None


def _acts_of_events() -> dict[str, tuple[tuple[str, str], ...]]:
    """Event name -> (label, norm) of the acts of the legal tables that record it: ``event:*`` effects, and a
    sub-procedure's initial effects through the act that starts it (``start_<machine>``)."""
    machines = (PDT_MACHINE, *SUBMACHINES.values())
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for machine in machines:
        for t in machine.transitions:
            names = [e.split(":", 1)[1] for e in t.effects if e.startswith("event:")]
            for started in (e.removeprefix("start_") for e in t.effects if e.startswith("start_")):
                if started in SUBMACHINES:
                    names += [e.split(":", 1)[1] for e in SUBMACHINES[started].initial_effects
                              if e.startswith("event:")]
            for name in names:
                if (t.label, t.legal_basis) not in out[name]:
                    out[name].append((t.label, t.legal_basis))
    return {name: tuple(acts) for name, acts in out.items()}


ACTS_OF_EVENT = _acts_of_events()
# hitos.csv writes "nombre a confirmar" where DNP's source table cannot be read (hito 4).
UNCONFIRMED_NAME_MARK = "nombre a confirmar"


def source_text(milestone: Milestone) -> str:
    """How a hito completes, in words (the administrator's table and the plan's hitos page)."""
    name = event_name(milestone)
    if name == LEADER_EVENT:
        return "Automático: mientras la entidad tenga activa una cuenta de la secretaría de planeación"
    if name is not None:
        acts = ACTS_OF_EVENT.get(name, ())
        if not acts:
            return "Automático: ningún acto de la ruta lo registra todavía"
        return "Automático: al registrar " + " o ".join(f"{quoted(label)} ({norm})" for label, norm in acts)
    return "Manual: lo marca el equipo o su asesor con una nota de evidencia"


def is_name_unconfirmed(milestone: Milestone) -> bool:
    return UNCONFIRMED_NAME_MARK in milestone.name.lower()


def all_milestones(session: Session) -> list[Milestone]:
    return list(session.scalars(select(Milestone).order_by(Milestone.phase, Milestone.number)))


def load_facts(session: Session, plan_ids, entity_ids, with_actor_names: bool = False,
               light: bool = False, marks: Mapping[int, Mapping[str, EventMark]] | None = None) -> MilestoneFacts:
    """Event marks, latest manual checks and team leaders for these plans: a few queries, however many plans.

    ``plan_ids`` and ``entity_ids`` are id lists or SELECT subqueries of ids (the board passes its scope).
    ``light``: the checks come back as plain ``is_done`` flags, not ORM rows (the board needs no more).
    ``marks``: event marks the caller already built from rows it loaded anyway (``add_mark`` and
    ``add_initial_marks``), instead of querying the history again.
    """
    if marks is None:
        marks = _first_marks(session, plan_ids, with_actor_names)
    checks = latest_check_flags(session, plan_ids) if light else latest_checks(session, plan_ids)
    return MilestoneFacts(events=marks, checks=checks, leaders=active_leaders(session, entity_ids))


def _first_mark_rows(session: Session, plan_ids) -> list[tuple]:
    """(plan_id, milestone name, act_on, occurred_at, trigger, actor_id) of the first history row that marked each
    hito of each plan. PostgreSQL picks them in SQL (DISTINCT ON over the payload's array); other databases
    (SQLite in ``make run``) read the rows in order and keep the first here."""
    if session.get_bind().dialect.name == "postgresql":
        names_in_payload = func.json_array_elements_text(PlanEvent.payload["milestones"]).table_valued("value")
        return session.execute(
            select(PlanEvent.plan_id, names_in_payload.c.value, PlanEvent.act_on, PlanEvent.occurred_at,
                   PlanEvent.trigger, PlanEvent.actor_id)
            .select_from(PlanEvent).join(names_in_payload, literal_true())
            .where(PlanEvent.plan_id.in_(_ids(plan_ids)),
                   func.json_typeof(PlanEvent.payload["milestones"]) == "array")
            .order_by(PlanEvent.plan_id, names_in_payload.c.value, PlanEvent.id)
            .ext(distinct_on(PlanEvent.plan_id, names_in_payload.c.value))).all()
    rows, seen = [], set()
    for plan_id, names, act_on, occurred_at, trigger, actor_id in session.execute(
            select(PlanEvent.plan_id, PlanEvent.payload["milestones"].as_string(), PlanEvent.act_on,
                   PlanEvent.occurred_at, PlanEvent.trigger, PlanEvent.actor_id)
            .where(PlanEvent.plan_id.in_(_ids(plan_ids))).order_by(PlanEvent.plan_id, PlanEvent.id)):
        for name in parse_names(names):
            if (plan_id, name) not in seen:
                seen.add((plan_id, name))
                rows.append((plan_id, name, act_on, occurred_at, trigger, actor_id))
    return rows


def _first_marks(session: Session, plan_ids, with_actor_names: bool) -> dict[int, dict[str, EventMark]]:
    rows = _first_mark_rows(session, plan_ids)
    names = {}
    if with_actor_names:
        actor_ids = {r[5] for r in rows if r[5] is not None}
        if actor_ids:
            names = dict(session.execute(select(User.id, User.name).where(User.id.in_(actor_ids))).all())
    events: dict[int, dict[str, EventMark]] = defaultdict(dict)
    for plan_id, name, act_on, occurred_at, trigger, actor_id in rows:
        on = act_on or (bogota_day(occurred_at) if isinstance(occurred_at, datetime) else None)
        events[plan_id][name] = EventMark(on, trigger, names.get(actor_id))
    add_initial_marks(events, session.execute(
        select(Procedure.plan_id, Procedure.machine, Procedure.created_at)
        .where(Procedure.plan_id.in_(_ids(plan_ids)), Procedure.machine.in_(list(_INITIAL_EVENTS)))))
    return events


# A sub-procedure's initial effects hold from its creation (see the module docstring).
_INITIAL_EVENTS = {name: tuple(e.split(":", 1)[1] for e in m.initial_effects if e.startswith("event:"))
                   for name, m in SUBMACHINES.items() if any(e.startswith("event:") for e in m.initial_effects)}


def add_initial_marks(events: dict[int, dict[str, EventMark]], procedures: Iterable[tuple]) -> None:
    """(plan_id, machine, created_at) of procedures -> marks of their machines' initial ``event:*`` effects."""
    for plan_id, machine, created_at in procedures:
        for name in _INITIAL_EVENTS.get(machine, ()):
            if name not in events[plan_id]:
                on = bogota_day(created_at) if isinstance(created_at, datetime) else created_at
                events[plan_id][name] = EventMark(on, f"start_{machine}", None)


@lru_cache(maxsize=256)
def parse_names(payload_milestones: str | None) -> tuple[str, ...]:
    """``payload->>'milestones'`` as text -> names; the few distinct values are parsed once."""
    if not payload_milestones:
        return ()
    value = json.loads(payload_milestones)
    return tuple(value) if isinstance(value, list) else ()


def compiled_weights(milestones: Sequence[Milestone]) -> tuple[tuple[float, str | None, int], ...]:
    """(weight_total, event name or None, number) per hito, for ``fast_progress`` over many plans."""
    return tuple((m.weight_total, event_name(m), m.number) for m in milestones)


def fast_progress(weights, plan_id: int, entity_id: int, facts: MilestoneFacts) -> float:
    marks = facts.events.get(plan_id, {})
    checks = facts.checks.get(plan_id, {})
    total = 0.0
    for weight, name, number in weights:
        if name == LEADER_EVENT:
            done = entity_id in facts.leaders
        elif name is not None:
            done = name in marks
        else:
            check = checks.get(number)
            done = bool(check and check.is_done)
        if done:
            total += weight
    return round(min(total, 100.0), 3)


def _ids(ids):
    return ids if isinstance(ids, Select) else list(ids)


@dataclass(frozen=True)
class CheckFlag:
    is_done: bool


_DONE, _UNDONE = CheckFlag(True), CheckFlag(False)


def _ranked_checks(plan_ids):
    return (select(MilestoneCheck.id, MilestoneCheck.plan_id, MilestoneCheck.milestone_number,
                   MilestoneCheck.is_done, func.row_number().over(
                       partition_by=(MilestoneCheck.plan_id, MilestoneCheck.milestone_number),
                       order_by=(MilestoneCheck.checked_at.desc(), MilestoneCheck.id.desc())).label("rank"))
            .where(MilestoneCheck.plan_id.in_(_ids(plan_ids))).subquery())


def latest_check_flags(session: Session, plan_ids) -> dict[int, dict[int, CheckFlag]]:
    ranked = _ranked_checks(plan_ids)
    out: dict[int, dict[int, CheckFlag]] = defaultdict(dict)
    for plan_id, number, done in session.execute(
            select(ranked.c.plan_id, ranked.c.milestone_number, ranked.c.is_done).where(ranked.c.rank == 1)):
        out[plan_id][number] = _DONE if done else _UNDONE
    return out


def latest_checks(session: Session, plan_ids) -> dict[int, dict[int, MilestoneCheck]]:
    ranked = _ranked_checks(plan_ids)
    rows = session.scalars(select(MilestoneCheck).join(ranked, ranked.c.id == MilestoneCheck.id)
                           .where(ranked.c.rank == 1))
    out: dict[int, dict[int, MilestoneCheck]] = defaultdict(dict)
    for check in rows:
        out[check.plan_id][check.milestone_number] = check
    return out


def active_leaders(session: Session, entity_ids) -> dict[int, str]:
    """Entity id -> name of one active user with the planeación role there (hito 2)."""
    rows = session.execute(
        select(Membership.entity_id, User.name).join(User, User.id == Membership.user_id)
        .where(Membership.role == Role.PLANEACION.value, Membership.entity_id.in_(_ids(entity_ids)),
               User.is_active_account.is_(True))
        .order_by(Membership.entity_id, User.id))
    leaders: dict[int, str] = {}
    for entity_id, name in rows:
        leaders.setdefault(entity_id, name)
    return leaders


def is_done(milestone: Milestone, plan_id: int, entity_id: int, facts: MilestoneFacts) -> bool:
    name = event_name(milestone)
    if name == LEADER_EVENT:
        return entity_id in facts.leaders
    if name is not None:
        return name in facts.events.get(plan_id, {})
    check = facts.checks.get(plan_id, {}).get(milestone.number)
    return bool(check and check.is_done)


def progress(milestones: Sequence[Milestone], plan_id: int, entity_id: int, facts: MilestoneFacts) -> float:
    """Progress % of one plan: the weights (``weight_total``) of its done hitos."""
    total = sum(m.weight_total for m in milestones if is_done(m, plan_id, entity_id, facts))
    return round(min(total, 100.0), 3)


def plan_milestones(session: Session, plan: Plan) -> tuple[list[MilestoneStatus], float]:
    """The 22 hitos of one plan with status and source, and its progress %."""
    milestones = all_milestones(session)
    facts = load_facts(session, [plan.id], [plan.entity_id], with_actor_names=True)
    checks = facts.checks.get(plan.id, {})
    checker_ids = {c.checked_by_id for c in checks.values() if c.checked_by_id}
    checkers = dict(session.execute(select(User.id, User.name).where(User.id.in_(checker_ids))).all()) \
        if checker_ids else {}
    out = []
    for m in milestones:
        name = event_name(m)
        check = checks.get(m.number) if name is None else None
        out.append(MilestoneStatus(
            milestone=m, is_done=is_done(m, plan.id, plan.entity_id, facts), is_manual=name is None,
            event=facts.events.get(plan.id, {}).get(name) if name and name != LEADER_EVENT else None,
            check=check, checked_by=checkers.get(check.checked_by_id) if check else None,
            leader_name=facts.leaders.get(plan.entity_id) if name == LEADER_EVENT else None))
    return out, progress(milestones, plan.id, plan.entity_id, facts)


def can_check_milestones(user: User, plan: Plan) -> bool:
    """The team (planeación, equipo) and the entity's adviser record manual hitos; nobody else."""
    return bool(CHECKER_ROLES & user.roles_for(plan.entity))


@dataclass(frozen=True)
class CheckCommand:
    milestone_number: int
    is_done: bool
    note: str


def check_milestone(session: Session, plan: Plan, user: User, command: CheckCommand, now: datetime) -> MilestoneCheck:
    """Check or uncheck a manual hito with its evidence note: one appended row, one commit, or nothing."""
    if not can_check_milestones(user, plan):
        raise MilestoneError("Su cuenta no puede registrar hitos de este plan.", status=403)
    milestone = session.get(Milestone, command.milestone_number)
    if milestone is None:
        raise MilestoneError("El hito indicado no existe.", status=404)
    if event_name(milestone) is not None:
        raise MilestoneError("Este hito se cumple automáticamente con el acto legal que lo registra; no se marca "
                             "a mano.", status=409)
    note = command.note.strip()
    if len(note) < NOTE_MIN_CHARS:
        raise MilestoneError(f"Escriba la nota de evidencia (al menos {NOTE_MIN_CHARS} caracteres): qué "
                             "documento o hecho demuestra el cambio.", field="note")
    current = latest_checks(session, [plan.id]).get(plan.id, {}).get(milestone.number)
    if bool(current and current.is_done) == command.is_done:
        state = "cumplido" if command.is_done else "pendiente"
        raise MilestoneError(f"El hito ya figura como {state}; recargue la página.", status=409)
    row = MilestoneCheck(plan_id=plan.id, milestone_number=milestone.number, is_done=command.is_done, note=note,
                         checked_by_id=user.id, checked_at=now)
    session.add(row)
    session.commit()
    return row


@dataclass(frozen=True)
class MilestoneEdit:
    number: int
    name: str
    weight_in_phase: float
    weight_total: float


def update_milestones(session: Session, edits: Sequence[MilestoneEdit]) -> None:
    """Save names and weights of all hitos at once, or nothing: each phase's ``weight_in_phase`` must sum to
    100 and all ``weight_total`` to 100 (SETA's rule; hitos.csv was reconstructed to satisfy it)."""
    milestones = {m.number: m for m in all_milestones(session)}
    by_number = {e.number: e for e in edits}
    if set(by_number) != set(milestones) or len(edits) != len(milestones):
        raise MilestoneError("El formulario debe traer todos los hitos, cada uno una vez.")
    errors = []
    for e in edits:
        if not e.name.strip():
            errors.append(f"El hito {e.number} no tiene nombre.")
        if not (0 <= e.weight_in_phase <= 100 and 0 <= e.weight_total <= 100):
            errors.append(f"Los pesos del hito {e.number} deben estar entre 0 y 100.")
    phases: dict[int, float] = defaultdict(float)
    names: dict[int, str] = {}
    for number, m in milestones.items():
        phases[m.phase] += by_number[number].weight_in_phase
        names[m.phase] = m.phase_name
    for phase, total in sorted(phases.items()):
        if abs(total - 100) > WEIGHT_TOLERANCE:
            errors.append(f"Los pesos dentro de la fase {phase} ({names[phase]}) suman {_es(total)} y deben "
                          "sumar 100.")
    grand = sum(e.weight_total for e in edits)
    if abs(grand - 100) > WEIGHT_TOLERANCE:
        errors.append(f"Los pesos sobre el total suman {_es(grand)} y deben sumar 100.")
    if errors:
        raise MilestoneError(" ".join(errors))
    for number, m in milestones.items():
        e = by_number[number]
        m.name, m.weight_in_phase, m.weight_total = e.name.strip(), e.weight_in_phase, e.weight_total
    for phase in phases:
        total = sum(by_number[n].weight_total for n, m in milestones.items() if m.phase == phase)
        for m in milestones.values():
            if m.phase == phase:
                m.phase_weight = round(total, 3)
    session.commit()


def _es(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


# --- Roll-ups -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rollup:
    key: str
    label: str
    plans: int
    average: float  # mean progress %
    at_risk: int = 0
    #: Mean progress % of Phase II's hitos (issue 21) over the plans in Phase II (in force); None when none is.
    average2: float | None = None


def mean_or_none(values: Iterable[float | None]) -> float | None:
    """The mean of the figures there are (one decimal), None when there is none: a plan not yet in Phase II has
    no Phase II progress, not 0 % (QA, 7 December 2026: 75 % of one plan read «18,8 %» over four)."""
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 1) if present else None


def rollup(items: Iterable[tuple]) -> list[Rollup]:
    """(key, label, progress, is_at_risk[, Phase II progress or None]) per plan -> one line per key: plans, mean
    progress, plans at risk, mean Phase II progress over the plans that have one."""
    groups: dict[str, list] = {}
    labels: dict[str, str] = {}
    for key, label, value, at_risk, *rest in items:
        groups.setdefault(key, []).append((value, at_risk, rest[0] if rest else None))
        labels[key] = label
    return sorted((Rollup(key, labels[key], len(v), round(sum(p for p, _, _ in v) / len(v), 1),
                          sum(1 for _, r, _ in v if r), mean_or_none(p2 for _, _, p2 in v))
                   for key, v in groups.items()),
                  key=lambda r: spanish_sort_key(r.label))


def adviser_plans(session: Session, plan_entities: Mapping[int, int]) -> dict[int, tuple[str, list[int]]]:
    """Asesor user id -> (name, ids of the given plans whose entity they follow)."""
    by_entity: dict[int, list[int]] = defaultdict(list)
    for plan_id, entity_id in plan_entities.items():
        by_entity[entity_id].append(plan_id)
    rows = session.execute(
        select(User.id, User.name, Membership.entity_id).join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.ASESOR.value, Membership.entity_id.in_(list(by_entity))))
    out: dict[int, tuple[str, list[int]]] = {}
    for user_id, name, entity_id in rows:
        out.setdefault(user_id, (name, []))[1].extend(by_entity[entity_id])
    return out
