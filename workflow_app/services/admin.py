"""Administration use cases: accounts, memberships, entity settings. Each validates, writes and commits once."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from state_machines.roles import Role
from workflow_app.models import Entity, EnvironmentalAuthority, Membership, User


class AdminError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _scope(session: Session, role: str, dane_code: str | None, authority_code: str | None):
    if role == Role.ADMIN.value:
        return None, None
    if role == Role.CAR.value:
        code = (authority_code or "").strip().upper()
        if session.get(EnvironmentalAuthority, code) is None:
            raise AdminError("authority_code", "Esa autoridad ambiental no existe. Use su sigla, por ejemplo CRQ.")
        return None, code
    entity = session.scalar(select(Entity).filter_by(dane_code=(dane_code or "").strip()))
    if entity is None:
        raise AdminError("dane_code", "No hay una entidad con ese código DANE.")
    return entity.id, None


def add_membership(session: Session, user: User, role: str, dane_code: str | None, authority_code: str | None) -> Membership:
    entity_id, authority = _scope(session, role, dane_code, authority_code)
    existing = session.scalar(select(Membership).filter_by(user_id=user.id, role=role, entity_id=entity_id,
                                                           authority_code=authority))
    if existing is not None:
        raise AdminError("role", "La cuenta ya tiene ese rol en esa entidad.")
    membership = Membership(user_id=user.id, role=role, entity_id=entity_id, authority_code=authority)
    session.add(membership)
    session.commit()
    return membership


def create_user(session: Session, *, email: str, name: str, password: str, role: str, dane_code: str | None,
                authority_code: str | None) -> User:
    email = email.strip().lower()
    if session.scalar(select(User).where(func.lower(User.email) == email)) is not None:
        raise AdminError("email", "Ya existe una cuenta con ese correo.")
    entity_id, authority = _scope(session, role, dane_code, authority_code)
    user = User(email=email, name=name.strip())
    user.set_password(password)
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, role=role, entity_id=entity_id, authority_code=authority))
    session.commit()
    return user


def set_active(session: Session, user: User, is_active: bool) -> None:
    user.is_active_account = is_active
    session.commit()


def update_entity_settings(session: Session, entity: Entity, fiscal_category: str | None, weekdays: list[str],
                           executive_title: str | None = None) -> None:
    days = sorted({int(d) for d in weekdays})
    if len(days) == 7:
        raise AdminError("nonworking_weekdays", "La entidad debe atender al menos un día de la semana.")
    titles = ("alcalde", "alcaldesa") if entity.kind != "departamento" else ("gobernador", "gobernadora")
    if executive_title and executive_title not in titles:
        raise AdminError("executive_title", f"Para esta entidad el cargo es {' o '.join(titles)}.")
    entity.executive_title = executive_title or None
    entity.fiscal_category = fiscal_category or None
    entity.nonworking_weekdays = ",".join(str(d) for d in days)
    session.commit()
