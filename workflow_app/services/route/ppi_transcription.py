"""The adopted plan's investment plan transcribed once, when none was registered before the filing
(``state_machines.approval.ppi_transcription``: L152 arts. 31, 40; QA 2028, the Gobernación del Quindío).

One transaction: the adopted act's PDF (public: the adopted plan is, L1712 art. 9), a PPI version marked
``adopted`` and ``transcription`` (the one the Plan Indicativo reads), the plan's warning «Radicado sin plan de
inversiones» turned into «transcrito del acto adoptado», and a sealed row of the plan's history. Nothing is written
on any refusal."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from state_machines.approval import ppi_transcription as rule
from state_machines.core.roles import Role
from workflow_app.history import seal
from workflow_app.infra.clock import clock
from workflow_app.models import Plan, PlanEvent, PpiItem, PpiVersion, User
from workflow_app.services.route.documents import DocumentRejected, Upload, store_document
from workflow_app.services.route.ppi import PpiConflict, pesos, plan_years, read_sheet, validate_rows

REFERENCE_MAX = 120


class TranscriptionRefused(Exception):
    """The transcription is not taken (Spanish ``message`` and ``legal_basis``; ``field`` of the form it is
    about, if any); nothing was written."""

    def __init__(self, message: str, legal_basis: str = "", status: int = 409, field: str | None = None):
        super().__init__(message)
        self.message, self.legal_basis, self.status, self.field = message, legal_basis, status, field


def has_ppi_version(session: Session, plan: Plan) -> bool:
    return session.scalar(select(PpiVersion.id).where(PpiVersion.plan_id == plan.id).limit(1)) is not None


def can_transcribe(session: Session, user: User, plan: Plan) -> bool:
    """Whether ``user`` may transcribe this plan's adopted investment plan now (its page offers it)."""
    return (bool(user.roles_for(plan.entity) & rule.ROLES)
            and rule.transcription_verdict(plan.state, has_ppi_version(session, plan)).ok)


def transcribe_adopted_ppi(session: Session, plan: Plan, *, sheet_name: str, sheet: bytes, evidence: Upload,
                           reference: str, note: str, actor: User, today: date) -> PpiVersion:
    """Read the sheet (every row checked, as an import: ``PpiRejected``), store the adopted act's PDF, write the
    adopted version and the history row; commit once. ``TranscriptionRefused`` or ``PpiConflict`` (another
    transcription, or an act, at the same moment) otherwise."""
    if not actor.roles_for(plan.entity) & rule.ROLES:
        raise TranscriptionRefused("Solo la secretaría de planeación transcribe el plan de inversiones del acto "
                                   "adoptado.", rule.LEGAL_BASIS, 403)
    verdict = rule.transcription_verdict(plan.state, has_ppi_version(session, plan))
    if not verdict.ok:
        raise TranscriptionRefused(verdict.reason, verdict.legal_basis)
    reference = " ".join((reference or "").split())
    if not reference:
        raise TranscriptionRefused("Escriba el número y la fecha del acto adoptado (acuerdo, ordenanza o decreto).",
                                   status=422, field="reference")
    if len(reference) > REFERENCE_MAX:
        raise TranscriptionRefused(f"Máximo {REFERENCE_MAX} caracteres.", status=422, field="reference")
    lines = validate_rows(read_sheet(sheet_name, sheet), plan_years(plan))
    try:
        document = store_document(session, plan_id=plan.id, kind=rule.DOCUMENT_KIND, title=rule.DOCUMENT_TITLE,
                                  upload=evidence, uploaded_by_id=actor.id, is_public=True)
    except DocumentRejected as exc:
        session.rollback()
        raise TranscriptionRefused(str(exc), status=422, field="evidence") from exc
    number = (session.scalar(select(func.max(PpiVersion.version)).where(PpiVersion.plan_id == plan.id)) or 0) + 1
    total = sum(line.amount for line in lines)
    said = (f"Transcrito del acto adoptado ({reference}) después de la adopción: antes de radicar no se registró el "
            f"plan de inversiones (L152 art. 31). Soporte: el PDF del acto adoptado.")
    version = PpiVersion(plan_id=plan.id, version=number, source=rule.SOURCE, stage="adopted",
                         created_by_id=actor.id, note=f"{said} {note.strip()}".strip()[:2000])
    version.items = [PpiItem(program=line.program, project=line.project, year=line.year,
                             funding_source=line.funding_source, amount=line.amount) for line in lines]
    session.add(version)
    event = PlanEvent(
        plan_id=plan.id, machine=rule.MACHINE, subject=None, from_state=plan.state, to_state=plan.state,
        trigger=rule.TRIGGER, actor_id=actor.id, role=Role.PLANEACION.value, act_on=today,
        occurred_at=clock().stamp(), reference=reference[:120],
        reason=(f"Plan de inversiones del acto adoptado ({reference}) transcrito como versión {number}: "
                f"{len(lines)} filas, {pesos(total)} en total, desde «{sheet_name}»."),
        legal_basis=rule.LEGAL_BASIS, evidence_ids=[document.id],
        payload={"ppi_version": number, "rows": len(lines), "total": total, "sheet": sheet_name,
                 "milestones": [], "effects": ["flag:ppi_transcribed"]})
    flags = [f for f in (plan.flags or []) if f != "filed_without_ppi"]
    plan.flags = [*flags, "ppi_transcribed"]
    plan.updated_at = datetime.now(timezone.utc)
    seal(plan, event, current_app.config["HISTORY_KEY"])  # the plan row moves: a concurrent act is a conflict
    session.add(event)
    try:
        session.commit()
    except (IntegrityError, StaleDataError) as exc:  # another version took the number, or the plan moved
        session.rollback()
        raise PpiConflict() from exc
    return version
