"""Opening a constitutional period: the plan of every territorial entity, in the first state of the route.

Idempotent: a plan is one (entity, period) pair under a unique constraint, so a second run (or two at once)
creates nothing new. The CAR jurisdictions a plan needs come from the reference data (``pdt load-reference``):
the CAR reviews start from them when the draft goes to the Consejo de Gobierno (D1865 art. 3 num. 2). The run
commits in chunks and reports its progress, to a command-line progress line or to a ``PeriodOpening`` row that
the administrator's page shows while the job runs.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from state_machines.approval.pdt import PDT_MACHINE
from workflow_app.infra.extensions import db
from workflow_app.infra.jobs import enqueue_after_commit, requeue_gone, running_alone
from workflow_app.models import Entity, Jurisdiction, Period, PeriodOpening, Plan, User
from workflow_app.services.monitoring import board_summary

CHUNK = 200
OPEN_JOB = "workflow_app.services.cycle.cycle.run_period_opening"


class CycleError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class OpeningResult:
    period: str
    entities: int
    created: int
    already: int
    without_authority: tuple[str, ...]  # municipios with no environmental authority in the reference data

    def as_text(self) -> str:
        text = (f"Período {self.period}: {self.entities} entidades; {self.created} planes creados, "
                f"{self.already} ya existían.")
        if self.without_authority:
            text += (f" Atención: {len(self.without_authority)} municipio(s) sin autoridad ambiental en los datos de "
                     "referencia: " + ", ".join(self.without_authority[:10])
                     + (" …" if len(self.without_authority) > 10 else "") + ".")
        return text


def period_for_year(session: Session, year: int) -> Period:
    period = session.scalar(select(Period).where(Period.start_on == date(year, 1, 1)))
    if period is None:
        known = ", ".join(str(p.start_on.year) for p in session.scalars(select(Period).order_by(Period.start_on)))
        raise CycleError(f"{year} no es el primer año de un período constitucional cargado"
                         + (f" (períodos cargados: {known})" if known else " (ejecute antes «pdt load-reference»)")
                         + ".")
    return period


def periods_overview(session: Session) -> list[tuple[Period, int]]:
    """Each loaded period with how many plans it has."""
    counts = dict(session.execute(select(Plan.period_id, func.count()).group_by(Plan.period_id)).all())
    return [(p, counts.get(p.id, 0)) for p in session.scalars(select(Period).order_by(Period.start_on))]


def entity_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Entity)) or 0


def open_period(session: Session, year: int, progress: Callable[[int, int, int], None] | None = None
                ) -> OpeningResult:
    """Create the missing plans of period ``year``; ``progress(done, total, created)`` after each chunk."""
    period = period_for_year(session, year)
    entity_ids = session.scalars(select(Entity.id).order_by(Entity.id)).all()
    if not entity_ids:
        raise CycleError("No hay entidades territoriales cargadas: ejecute antes «pdt load-reference».")
    total, created = len(entity_ids), 0
    first_state = PDT_MACHINE.initial
    for start in range(0, total, CHUNK):
        chunk = entity_ids[start:start + CHUNK]
        for attempt in range(2):
            existing = set(session.scalars(select(Plan.entity_id).where(Plan.period_id == period.id,
                                                                        Plan.entity_id.in_(chunk))))
            missing = [entity_id for entity_id in chunk if entity_id not in existing]
            session.add_all([Plan(entity_id=entity_id, period_id=period.id, state=first_state) for entity_id in missing])
            try:
                session.commit()
            except IntegrityError:  # another run created some of them meanwhile: count again
                session.rollback()
                if attempt:
                    raise
                continue
            created += len(missing)
            break
        if progress is not None:
            progress(min(start + CHUNK, total), total, created)
    board_summary.refresh(session, board_summary.stale_ids(session, period_id=period.id))  # the board's rows
    session.commit()
    return OpeningResult(period=period.label, entities=total, created=created, already=total - created,
                         without_authority=_without_authority(session))


def _without_authority(session: Session) -> tuple[str, ...]:
    covered = select(Jurisdiction.id).where(Jurisdiction.entity_id == Entity.id).exists()
    rows = session.execute(select(Entity.dane_code, Entity.name).where(Entity.kind != "departamento", ~covered)
                           .order_by(Entity.dane_code)).all()
    return tuple(f"{name.title()} ({code})" for code, name in rows)


# --- The administrator's page: the same work as a job, with its progress in a row ---------------------------


def start_opening(session: Session, year: int, actor: User | None) -> PeriodOpening:
    """Queue the opening of ``year`` (or return the one already queued or running for that period)."""
    period = period_for_year(session, year)
    running = session.scalar(select(PeriodOpening).where(PeriodOpening.period_id == period.id,
                                                         PeriodOpening.status.in_(("queued", "running")))
                             .order_by(PeriodOpening.id.desc()))
    if running is not None:
        return running
    opening = PeriodOpening(period_id=period.id, status="queued", total=entity_count(session),
                            started_by_id=actor.id if actor else None)
    session.add(opening)
    session.flush()
    enqueue_after_commit(session, OPEN_JOB, opening.id)
    session.commit()
    return opening


def run_period_opening(opening_id: int) -> str:
    """The job (RQ worker or the in-process runner): open the period, writing the progress on the row with each
    chunk's commit, so the page shows it while the job runs. It holds the opening's lock while it runs
    (``jobs.running_alone``): the sweep's re-queue of an opening whose job died never runs beside a live one."""
    with running_alone("period_opening", opening_id) as alone:
        return _run_period_opening(opening_id) if alone else "ya la abre otro trabajo"


def requeue_stalled_openings(session: Session, now: datetime | None = None) -> int:
    """Queue again the openings whose job is gone (``jobs.requeue_gone``). Opening a period is idempotent."""
    rows = session.execute(select(PeriodOpening.id, PeriodOpening.status, PeriodOpening.started_at)
                           .where(PeriodOpening.status.in_(("queued", "running")))).all()
    return requeue_gone("period_opening", OPEN_JOB, rows, now or _now())


def _run_period_opening(opening_id: int) -> str:
    session = db.session
    opening = session.get(PeriodOpening, opening_id)
    if opening is None or opening.status == "done":
        return "nada que hacer"
    opening.status, opening.done, opening.created, opening.error = "running", 0, 0, None
    year = opening.period.start_on.year
    session.commit()

    def progress(done: int, total: int, created: int) -> None:
        row = session.get(PeriodOpening, opening_id)
        row.done, row.total, row.created = done, total, created
        session.commit()

    try:
        result = open_period(session, year, progress)
    except Exception as exc:
        session.rollback()
        row = session.get(PeriodOpening, opening_id)
        row.status, row.finished_at = "failed", _now()
        row.error = exc.message if isinstance(exc, CycleError) else "Error inesperado; revise el registro del servidor."
        session.commit()
        raise
    row = session.get(PeriodOpening, opening_id)
    row.status, row.finished_at, row.done, row.created = "done", _now(), result.entities, result.created
    row.error = result.as_text() if result.without_authority else None
    session.commit()
    return result.as_text()


def latest_openings(session: Session, limit: int = 10) -> list[PeriodOpening]:
    return session.scalars(select(PeriodOpening).order_by(PeriodOpening.id.desc()).limit(limit)).all()


def _now() -> datetime:
    return datetime.now(timezone.utc)
