"""One summary row per plan (``PlanSummary``) so the board reads rows instead of every plan's history.

What the board needs of a plan beyond the plan's own row is its procedures, its main-route history as
(trigger, state, act date) and the names of the hitos its history (and its procedures' creation) marked. That
material does not depend on the day, so the date-dependent figures (pending steps, slack, risk, waits until
today) are computed from it at read, with the same functions as before (and kept in process for the rest of
the day, ``services.monitoring.board._day_cache``): the board's figures are the same as a full recomputation
(``tests/workflow_app/test_board.py``). An act appends the marks of every procedure again: duplicates are
harmless (a set when read) and a rebuild drops them.

A row is valid while its ``plan_version`` equals the plan's ``version`` (every act, settings change and
document correction writes the plan row, which moves its version). Kept current:

- by each act: the act's writes (``services.route.act_writes``) update the row inside the act's transaction
  (``ACT_UPDATE``: one UPDATE from what the act holds in memory, on PostgreSQL part of the act's one write
  statement);
- by opening a period and loading the demo (``refresh`` of the new plans);
- by the sweep (``refresh_stale``: rows missing or older than their plan, e.g. after a settings change), and by
  ``flask pdt refresh-summaries`` (all rows);
- by the board itself: a row found missing or stale is rebuilt from the history, used and stored.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterable, Mapping, Sequence

from sqlalchemy import Text, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from state_machines.approval.pdt import PDT_MACHINE
from state_machines.approval.submachines import SUBMACHINES
from workflow_app.infra.clock import bogota_day
from workflow_app.models import Plan, PlanEvent, PlanSummary, Procedure
from workflow_app.services.monitoring import milestones as milestone_service
from workflow_app.services.phase2.procedures import BUDGET_DECREED, BUDGET_SANCTIONED, PHASE2_FACT_DATES

INITIAL_MARKS = {name: tuple(e.split(":", 1)[1] for e in m.initial_effects if e.startswith("event:"))
                 for name, m in SUBMACHINES.items()}  # hitos a procedure marks by being created


@dataclass
class Material:
    """``procedures``: [machine, subject, state, received_on, receive_concept_on] in id order, and for the Phase II
    procedures whose dates the terms count from (``procedures.PHASE2_FACT_DATES``) a sixth item, those dates as
    {key: ISO day}; ``events``: the
    main route's (trigger, to_state, act date); ``marks``: names of the hitos marked (only whether each is
    marked counts on the board). Stored as three text columns: the procedures as JSON, rewritten by each act;
    the events and marks as lines, to which an act appends its own (``ACT_UPDATE``: one UPDATE)."""

    procedures: list = field(default_factory=list)
    events: list = field(default_factory=list)
    marks: set = field(default_factory=set)


def _event_line(trigger: str, to_state: str, on: date) -> str:
    return f"{trigger}\t{to_state}\t{on.isoformat()}\n"


def _procedures_text(procedures: list) -> str:
    return json.dumps(procedures, separators=(",", ":"), ensure_ascii=False)


def _phase2_dates(machine: str, data: Mapping | None) -> dict | None:
    """The sixth item of a Phase II procedure the terms read (``Material``), None for any other procedure."""
    keys = PHASE2_FACT_DATES.get(machine)
    if keys is None:
        return None
    return {k: data[k] for k in keys if data and data.get(k)}


def _entry(machine: str, subject: str, state: str, data: Mapping | None) -> list:
    data = data or {}
    entry = [machine, subject, state, data.get("received_on"), data.get("receive_concept_on")]
    dates = _phase2_dates(machine, data)
    return entry if dates is None else [*entry, dates]


def is_legacy(material: "Material") -> bool:
    """A row written before its Phase II procedures carried their dates (a fifth item last), or before an adopted
    budget carried the day of its adoption (its publication's term counts from it): rebuilt when read."""
    return any((len(p) == 5 and p[0] in PHASE2_FACT_DATES)
               or (p[0] == "budget" and p[2] == "budget_adopted" and len(p) == 6 and not (p[5].keys() & _ADOPTED))
               for p in material.procedures)


_ADOPTED = frozenset((*BUDGET_SANCTIONED, *BUDGET_DECREED))


def decode(procedures: str, events: str, marks: str) -> Material:
    return Material(json.loads(procedures),
                    [(t, s, date.fromisoformat(d)) for t, s, d in (line.split("\t") for line in events.splitlines())],
                    set(marks.splitlines()))


def build(session: Session, plan_ids: Sequence[int]) -> dict[int, Material]:
    """The material of these plans, from their procedures and history (two queries)."""
    ids = list(plan_ids)
    out: dict[int, Material] = {i: Material() for i in ids}
    if not ids:
        return out
    phase2_keys = sorted({k for keys in PHASE2_FACT_DATES.values() for k in keys})
    for plan_id, machine, subject, state, received, answered, *dates in session.execute(
            select(Procedure.plan_id, Procedure.machine, Procedure.subject, Procedure.state,
                   Procedure.data["received_on"].as_string(), Procedure.data["receive_concept_on"].as_string(),
                   *(Procedure.data[k].as_string() for k in phase2_keys))
            .where(Procedure.plan_id.in_(ids)).order_by(Procedure.id)):
        data = {"received_on": received, "receive_concept_on": answered, **dict(zip(phase2_keys, dates))}
        out[plan_id].procedures.append(_entry(machine, subject, state, data))
        out[plan_id].marks.update(INITIAL_MARKS.get(machine, ()))
    for plan_id, machine, trigger, to_state, act_on, occurred_at, names in session.execute(
            select(PlanEvent.plan_id, PlanEvent.machine, PlanEvent.trigger, PlanEvent.to_state, PlanEvent.act_on,
                   PlanEvent.occurred_at, PlanEvent.payload["milestones"].as_string())
            .where(PlanEvent.plan_id.in_(ids)).order_by(PlanEvent.plan_id, PlanEvent.id)):
        on = act_on or bogota_day(occurred_at)  # every act has its date; only old rows fall back
        if machine == PDT_MACHINE.name:
            out[plan_id].events.append((trigger, to_state, on))
        out[plan_id].marks.update(milestone_service.parse_names(names))
    return out


def store(session: Session, materials: Mapping[int, Material], versions: Mapping[int, int]) -> None:
    """Insert or replace these rows (one statement; two boards filling the same row at once both succeed)."""
    if not materials:
        return
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    now = datetime.now(timezone.utc)
    statement = insert(PlanSummary).values([
        {"plan_id": i, "plan_version": versions[i], "procedures": _procedures_text(m.procedures),
         "events": "".join(_event_line(*e) for e in m.events), "marks": "".join(f"{n}\n" for n in sorted(m.marks)),
         "updated_at": now}
        for i, m in materials.items()])
    session.execute(statement.on_conflict_do_update(index_elements=["plan_id"], set_={
        name: getattr(statement.excluded, name) for name in ("plan_version", "procedures", "events", "marks",
                                                             "updated_at")}))


def refresh(session: Session, plan_ids: Iterable[int] | None = None, batch: int = 500) -> int:
    """Rebuild the rows of these plans (all plans when None); the caller commits. Returns how many."""
    if plan_ids is None:
        plan_ids = session.scalars(select(Plan.id).order_by(Plan.id)).all()
    ids = list(plan_ids)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        versions = dict(session.execute(select(Plan.id, Plan.version).where(Plan.id.in_(chunk))).all())
        store(session, build(session, list(versions)), versions)
    return len(ids)


def stale_ids(session: Session, period_id: int | None = None, limit: int | None = None) -> list[int]:
    """Plans whose row is missing or older than the plan (one query over the plans and their rows)."""
    query = (select(Plan.id).outerjoin(PlanSummary, PlanSummary.plan_id == Plan.id)
             .where((PlanSummary.plan_id.is_(None)) | (PlanSummary.plan_version != Plan.version)).order_by(Plan.id))
    if period_id is not None:
        query = query.where(Plan.period_id == period_id)
    return list(session.scalars(query.limit(limit)))


def refresh_stale(session: Session, limit: int | None = None) -> int:
    """Rows missing or older than their plan, at most ``limit`` of them; the caller commits."""
    return refresh(session, stale_ids(session, limit=limit))


_TABLE = PlanSummary.__table__
#: The one UPDATE an act makes to its plan's row (``act_parameters``): it applies only if the row was current
#: before the act (``plan_version`` = the version the act read); no row returned means it must be rebuilt.
ACT_UPDATE = (_TABLE.update()
              .where(_TABLE.c.plan_id == bindparam("s_plan_id"), _TABLE.c.plan_version == bindparam("s_read_version"))
              .values(plan_version=bindparam("s_version"), procedures=bindparam("s_procedures"),
                      events=_TABLE.c.events + bindparam("s_line", type_=Text()),
                      marks=_TABLE.c.marks + bindparam("s_marks", type_=Text()),
                      updated_at=bindparam("s_updated_at"))
              .returning(_TABLE.c.plan_id))


def act_parameters(plan: Plan, event: PlanEvent, read_version: int) -> dict:
    """``ACT_UPDATE``'s parameters, from what the act holds in memory: the plan's procedures (loaded with it and
    grown by the act), the new history row, ``plan.version`` (the act's new version)."""
    procedures, marks = [], []
    # The procedures the act started have no id yet when the act writes in one statement: they take the next
    # ids in the order they were started (``act_writes._one_statement``), after every existing one.
    for proc in sorted(plan.procedures, key=lambda p: (p.id is None, p.id or 0)):
        procedures.append(_entry(proc.machine, proc.subject, proc.state, proc.data))
        marks.extend(INITIAL_MARKS.get(proc.machine, ()))
    names = (event.payload or {}).get("milestones")
    marks.extend(names if isinstance(names, list) else ())
    line = (_event_line(event.trigger, event.to_state, event.act_on or bogota_day(event.occurred_at))
            if event.machine == PDT_MACHINE.name else "")
    return {"s_plan_id": plan.id, "s_read_version": read_version, "s_version": plan.version,
            "s_procedures": _procedures_text(procedures), "s_line": line,
            "s_marks": "".join(f"{n}\n" for n in marks), "s_updated_at": datetime.now(timezone.utc)}


def rebuild(session: Session, plan: Plan) -> None:
    """The row was missing or stale before the act: rebuilt from the database (the act's rows included)."""
    store(session, build(session, [plan.id]), {plan.id: plan.version})


def keep_current(session: Session, plan: Plan, event: PlanEvent, read_version: int) -> None:
    """In the act's transaction (``services.route.act_writes``): ``ACT_UPDATE``, else ``rebuild``."""
    if session.execute(ACT_UPDATE, act_parameters(plan, event, read_version)).first() is None:
        rebuild(session, plan)
