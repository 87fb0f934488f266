"""Who may see and do what: `can_*` answers, `require_*` aborts (403, or 404 to hide existence)."""
from __future__ import annotations

from flask import abort
from sqlalchemy import Select, select

from state_machines.roles import Role
from workflow_app.infra.extensions import db
from workflow_app.models import PLAN_GRAPH, Entity, Jurisdiction, Plan, User


def scope_entity_ids(user: User) -> set[int]:
    """The entities the user acts for: its memberships' entities, and (CAR) the municipios of its authority's
    jurisdiction with their departamentos. Memberships are few, so this is resolved once, up front."""
    ids = {m.entity_id for m in user.memberships if m.entity_id is not None}
    codes = {m.authority_code for m in user.memberships if m.authority_code is not None}
    if codes:
        rows = db.session.execute(
            select(Entity.id, Entity.department_code).join(Jurisdiction, Jurisdiction.entity_id == Entity.id)
            .where(Jurisdiction.authority_code.in_(codes))).all()
        ids.update(entity_id for entity_id, _ in rows)
        departments = {dept for _, dept in rows}
        ids.update(db.session.scalars(select(Entity.id).where(Entity.kind == "departamento",
                                                              Entity.department_code.in_(departments))))
    return ids


def visible_plans_query(user: User) -> Select:
    """Plans of the entities the user acts for, or (CAR) of its jurisdiction."""
    return (
        select(Plan)
        .join(Entity, Entity.id == Plan.entity_id)
        .where(Plan.entity_id.in_(scope_entity_ids(user)))
        .order_by(Entity.sort_key)
    )


def roles_on(user: User, plan: Plan) -> set[Role]:
    return user.roles_for(plan.entity)


def can_view_plan(user: User, plan: Plan) -> bool:
    return bool(roles_on(user, plan))


def load_plan_for(user: User, plan_id: int) -> Plan:
    """Load a plan the user may see; 404 otherwise, so foreign plans' existence stays hidden."""
    plan = db.session.get(Plan, plan_id, options=PLAN_GRAPH)
    if plan is None or not can_view_plan(user, plan):
        abort(404)
    return plan


def load_plan_to_read(user: User, plan_id: int) -> Plan:
    """A plan the user may read: as ``load_plan_for``, and an administrator (DNP) reads every plan, as on the
    board. Reading gives no act: the actions offered come from the user's roles on the plan's entity."""
    if user.is_admin:
        return db.session.get(Plan, plan_id, options=PLAN_GRAPH) or abort(404)
    return load_plan_for(user, plan_id)


def require_admin(user: User) -> None:
    if not any(m.role == Role.ADMIN.value for m in user.memberships):
        abort(403)


#: Who gets personal API tokens: the offices that connect their own systems (planning office, environmental
#: authority, DNP advisers, administrators). CTP volunteers, council secretaries, mayors and formulation teams
#: read everything on the pages; the menu and the account page do not offer them a tool they do not need.
API_TOKEN_ROLES = frozenset({Role.PLANEACION, Role.CAR, Role.ASESOR, Role.ADMIN})


def can_use_api_tokens(user: User) -> bool:
    return any(Role(m.role) in API_TOKEN_ROLES for m in user.memberships)


def require_api_tokens(user: User) -> None:
    if not can_use_api_tokens(user):
        abort(403, description="Los tokens de API son para la secretaría de planeación, las autoridades "
                               "ambientales, los asesores y los administradores. Su cuenta consulta todo en las "
                               "páginas, sin token.")
