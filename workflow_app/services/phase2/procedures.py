"""Phase II procedures of a plan, as the route's act door sees them: opening them when the plan is in force, their
snapshots (what the guards of ``state_machines.phase2`` read), their terms and the effects the table names.

Imported by ``services.route.plans`` (the one door for acts): this module never imports it back.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping

from sqlalchemy import event
from sqlalchemy.orm import Session

from state_machines import calendar as legal_calendar
from state_machines.corporation.debates import DebateRecord
from state_machines.corporation.sessions import Corporation
from state_machines.phase2 import (
    IN_SESSION_TRIGGERS,
    PHASE2_MACHINES,
    SESSION_TRIGGERS,
    MatrixRow,
    Phase2Snapshot,
    check_matrix,
    phase2_opening,
    procedure_last_act,
)
from workflow_app.models import BudgetStatute, Plan, Procedure
from workflow_app.services.route.ppi import adopted_ppi, plan_years
from workflow_app.services.route.sessions import convocation_of, extension_days_of, session_records

#: The Phase II procedures whose act goes through the corporation (its debates, approval, sessions).
CORPORATION_MACHINES = frozenset({"harmonization", "budget"})


def is_phase2(machine: str) -> bool:
    return machine in PHASE2_MACHINES


def statute_of(session: Session, plan: Plan) -> legal_calendar.BudgetStatute:
    """The entity's budget statute (defaults when the administrator has not recorded one)."""
    row = session.get(BudgetStatute, plan.entity_id)
    if row is None:
        return legal_calendar.BudgetStatute()
    return legal_calendar.BudgetStatute(
        act=row.act, filing_business_days=row.filing_business_days,
        decision_extension_days=row.decision_extension_days, copies_d111_art59=row.copies_d111_art59,
        harmonization_by_decree=row.harmonization_by_decree, pi_approval_months=row.pi_approval_months)


def in_force_day(plan: Plan) -> date | None:
    if plan.state != "in_force":
        return None
    return legal_calendar.in_force_of_dates(plan.event_dates or {})


#: The acts that adopt a budget, whose day its publication counts from (``legal_calendar._budget_publication``):
#: sanctioned and liquidated (an acuerdo or ordenanza), or enacted by decree.
BUDGET_SANCTIONED = ("liquidate_budget_on",)
BUDGET_DECREED = ("enact_budget_by_decree_on", "enact_presented_budget_on", "repeat_previous_budget_on")

#: The dates of a Phase II procedure's ``data`` that its terms count from (``phase2_facts_of``): the harmonisation's
#: sanction or decree (its publication, L136 art. 81), each budget's filing and approval (its decision and its
#: objection, D111 arts. 59 and 109), the Tribunal's ruling (its sanction) and its adoption (its publication). The
#: board's summary rows carry them (``board_summary``).
PHASE2_FACT_DATES: dict[str, tuple[str, ...]] = {
    "harmonization": ("sanction_harmonization_on", "decree_harmonization_on"),
    "budget": ("file_budget_on", "approve_budget_on", "record_tribunal_ruling_on", *BUDGET_SANCTIONED,
               *BUDGET_DECREED),
}


def phase2_facts_of(entity_kind: str, category: str | None, period_start: date, in_force_on: date,
                    statute: legal_calendar.BudgetStatute, procedures: Iterable[tuple[str, str, Mapping, str]]
                    ) -> legal_calendar.Phase2Facts:
    """The Phase II facts of a plan in force from its procedures' (machine, subject, data, state): one reading for
    the act door, the sweep (``phase2_facts``) and the board (its summary rows)."""
    harm: Mapping = {}
    filed, received, ruled, sanctioned, decreed = {}, {}, {}, {}, {}
    for machine, subject, data, state in procedures:
        if machine == "harmonization" and subject == "armonizacion":
            harm = data or {}
        elif machine == "budget" and subject.isdigit():
            if (day := _day_of(data, "file_budget_on")) is not None:
                filed[int(subject)] = day
            # The approved bill reaches the executive the day the corporation approves it (interpretation).
            if (day := _day_of(data, "approve_budget_on")) is not None:
                received[int(subject)] = day
            # The Tribunal's ruling that leaves the budget to be sanctioned (L136 art. 80, analogy).
            if state == "budget_sanction_due" and (day := _day_of(data, "record_tribunal_ruling_on")) is not None:
                ruled[int(subject)] = day
            if state == "budget_adopted":  # adopted, not yet published: the publication's term counts
                for keys, found in ((BUDGET_SANCTIONED, sanctioned), (BUDGET_DECREED, decreed)):
                    days = [d for key in keys if (d := _day_of(data, key)) is not None]
                    if days:
                        found[int(subject)] = max(days)
    return legal_calendar.Phase2Facts(
        entity_kind=entity_kind, category=category, period_start=period_start, in_force_on=in_force_on,
        statute=statute, harmonization_sanctioned_on=_day_of(harm, "sanction_harmonization_on"),
        harmonization_decreed_on=_day_of(harm, "decree_harmonization_on"),
        budget_filed_on=filed, budget_received_on=received, budget_ruled_on=ruled, budget_sanctioned_on=sanctioned,
        budget_decreed_on=decreed)


def _day_of(data: Mapping | None, key: str) -> date | None:
    value = (data or {}).get(key)
    return date.fromisoformat(value) if value else None


def phase2_facts(session: Session, plan: Plan) -> legal_calendar.Phase2Facts | None:
    in_force = in_force_day(plan)
    if in_force is None:
        return None
    return phase2_facts_of(plan.entity.calendar_kind, plan.entity.fiscal_category, plan.period.start_on, in_force,
                           statute_of(session, plan),
                           ((p.machine, p.subject, p.data, p.state) for p in plan.procedures if is_phase2(p.machine)))


def phase2_deadlines_for(session: Session, plan: Plan) -> list[legal_calendar.Deadline]:
    facts = phase2_facts(session, plan)
    if facts is None:
        return []
    cal = legal_calendar.default_calendar(plan.entity.weekdays)
    return legal_calendar.phase2_deadlines(facts, cal)


@dataclass(frozen=True)
class Phase2Context:
    statute: legal_calendar.BudgetStatute
    deadlines: dict[str, legal_calendar.Deadline]


def phase2_context(session: Session, plan: Plan) -> Phase2Context:
    """The plan's statute and Phase II terms, kept per plan version until the session's next commit (any write,
    the statute's included, is committed before it is read again): listing the acts of some thirty procedures
    computes them once."""
    memo = session.info.setdefault("phase2_context", {})
    key = (plan.id, plan.version, len(plan.procedures))
    if key not in memo:
        memo[key] = Phase2Context(statute_of(session, plan),
                                  legal_calendar.deadline_map(phase2_deadlines_for(session, plan)))
    return memo[key]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_context(session: Session) -> None:
    session.info.pop("phase2_context", None)


def ppi_costs(session: Session, plan: Plan) -> dict[tuple[str, str], tuple[int, ...]]:
    """The adopted PPI's (program, project) -> yearly totals over every source, in the period's year order."""
    version = adopted_ppi(session, plan)
    if version is None:
        return {}
    years = list(plan_years(plan))
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(years))
    for item in version.items:
        if item.year in years:
            totals[(item.program, item.project)][years.index(item.year)] += item.amount
    return {k: tuple(v) for k, v in totals.items()}


def matrix_rows(proc: Procedure | None) -> list[MatrixRow]:
    rows = (proc.data or {}).get("matrix") if proc is not None else None
    return [MatrixRow(r["program"], r["project"], r.get("indicator", ""), tuple(r.get("targets", ())),
                      r.get("responsible", ""), tuple(int(c) for c in r.get("costs", ()))) for r in rows or ()]


def phase2_snapshot(session: Session, proc: Procedure, plan: Plan, today: date, deadlines: Mapping[str, Any],
                    has_evidence: bool, act_on: date | None = None, trigger: str | None = None,
                    payload: Mapping[str, Any] | None = None) -> Phase2Snapshot:
    """``act_on`` None: listing what may be done (the act's form brings its date and content); ``payload``: what
    the act being fired brings. A convocation the act cannot read raises ``SessionDataError``."""
    matrix = None
    if proc.machine == "plan_indicativo":
        matrix = check_matrix(matrix_rows(proc), ppi_costs(session, plan), plan_years(plan))
    data = proc.data or {}
    payload = payload or {}
    last = procedure_last_act(proc.machine, data)
    return Phase2Snapshot(
        state=proc.state, today=today, machine=proc.machine, subject=proc.subject,
        entity_kind=plan.entity.calendar_kind, act_on=act_on, has_evidence=has_evidence,
        deadlines=deadlines, matrix=matrix, statute=phase2_context(session, plan).statute,
        procedures={f"{p.machine}:{p.subject}": p.state for p in plan.procedures if is_phase2(p.machine)},
        debates=DebateRecord.from_data(data.get("debates")),
        special_regime=plan.entity.special_regime,
        published_on=max((date.fromisoformat(d) for d in data.get("publications", ())), default=None),
        last_act_on=last[0] if last else None,
        tribunal_ruling=str(payload["tribunal_ruling"]) if payload.get("tribunal_ruling") else None,
        is_reconsidered=bool(data.get("return_budget_to_tribunal_on")),
        convocation=(convocation_of(payload, proc.state, act_on)
                     if act_on is not None and trigger == "convoke_sessions" else None),
        extension_days=extension_days_of(payload) if trigger == "extend_sessions" else None,
        **_sessions_for(session, plan, proc, act_on, trigger))


def _sessions_for(session: Session, plan: Plan, proc: Procedure, act_on: date | None, trigger: str | None) -> dict:
    """The corporation whose sessions a procedure's acts take place in (its acuerdo or ordenanza goes through it:
    ``CORPORATION_MACHINES``), and its recorded sessions, read only for an act dated that takes place in one or
    records one (``IN_SESSION_TRIGGERS``, ``SESSION_TRIGGERS``): listing asserts nothing of a debate's day, and
    offers an extension only around an ordinary period (``phase2.is_extension_allowed``)."""
    if proc.machine not in CORPORATION_MACHINES:
        return {}
    entity = plan.entity
    corp = Corporation(entity.calendar_kind, entity.fiscal_category, plan.period.start_on, entity.special_regime)
    if act_on is None or trigger not in IN_SESSION_TRIGGERS | SESSION_TRIGGERS:
        return {"corporation": corp}
    return {"corporation": corp, "session_records": session_records(session, plan.entity_id)}


def open_phase2(session: Session, plan: Plan, in_force_on: date) -> list[Procedure]:
    """Create the plan's Phase II procedures that do not exist yet (legal-path T16: Phase II starts when the plan
    is in force). Idempotent: an existing procedure is never reset."""
    existing = {(p.machine, p.subject) for p in plan.procedures}
    created = []
    for machine, subject, data in phase2_opening(plan.entity.calendar_kind, in_force_on, plan.period.start_on):
        if (machine, subject) in existing:
            continue
        proc = Procedure(plan=plan, machine=machine, subject=subject, state=PHASE2_MACHINES[machine].initial,
                         data={**data, "opened_on": in_force_on.isoformat()})
        session.add(proc)
        created.append(proc)
    return created


def apply_phase2_effect(proc: Procedure | None, effect: str, command_payload: Mapping[str, Any], act_on: date
                        ) -> bool:
    """The Phase II effects of the table that touch the procedure itself; True when handled here."""
    if proc is None or not is_phase2(proc.machine):
        return False
    data = dict(proc.data or {})
    if effect.startswith("debate:"):
        debates = {k: list(v) if isinstance(v, list) else v for k, v in (data.get("debates") or {}).items()}
        body = "committee" if effect.split(":", 1)[1].startswith("committee") else "plenary"
        debates.setdefault(body, []).append(act_on.isoformat())
        if body == "committee" and command_payload.get("committee_outcome") == "approved":
            debates["committee_approved"] = act_on.isoformat()
        data["debates"] = debates
    elif effect == "freeze_pi_matrix":
        data["matrix_frozen_on"] = act_on.isoformat()
    elif effect == "record_publication":
        data["publications"] = [*data.get("publications", []), act_on.isoformat()]
    elif effect == "record_tribunal_ruling":  # D111 art. 109: each ruling with its outcome, in order
        data["tribunal_rulings"] = [*data.get("tribunal_rulings", []),
                                    {"on": act_on.isoformat(), "ruling": command_payload.get("tribunal_ruling")}]
    else:
        return False
    proc.data = data
    return True
