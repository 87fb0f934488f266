"""The people log: who invited, gave or removed a role, deactivated, reactivated or sent a password link to whom,
and when. Written in the same transaction as the change it records (the change and its record stand or fall
together); rows are never changed (PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE). Shown to
administrators (*Administración › Registro de personas*)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from workflow_app.models import Entity, Membership, PeopleLogEntry, User

PAGE_SIZE = 100
ACTION_LABELS = {
    "invite": "Invitó (cuenta nueva)",
    "grant": "Dio un rol",
    "remove_role": "Quitó un rol",
    "deactivate": "Desactivó la cuenta",
    "reactivate": "Reactivó la cuenta",
    "send_link": "Envió un enlace de contraseña",
}


def record_people_change(session: Session, *, actor: User | None, target: User, action: str,
                         membership: Membership | None = None, detail: str = "") -> None:
    """One row, added to the caller's transaction (no commit). ``actor`` None: the command line."""
    session.add(PeopleLogEntry(
        actor_id=actor.id if actor is not None else None, target_id=target.id, action=action,
        role=membership.role if membership is not None else None,
        entity_id=membership.entity_id if membership is not None else None,
        authority_code=membership.authority_code if membership is not None else None, detail=detail[:255]))


@dataclass(frozen=True)
class PeopleLogPage:
    entries: list[PeopleLogEntry]
    total: int
    page: int
    pages: int


def people_log_page(session: Session, page: int = 1) -> PeopleLogPage:
    total = session.scalar(select(func.count()).select_from(PeopleLogEntry)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    entries = session.scalars(select(PeopleLogEntry).options(
        joinedload(PeopleLogEntry.actor), joinedload(PeopleLogEntry.target),
        joinedload(PeopleLogEntry.entity).joinedload(Entity.department))
        .order_by(PeopleLogEntry.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return PeopleLogPage(list(entries), total, page, pages)
