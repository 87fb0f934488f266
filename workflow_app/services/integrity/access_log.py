"""The access log of the system of record: who read which non-public document or exported what, when and from
where. Written in its own short transaction before the bytes leave; rows are never changed (PostgreSQL trigger)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from state_machines.core.roles import Role
from workflow_app.models import AccessLogEntry, Entity, User

PAGE_SIZE = 100
ACTION_LABELS = {
    "document": "Descarga de documento no público",
    "history_export": "Exportación del historial",
    "board_export": "Exportación del tablero",
    "api_read": "Consulta con token de API",
    "api_refused": "Consulta con token de API rechazada (el plan no es de su cuenta)",
}
READER_ROLES = {Role.EJECUTIVO.value}  # besides administrators


def record_access(session: Session, *, user: User | None, action: str, remote_addr: str | None,
                  entity_id: int | None = None, plan_id: int | None = None, document_id: int | None = None,
                  detail: str = "") -> None:
    session.add(AccessLogEntry(user_id=user.id if user else None, action=action, entity_id=entity_id,
                               plan_id=plan_id, document_id=document_id, detail=detail[:255],
                               remote_addr=(remote_addr or "")[:64] or None))
    session.commit()


def readable_entity_ids(user: User) -> set[int] | None:
    """None: every entity (administrators). Else the entities the user is the ejecutivo of."""
    if user.is_admin:
        return None
    return {m.entity_id for m in user.memberships if m.role in READER_ROLES and m.entity_id is not None}


def can_read_access_log(user: User) -> bool:
    return user.is_admin or bool(readable_entity_ids(user))


@dataclass(frozen=True)
class AccessPage:
    entries: list[AccessLogEntry]
    total: int
    page: int
    pages: int


def access_entries(session: Session, user: User, page: int = 1) -> AccessPage:
    scope = readable_entity_ids(user)
    query = select(AccessLogEntry)
    if scope is not None:
        query = query.where(AccessLogEntry.entity_id.in_(scope))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    entries = session.scalars(query.options(joinedload(AccessLogEntry.user),
                                            joinedload(AccessLogEntry.entity).joinedload(Entity.department))
                              .order_by(AccessLogEntry.id.desc())
                              .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return AccessPage(list(entries), total, page, pages)
