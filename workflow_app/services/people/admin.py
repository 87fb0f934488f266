"""Administration use cases besides invitations (``services.people.accounts``): giving and removing roles of an
existing account, each recorded in the people log."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow_app.models import Membership, User
from workflow_app.permissions import LEAD_ROLES, can_invite, can_remove_membership
from workflow_app.services.people.accounts import AccountError, refuse_side_conflict, resolve_scope
from workflow_app.services.people.people_log import record_people_change


def add_membership(session: Session, actor: User, user: User, role: str, dane_code: str | None,
                   authority_code: str | None, is_lead: bool = False) -> Membership:
    entity_id, authority = resolve_scope(session, role, dane_code, authority_code)
    is_lead = bool(is_lead) and role in LEAD_ROLES
    if not can_invite(actor, role, entity_id, authority, is_lead):
        raise AccountError("role", "Su cuenta no puede dar ese rol en esa entidad.")
    existing = session.scalar(select(Membership).filter_by(user_id=user.id, role=role, entity_id=entity_id,
                                                           authority_code=authority))
    if existing is not None:
        if existing.is_lead == is_lead:
            raise AccountError("role", "La cuenta ya tiene ese rol en esa entidad.")
        existing.is_lead = is_lead  # an administrator marks (or unmarks) a body's lead
        record_people_change(session, actor=actor, target=user, action="grant", membership=existing,
                             detail="marcado como líder" if is_lead else "deja de ser líder")
        session.commit()
        return existing
    refuse_side_conflict(user, role, entity_id)
    membership = Membership(user_id=user.id, role=role, entity_id=entity_id, authority_code=authority,
                            is_lead=is_lead)
    session.add(membership)
    session.flush()
    record_people_change(session, actor=actor, target=user, action="grant", membership=membership,
                         detail="líder" if is_lead else "")
    session.commit()
    return membership


def remove_membership(session: Session, actor: User, membership_id: int) -> Membership:
    """Take one role away from a person. The database drops the sign-in copy of their memberships in the same
    transaction (trigger on ``memberships``), so every open session and every API token of the person loses the
    role on its next request. Recorded in the people log."""
    membership = session.get(Membership, membership_id)
    if membership is None or not can_remove_membership(actor, membership):
        raise AccountError("membership", "Ese rol no existe o su cuenta no puede quitarlo.")
    target = membership.user
    record_people_change(session, actor=actor, target=target, action="remove_role", membership=membership,
                         detail="era líder" if membership.is_lead else "")
    session.delete(membership)
    session.commit()
    return membership
