"""Who holds which role for a plan (the recipients of reminders and notices)."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import Session

from state_machines.core.roles import Role
from workflow_app.models import Membership, Plan, User, authority_codes_of
from workflow_app.services.people.accounts import signed_in_user


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
    one query, answering ``users_with_roles`` for several duties of one act without a query per duty. The people
    are plain rows (``id``, ``email``, ``name``, ``wants_immediate_email``): what the outbox needs to tell them."""

    def __init__(self, session: Session, plan: Plan, roles: set[Role], authorities: set[str | None]):
        self.plan = plan
        params = {"entity_id": plan.entity_id, "roles": sorted(r.value for r in roles)}
        self._all_codes = list(authority_codes_of(plan.entity)) \
            if Role.CAR in roles and None in authorities else []
        if Role.CAR in roles:
            params["codes"] = sorted({a for a in authorities if a} | set(self._all_codes))
        self._rows = session.execute(_recipients_query(Role.CAR in roles), params).all()

    def users(self, roles, authority: str | None = None) -> list:
        """The people ``users_with_roles(session, plan, roles, authority)`` names, as rows."""
        values = {r.value for r in roles}
        codes = {authority} if authority else set(self._all_codes)
        found = {}
        for row in self._rows:
            if row.role in values and row.entity_id == self.plan.entity_id:
                found[row.id] = row
            elif row.role == Role.CAR.value and Role.CAR.value in values and row.authority_code in codes:
                found[row.id] = row
        return [found[k] for k in sorted(found)]


@lru_cache(maxsize=2)
def _recipients_query(with_car: bool) -> Select:
    """``Recipients``' query, built once per shape (with or without the environmental authorities' clause)."""
    clause = (Membership.entity_id == bindparam("entity_id")) & Membership.role.in_(bindparam("roles", expanding=True))
    if with_car:
        clause = clause | ((Membership.role == Role.CAR.value)
                           & Membership.authority_code.in_(bindparam("codes", expanding=True)))
    return (select(User.id, User.email, User.name, User.wants_immediate_email, Membership.role, Membership.entity_id,
                   Membership.authority_code)
            .join(Membership, Membership.user_id == User.id).where(clause, User.is_active_account.is_(True)))


def acting_user(session: Session, user_id: int) -> User | None:
    """The person who acts, with the memberships ``apply_act`` authorises with, loaded as the web's
    ``load_user`` loads the signed-in person (``accounts.signed_in_user``: the users row and its copy of the
    memberships, one query)."""
    return signed_in_user(session, user_id)
