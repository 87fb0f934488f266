"""Administration use cases besides invitations (``services.people.accounts``): roles of an existing account."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from state_machines.roles import Role
from workflow_app.models import Membership, User
from workflow_app.permissions import can_invite
from workflow_app.services.people.accounts import AccountError, resolve_scope

AdminError = AccountError


def add_membership(session: Session, actor: User, user: User, role: str, dane_code: str | None,
                   authority_code: str | None, is_lead: bool = False) -> Membership:
    entity_id, authority = resolve_scope(session, role, dane_code, authority_code)
    is_lead = bool(is_lead) and role == Role.CAR.value
    if not can_invite(actor, role, entity_id, authority, is_lead):
        raise AccountError("role", "Su cuenta no puede dar ese rol en esa entidad.")
    existing = session.scalar(select(Membership).filter_by(user_id=user.id, role=role, entity_id=entity_id,
                                                           authority_code=authority))
    if existing is not None:
        if existing.is_lead == is_lead:
            raise AccountError("role", "La cuenta ya tiene ese rol en esa entidad.")
        existing.is_lead = is_lead  # an administrator marks (or unmarks) an authority's lead
        session.commit()
        return existing
    membership = Membership(user_id=user.id, role=role, entity_id=entity_id, authority_code=authority,
                            is_lead=is_lead)
    session.add(membership)
    session.commit()
    return membership
