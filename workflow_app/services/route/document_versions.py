"""Corrected versions of evidence documents (CPACA art. 45, ``state_machines/approval/corrections.py``): the new version
supersedes the earlier one with its reason, both stay in the case file with their hashes, and a sealed history
row records the correction. The plan's state does not move; its version does (someone changed the file). The
interested parties are told in the same transaction: ``services.events.document_corrected``, whose listener
(``notifications.events.notify_correction``) writes their notices in the outbox."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from state_machines.approval import corrections
from state_machines.core.roles import Role
from state_machines.core.wording import quoted
from workflow_app.history import seal
from workflow_app.infra.clock import clock
from workflow_app.models import PLAN_GRAPH, Document, Plan, PlanEvent, User
from workflow_app.services.events import document_corrected
from workflow_app.services.route.documents import DocumentRejected, Upload, discard_file, store_document


class CorrectionRefused(Exception):
    def __init__(self, message: str, status: int = 409, field: str | None = None):
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


class CorrectionConflict(CorrectionRefused):
    """Another act or correction moved the plan while this correction was saved: nothing was written; the form
    comes back as it was sent."""

    def __init__(self):
        super().__init__(CORRECTION_CONFLICT, 409)


#: The correction lost to another write on the plan between its form's send and its COMMIT.
CORRECTION_CONFLICT = ("Mientras se guardaba esta corrección, otra persona registró un cambio en este plan. Revise el "
                       "plan en su página; si la corrección aún procede, envíe de nuevo este formulario: conserva lo "
                       "que escribió y el PDF.")

CORRECTION_FORBIDDEN = ("Solo quien presentó el documento (su mismo rol en la entidad y, para un concepto ambiental, "
                        "la misma autoridad ambiental) puede corregirlo.")


@dataclass(frozen=True)
class CorrectionTarget:
    document: Document
    filed_by_role: str | None
    roles: frozenset[Role]  # the roles that may correct it
    filed_by_authority: str | None = None  # the environmental authority whose review carried it


def correction_target(session: Session, plan: Plan, document_id: int) -> CorrectionTarget | None:
    document = session.get(Document, document_id)
    if document is None or document.plan_id != plan.id:
        return None
    original = document
    while original.supersedes_id is not None:
        original = session.get(Document, original.supersedes_id)
    filing = next((e for e in session.scalars(select(PlanEvent).where(
        PlanEvent.plan_id == plan.id, PlanEvent.trigger == original.kind)) if original.id in (e.evidence_ids or [])),
        None)
    filed_by = filing.role if filing else None
    return CorrectionTarget(document, filed_by, corrections.correcting_roles(filed_by),
                            corrections.holding_authority(filing.machine, filing.subject) if filing else None)


def current_version(session: Session, document: Document) -> Document:
    """The version in force of ``document``: itself, or the last correction of it (each version supersedes the one
    before it)."""
    current = document
    while (newer := session.scalar(select(Document).where(Document.supersedes_id == current.id))) is not None:
        current = newer
    return current


def held_authorities(user: User) -> set[str]:
    """The environmental authorities ``user`` acts for (its CAR memberships)."""
    return {m.authority_code for m in user.memberships if m.role == Role.CAR.value and m.authority_code}


def correcting_role(user: User, plan: Plan, target: CorrectionTarget) -> Role | None:
    """The role in which ``user`` may correct the document, or None: the filer's role on the plan's entity and,
    for an environmental authority's concept, that same authority."""
    return corrections.correcting_role(target.filed_by_role, target.filed_by_authority,
                                       user.roles_for(plan.entity), held_authorities(user))


def correctable_documents(user: User, plan: Plan, documents: list[Document], history: list[PlanEvent],
                          roles: set[Role] | None = None) -> set[int]:
    """Ids of the current documents this user may correct (for the plan page's links); ``history`` is the
    plan's history the page has already read (who filed each document), or what the plan page keeps of it (rows
    with ``trigger``, ``evidence_ids``, ``role``, ``machine`` and ``subject``: web/plans/record_cache.Filing).
    ``documents``: rows with ``id``, ``kind`` and ``supersedes_id``; ``roles``: the user's roles on the plan's
    entity when the caller already has them."""
    held = user.roles_for(plan.entity) if roles is None else roles
    if not held:
        return set()
    superseded = {d.supersedes_id for d in documents if d.supersedes_id}
    kinds = {d.kind for d in documents}
    by_id = {d.id: d for d in documents}
    filed_by = {e_id: e for e in history if e.trigger in kinds for e_id in (e.evidence_ids or [])}
    authorities = held_authorities(user)
    allowed = set()
    for d in documents:
        if d.id in superseded:
            continue
        original = d
        while original.supersedes_id in by_id:
            original = by_id[original.supersedes_id]
        filing = filed_by.get(original.id)
        role = corrections.correcting_role(
            filing.role if filing else None,
            corrections.holding_authority(filing.machine, filing.subject) if filing else None, held, authorities)
        if role is not None:
            allowed.add(d.id)
    return allowed


def correct_document(session: Session, *, plan_id: int, document_id: int, upload: Upload, reason: str,
                     actor: User, today: date) -> Document:
    """Store the corrected version, its history row and the notices to the interested parties (CPACA art. 45), in
    one transaction. Raises ``CorrectionRefused``; on any refusal nothing is written."""
    plan = session.get(Plan, plan_id, options=PLAN_GRAPH)
    target = correction_target(session, plan, document_id) if plan else None
    if target is None:
        raise CorrectionRefused("El documento no existe en este plan.", 404)
    role = correcting_role(actor, plan, target)
    if role is None:
        raise CorrectionRefused(CORRECTION_FORBIDDEN, 403)
    old = target.document
    if session.scalar(select(Document.id).where(Document.supersedes_id == old.id)) is not None:
        raise CorrectionRefused("Este documento ya fue corregido: corrija la versión más reciente.")
    problem = corrections.reason_problem(reason)
    if problem:
        raise CorrectionRefused(problem, 422, field="reason")
    reason = reason.strip()
    try:
        new = store_document(session, plan_id=plan.id, kind=old.kind, title=old.title, upload=upload,
                             uploaded_by_id=actor.id, is_public=old.is_public, withheld_reason=old.withheld_reason,
                             supersedes=old, correction_reason=reason)
    except DocumentRejected as exc:
        session.rollback()
        raise CorrectionRefused(str(exc), 422, field="evidence") from exc
    now = datetime.now(timezone.utc)
    event = PlanEvent(
        plan_id=plan.id, machine=corrections.MACHINE, subject=None, from_state=plan.state, to_state=plan.state,
        trigger=corrections.TRIGGER, actor_id=actor.id, role=role.value, act_on=today, occurred_at=clock().stamp(),
        reference=None, reason=f"{quoted(old.title)}, versión {new.version} (reemplaza la {old.version}): {reason}",
        legal_basis=corrections.LEGAL_BASIS, evidence_ids=[new.id],
        payload={"supersedes": old.id, "previous_version": old.version, "version": new.version,
                 "previous_sha256": old.sha256, "sha256": new.sha256, "title": old.title, "milestones": [],
                 "effects": [], **({"authority": target.filed_by_authority} if target.filed_by_authority else {})},
    )
    plan.updated_at = now
    seal(plan, event, current_app.config["HISTORY_KEY"])  # the plan row moves: its version guards the history
    session.add(event)
    new_file = new.store, new.storage_name  # read before a rollback expires the row
    try:
        session.flush()
        # Who is told is decided above the services (notifications.events), in this same transaction.
        document_corrected.send(session, plan=plan, event=event, document=new, previous=old, actor=actor)
        session.commit()
    except (StaleDataError, IntegrityError) as exc:
        # Another act or correction moved the plan (its version, its history head) since it was read: nothing is
        # written, and the new version's file goes with the rolled-back row. It answered 500 before.
        session.rollback()
        discard_file(*new_file)
        raise CorrectionConflict() from exc
    return new
