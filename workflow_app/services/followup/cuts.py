"""The fortnightly SETA cut (phase-ii.md §3.3): a stored snapshot of every plan's hito progress on the 15th and on
the last day of each month, so progress is compared cut against cut, not only today's figure.

A cut keeps, per plan, its progress % (``services.monitoring.milestones``: Σ weight_total of the done hitos) and
the hitos done with the date each was recorded. The cron job (``notifications/cron_config.py``) runs every day
and takes the cut only on a cut day, once (``seta_cuts.cut_on`` is unique); ``flask pdt corte-seta`` takes one
now (a "manual" cut) for any day that has none.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from statistics import mean

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from state_machines.core.dates import format_date_es, last_day_of_month
from workflow_app.infra.clock import bogota_day, clock
from workflow_app.infra.extensions import db
from workflow_app.models import Entity, Period, Plan, SetaCut, SetaCutRow, User, recorded_now
from workflow_app.reference_data.names import sort_key
from workflow_app.services.monitoring import milestones as ms

KIND_LABELS = {"scheduled": "Quincenal", "manual": "Manual"}


class CutError(Exception):
    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message, self.status = message, status


def is_cut_day(day: date) -> bool:
    return day.day == 15 or day == last_day_of_month(day.year, day.month)


def cut_label(cut: SetaCut) -> str:
    return f"Corte del {format_date_es(cut.cut_on)}" + (" (manual)" if cut.kind == "manual" else "")


def take_cut(session: Session, day: date, kind: str = "scheduled", now: datetime | None = None,
             by: User | None = None, as_of: bool = False) -> SetaCut:
    """Snapshot the hitos of every plan of the period running on ``day``, as of now, filed under ``day``. One cut per day: a second is refused.
    ``as_of``: rebuild a past cut from the recording date of each hito (those recorded after ``day`` left out;
    the demo uses it for cuts it never took)."""
    existing = session.scalar(select(SetaCut).filter_by(cut_on=day))
    if existing is not None:
        raise CutError(f"Ya hay un corte del {format_date_es(day)}; no se toma otro el mismo día.")
    # The plans of the period that runs on ``day``: a plan whose period ended (or has not begun) is not progress of
    # this one (QA, 7 December 2026: Filandia's ended 2024-2027 plan counted 62 % in the 2028 cuts and ranking).
    plans = session.execute(select(Plan.id, Plan.entity_id).join(Period, Period.id == Plan.period_id)
                            .where(Period.start_on <= day, Period.end_on >= day)).all()
    milestones = ms.all_milestones(session)
    facts = ms.load_facts(session, [p for p, _ in plans], list({e for _, e in plans}))
    cut = SetaCut(cut_on=day, kind=kind, taken_at=now or recorded_now(), taken_by_id=by.id if by else None)
    session.add(cut)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise CutError(f"Ya hay un corte del {format_date_es(day)}; no se toma otro el mismo día.") from None
    rows = []
    for plan_id, entity_id in plans:
        done, progress = [], 0.0
        for m in milestones:
            if not ms.is_done(m, plan_id, entity_id, facts):
                continue
            recorded = _recorded_on(m, plan_id, facts)
            if as_of and recorded is not None and recorded > day.isoformat():
                continue
            done.append([m.number, recorded])
            progress += m.weight_total
        rows.append(dict(cut_id=cut.id, plan_id=plan_id, entity_id=entity_id, progress=round(min(progress, 100.0), 3),
                         done=done))
    if rows:
        session.execute(SetaCutRow.__table__.insert(), rows)
    session.commit()
    return cut


def _recorded_on(m, plan_id: int, facts: ms.MilestoneFacts) -> str | None:
    name = ms.event_name(m)
    if name is not None and name != ms.LEADER_EVENT:
        mark = facts.events.get(plan_id, {}).get(name)
        return mark.on.isoformat() if mark and mark.on else None
    check = facts.checks.get(plan_id, {}).get(m.number)
    if check is not None and getattr(check, "checked_at", None):
        return bogota_day(check.checked_at).isoformat()
    return None


def cut_job(day: str | None = None) -> int | None:
    """RQ cron entry: on the 15th and the month's last day (Bogotá), the fortnightly cut, once. ``day`` (ISO) retakes
    a missed cut day by hand (``rq enqueue``); the cron passes nothing."""
    today = date.fromisoformat(day) if day else clock().today()
    if not is_cut_day(today) or db.session.scalar(select(SetaCut.id).filter_by(cut_on=today)) is not None:
        return None
    try:
        return take_cut(db.session, today, "scheduled").id
    except CutError:
        return None  # another worker took it a moment ago


def all_cuts(session: Session) -> list[SetaCut]:
    return list(session.scalars(select(SetaCut).order_by(SetaCut.cut_on.desc())))


# --- Comparison ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanDelta:
    entity: Entity
    before: float | None
    after: float | None
    new_hitos: tuple[int, ...]

    @property
    def delta(self) -> float | None:
        """None when the plan is missing from one of the cuts (another period's plan, or opened later): a
        missing plan is not a plan at 0 % (QA, 7 December 2026)."""
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 3)


@dataclass(frozen=True)
class GroupDelta:
    label: str
    plans: int
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


@dataclass(frozen=True)
class Comparison:
    first: SetaCut
    second: SetaCut
    plans: list[PlanDelta]
    regions: list[GroupDelta]
    national: GroupDelta


def compare(session: Session, first: SetaCut, second: SetaCut, entity_ids: set[int] | None = None) -> Comparison:
    """Plan by plan and region by region, how progress moved from ``first`` to ``second``."""
    def rows_of(cut):
        return {r.plan_id: r for r in session.scalars(select(SetaCutRow).filter_by(cut_id=cut.id))}

    a, b = rows_of(first), rows_of(second)
    plan_ids = set(a) | set(b)
    entity_of = {**{p: r.entity_id for p, r in a.items()}, **{p: r.entity_id for p, r in b.items()}}
    if entity_ids is not None:
        plan_ids = {p for p in plan_ids if entity_of[p] in entity_ids}
    entities = {e.id: e for e in session.scalars(
        select(Entity).where(Entity.id.in_({entity_of[p] for p in plan_ids}))
        .options(joinedload(Entity.department)))}
    deltas = []
    for p in plan_ids:
        before, after = a.get(p), b.get(p)
        done_before = {n for n, _ in before.done} if before else set()
        done_after = {n for n, _ in after.done} if after else set()
        deltas.append(PlanDelta(entities[entity_of[p]], before.progress if before else None,
                                after.progress if after else None, tuple(sorted(done_after - done_before))))
    deltas.sort(key=lambda d: (d.delta is None, -(d.delta or 0), sort_key(d.entity.name)))
    groups: dict[str, list[PlanDelta]] = defaultdict(list)
    for d in deltas:
        groups[d.entity.department.region].append(d)
    regions = [_group(label, items) for label, items in sorted(groups.items(), key=lambda kv: sort_key(kv[0]))]
    return Comparison(first, second, deltas, regions, _group("Total nacional", deltas))


def _group(label: str, items: list[PlanDelta]) -> GroupDelta:
    """Each cut's mean over the plans it holds: a plan absent from a cut does not count as 0 % in it."""
    befores = [d.before for d in items if d.before is not None]
    afters = [d.after for d in items if d.after is not None]
    return GroupDelta(label, len(items), round(mean(befores), 1) if befores else None,
                      round(mean(afters), 1) if afters else None)


def export_table(c: Comparison) -> tuple[tuple, list[tuple]]:
    header = ("Código DANE", "Entidad", "Departamento", "Región", f"Avance al {c.first.cut_on:%d/%m/%Y} (%)",
              f"Avance al {c.second.cut_on:%d/%m/%Y} (%)", "Variación (puntos)", "Hitos cumplidos entre cortes")
    rows = [(d.entity.dane_code, d.entity.display_name, d.entity.department.name, d.entity.department.region,
             d.before, d.after, d.delta, ", ".join(str(n) for n in d.new_hitos)) for d in
            sorted(c.plans, key=lambda d: sort_key(d.entity.name))]
    return header, rows
