"""Phase II hitos (hitos-fase2.csv, SETA "Hitos de la Fase II"): which are done for a plan and its progress %.

Same rules as Phase I (``services.monitoring.milestones``): ``event:<name>`` hitos are done by the first history
row that lists the name in ``payload["milestones"]`` (the Phase II acts' ``event:*`` effects); ``manual`` hitos by
the latest check row. The key is (strategy phase 2, hito), in tables of their own.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from state_machines.core.roles import Role
from state_machines.phase2 import PHASE2_MACHINES
from workflow_app.models import Phase2Milestone, Phase2MilestoneCheck, Plan, User, recorded_now
from workflow_app.services.monitoring.milestones import NOTE_MIN_CHARS, EventMark, MilestoneError, load_facts

CHECKER_ROLES = frozenset({Role.PLANEACION, Role.EQUIPO, Role.ASESOR})


def _acts_of_events() -> dict[str, tuple[tuple[str, str], ...]]:
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for machine in PHASE2_MACHINES.values():
        for t in machine.transitions:
            for e in t.effects:
                if e.startswith("event:") and (t.label, t.legal_basis) not in out[e[6:]]:
                    out[e[6:]].append((t.label, t.legal_basis))
    return {k: tuple(v) for k, v in out.items()}


ACTS_OF_EVENT = _acts_of_events()


def event_name(m: Phase2Milestone) -> str | None:
    return m.source_of_truth.split(":", 1)[1] if m.source_of_truth.startswith("event:") else None


def source_text(m: Phase2Milestone) -> str:
    name = event_name(m)
    if name is None:
        return "Manual: lo marca el equipo o su asesor con una nota de evidencia"
    acts = ACTS_OF_EVENT.get(name, ())
    if not acts:
        return "Automático: ningún acto de la Fase II lo registra todavía"
    return "Automático: al registrar " + " o ".join(f"«{label}» ({norm})" for label, norm in acts)


def phase2_milestones(session: Session) -> list[Phase2Milestone]:
    return list(session.scalars(select(Phase2Milestone).order_by(Phase2Milestone.phase, Phase2Milestone.hito)))


def latest_checks(session: Session, plan_ids) -> dict[int, dict[int, Phase2MilestoneCheck]]:
    ranked = (select(Phase2MilestoneCheck.id, func.row_number().over(
        partition_by=(Phase2MilestoneCheck.plan_id, Phase2MilestoneCheck.hito),
        order_by=(Phase2MilestoneCheck.checked_at.desc(), Phase2MilestoneCheck.id.desc())).label("rank"))
        .where(Phase2MilestoneCheck.plan_id.in_(plan_ids)).subquery())
    out: dict[int, dict[int, Phase2MilestoneCheck]] = defaultdict(dict)
    for check in session.scalars(select(Phase2MilestoneCheck).join(ranked, ranked.c.id == Phase2MilestoneCheck.id)
                                 .where(ranked.c.rank == 1)):
        out[check.plan_id][check.hito] = check
    return out


def compiled_weights(milestones: Sequence[Phase2Milestone]) -> tuple[tuple[float, str | None, int], ...]:
    """(weight_total, event name or None, hito) per hito, for ``fast_progress`` over many plans (the board)."""
    return tuple((m.weight_total, event_name(m), m.hito) for m in milestones)


def latest_check_flags(session: Session, plan_ids) -> dict[int, dict[int, bool]]:
    """plan id -> hito -> latest manual mark, in one query (``plan_ids``: a list or a SELECT of ids)."""
    ranked = (select(Phase2MilestoneCheck.plan_id, Phase2MilestoneCheck.hito, Phase2MilestoneCheck.is_done,
                     func.row_number().over(
                         partition_by=(Phase2MilestoneCheck.plan_id, Phase2MilestoneCheck.hito),
                         order_by=(Phase2MilestoneCheck.checked_at.desc(), Phase2MilestoneCheck.id.desc()))
                     .label("rank")).where(Phase2MilestoneCheck.plan_id.in_(plan_ids)).subquery())
    out: dict[int, dict[int, bool]] = defaultdict(dict)
    for plan_id, hito, done in session.execute(select(ranked.c.plan_id, ranked.c.hito, ranked.c.is_done)
                                               .where(ranked.c.rank == 1)):
        out[plan_id][hito] = bool(done)
    return out


def fast_progress(weights, marks: Mapping[str, object], checks: Mapping[int, bool]) -> float:
    total = sum(weight for weight, name, hito in weights
                if (name in marks if name is not None else checks.get(hito, False)))
    return round(min(total, 100.0), 3)


@dataclass(frozen=True)
class Phase2Facts:
    events: Mapping[int, Mapping[str, EventMark]]
    checks: Mapping[int, Mapping[int, Phase2MilestoneCheck]]


def load_phase2_facts(session: Session, plan_ids, entity_ids=(), marks=None) -> Phase2Facts:
    """Event marks (the same history as Phase I: one query) and the latest Phase II checks of these plans."""
    plan_ids = list(plan_ids)
    if marks is None:
        marks = load_facts(session, plan_ids, list(entity_ids) or [0], light=True).events
    return Phase2Facts(events=marks, checks=latest_checks(session, plan_ids) if plan_ids else {})


def is_done(m: Phase2Milestone, plan_id: int, facts: Phase2Facts) -> bool:
    name = event_name(m)
    if name is not None:
        return name in facts.events.get(plan_id, {})
    check = facts.checks.get(plan_id, {}).get(m.hito)
    return bool(check and check.is_done)


def progress(milestones: Sequence[Phase2Milestone], plan_id: int, facts: Phase2Facts) -> float:
    return round(min(sum(m.weight_total for m in milestones if is_done(m, plan_id, facts)), 100.0), 3)


@dataclass(frozen=True)
class HitoStatus:
    milestone: Phase2Milestone
    is_done: bool
    is_manual: bool
    event: EventMark | None
    check: Phase2MilestoneCheck | None
    source: str


def plan_phase2_milestones(session: Session, plan: Plan) -> tuple[list[HitoStatus], float]:
    milestones = phase2_milestones(session)
    facts = load_phase2_facts(session, [plan.id], [plan.entity_id])
    out = []
    for m in milestones:
        name = event_name(m)
        out.append(HitoStatus(m, is_done(m, plan.id, facts), name is None,
                              facts.events.get(plan.id, {}).get(name) if name else None,
                              facts.checks.get(plan.id, {}).get(m.hito) if name is None else None, source_text(m)))
    return out, progress(milestones, plan.id, facts)


def can_check(user: User, plan: Plan) -> bool:
    return bool(CHECKER_ROLES & user.roles_for(plan.entity)) and plan.state == "in_force"


def check_phase2_milestone(session: Session, plan: Plan, hito: int, is_done_now: bool, note: str,
                           actor: User) -> Phase2MilestoneCheck:
    """Record a manual Phase II hito (a new row, never an update). Raises ``MilestoneError`` (Spanish)."""
    if not can_check(actor, plan):
        raise MilestoneError("Solo el equipo de la entidad o su asesor marcan los hitos de la Fase II, con el plan "
                             "vigente.", 403)
    m = session.get(Phase2Milestone, hito)
    if m is None or event_name(m) is not None:
        raise MilestoneError("Ese hito se completa solo con el acto que lo registra; no se marca a mano.", 409)
    if len(note.strip()) < NOTE_MIN_CHARS:
        raise MilestoneError(f"Escriba una nota de evidencia de al menos {NOTE_MIN_CHARS} caracteres.", 422, "note")
    row = Phase2MilestoneCheck(plan_id=plan.id, hito=hito, is_done=is_done_now, note=note.strip(),
                               checked_by_id=actor.id, checked_at=recorded_now())
    session.add(row)
    plan.updated_at = datetime.now(timezone.utc)
    session.commit()
    return row
