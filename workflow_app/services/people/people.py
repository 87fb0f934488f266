"""Who holds which role for a plan (the recipients of reminders and notices)."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from state_machines.core.roles import Role
from workflow_app.models import Membership, Plan, User, authority_codes_of


def users_with_roles(session: Session, plan: Plan, roles: frozenset[Role] | set[Role],
                     authority: str | None = None) -> list[User]:
    """Active users acting for the plan's entity in ``roles``; CAR users of ``authority`` (or of any authority
    with jurisdiction over the entity when no authority is named)."""
    values = [r.value for r in roles]
    clauses = [(Membership.entity_id == plan.entity_id) & Membership.role.in_(values)]
    if Role.CAR in roles:
        codes = [authority] if authority else list(authority_codes_of(plan.entity))
        clauses.append((Membership.role == Role.CAR.value) & Membership.authority_code.in_(codes))
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(or_(*clauses), User.is_active_account.is_(True)).distinct().order_by(User.id))
    return session.scalars(query).all()


class Recipients:
    """The active people of a plan's entity (and of the authorities with jurisdiction over it) by role, read in
    one query, answering ``users_with_roles`` for several duties of one act without a query per duty."""

    def __init__(self, session: Session, plan: Plan, roles: set[Role], authorities: set[str | None]):
        self.plan = plan
        values = sorted(r.value for r in roles)
        clauses = [(Membership.entity_id == plan.entity_id) & Membership.role.in_(values)]
        self._all_codes = list(authority_codes_of(plan.entity)) \
            if Role.CAR in roles and None in authorities else []
        if Role.CAR in roles:
            codes = sorted({a for a in authorities if a} | set(self._all_codes))
            clauses.append((Membership.role == Role.CAR.value) & Membership.authority_code.in_(codes))
        rows = session.execute(select(User, Membership.role, Membership.entity_id, Membership.authority_code)
                               .join(Membership, Membership.user_id == User.id)
                               .where(or_(*clauses), User.is_active_account.is_(True))).all()
        self._rows = rows

    def users(self, roles, authority: str | None = None) -> list[User]:
        """What ``users_with_roles(session, plan, roles, authority)`` answers."""
        values = {r.value for r in roles}
        codes = {authority} if authority else set(self._all_codes)
        found = {}
        for user, role, entity_id, code in self._rows:
            if role in values and entity_id == self.plan.entity_id:
                found[user.id] = user
            elif role == Role.CAR.value and Role.CAR.value in values and code in codes:
                found[user.id] = user
        return [found[k] for k in sorted(found)]


def acting_user(session: Session, user_id: int) -> User | None:
    """The person who acts, with the memberships ``apply_act`` authorises with, in one query (as the web's
    ``load_user`` does)."""
    return session.get(User, user_id, options=(joinedload(User.memberships),))
