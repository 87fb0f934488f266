"""Who may see and do what: `can_*` answers, `require_*` aborts (403, or 404 to hide existence)."""
from __future__ import annotations

from flask import abort
from sqlalchemy import Select, false, or_, select

from state_machines.core.roles import Role
from workflow_app.infra.extensions import db
from workflow_app.models import (
    PLAN_GRAPH,
    Entity,
    Jurisdiction,
    Membership,
    Plan,
    User,
)


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


def follows_department(user: User, department_code: str) -> bool:
    """May the person open the board of this departamento: the administrator always; anyone else when one of the
    entities they act for (``scope_entity_ids``) lies in it, whether or not it has a plan in a given period."""
    if user.is_admin:
        return True
    ids = scope_entity_ids(user)
    return bool(ids) and db.session.scalar(
        select(Entity.id).where(Entity.id.in_(ids), Entity.department_code == department_code).limit(1)) is not None


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


def can_read_plan(user: User, plan: Plan) -> bool:
    """May the user read the plan (its page, its history, its documents, through the pages or the API): who acts
    for its entity, and the administrator (the DNP), who reads every plan with no role on it."""
    return user.is_admin or can_view_plan(user, plan)


def require_plan_for(user: User, plan: Plan | None) -> Plan:
    """The plan, if the user acts on it; 404 otherwise (no such plan, or another entity's: its existence stays
    hidden). For a plan read by a service (``reference_cache.load_plan_for_act``) as for ``load_plan_for``'s."""
    if plan is None or not can_view_plan(user, plan):
        abort(404)
    return plan


def load_plan_for(user: User, plan_id: int) -> Plan:
    """Load a plan the user may see; 404 otherwise, so foreign plans' existence stays hidden."""
    return require_plan_for(user, db.session.get(Plan, plan_id, options=PLAN_GRAPH))


def load_plan_to_read(user: User, plan_id: int) -> Plan:
    """A plan the user may read (``readable_roles``): as ``load_plan_for``, and an administrator (DNP) reads every
    plan, as on the board. Reading gives no act: the actions offered come from the user's roles on the plan's
    entity."""
    plan = db.session.get(Plan, plan_id, options=PLAN_GRAPH)
    readable_roles(user, plan)
    return plan


def readable_roles(user: User, plan: Plan | None) -> set[Role]:
    """The user's roles on a plan they read (its page reads it through ``services.route.plan_page``): 404 when
    there is no such plan, or when the user neither acts for its entity nor administers (the DNP's administrator
    reads every plan, with no role on it)."""
    if plan is None or not can_read_plan(user, plan):
        abort(404)
    return roles_on(user, plan)


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
# --- Delegated administration (deny by default) -----------------------------------------------------------------
#
# Who may invite (and deactivate) whom; README "¿Quién invita a quién?" shows the same table:
# - an administrator: everyone, any role, any scope (and marks the leads);
# - the ejecutivo or planeación of an entity: the people of that entity in ENTITY_STAFF_ROLES (its own staff);
# - the CTP and the corporation are independent of the executive (L152 arts. 34, 39.6 and 40): their accounts are
#   administered by their own lead (a ``ctp`` or ``corporacion`` membership with ``is_lead``) or an administrator,
#   never by the alcaldía or gobernación nor its planning office, whose acts they review and decide on;
# - an environmental authority's lead (a CAR membership with ``is_lead``): that authority's CAR staff;
# - nobody else, and nobody may hand out the ejecutivo, asesor, admin or lead roles but an administrator.

ENTITY_MANAGER_ROLES = frozenset({Role.EJECUTIVO.value, Role.PLANEACION.value})
#: The administration's own offices: the planning office and its team, and (Phase II, phase-ii.md §1.2) the
#: secretaría de hacienda and the Consejo de Gobierno's technical secretariat, which only an administrator could
#: invite, so every entity needed the DNP to start its Phase II (QA, December 2026).
ENTITY_STAFF_ROLES = frozenset({Role.EQUIPO.value, Role.PLANEACION.value, Role.HACIENDA.value,
                                Role.CONSEJO_DE_GOBIERNO.value})
INDEPENDENT_ROLES = frozenset({Role.CTP.value, Role.CORPORACION.value})
#: Roles whose membership may be marked as its body's lead (by an administrator).
LEAD_ROLES = frozenset({Role.CAR.value, *INDEPENDENT_ROLES})


def managed_entity_ids(user: User) -> set[int]:
    """Entities whose staff ``user`` manages (as their ejecutivo or planeación)."""
    return {m.entity_id for m in user.memberships if m.role in ENTITY_MANAGER_ROLES and m.entity_id is not None}


def led_authorities(user: User) -> set[str]:
    """Environmental authorities whose staff ``user`` manages (as their lead)."""
    return {m.authority_code for m in user.memberships
            if m.role == Role.CAR.value and m.is_lead and m.authority_code is not None}


def led_bodies(user: User) -> set[tuple[str, int]]:
    """(role, entity id) of the CTPs and corporations whose members ``user`` manages (as their lead)."""
    return {(m.role, m.entity_id) for m in user.memberships
            if m.role in INDEPENDENT_ROLES and m.is_lead and m.entity_id is not None}


def can_invite(user: User, role: str, entity_id: int | None, authority_code: str | None,
               is_lead: bool = False) -> bool:
    if not user.is_active_account:
        return False
    if user.is_admin:
        return True
    if is_lead:
        return False
    if role in ENTITY_STAFF_ROLES and entity_id is not None:
        return entity_id in managed_entity_ids(user)
    if role in INDEPENDENT_ROLES and entity_id is not None:
        return (role, entity_id) in led_bodies(user)
    if role == Role.CAR.value and authority_code is not None:
        return authority_code in led_authorities(user)
    return False


def can_manage_person(user: User, target: User) -> bool:
    """Deactivate, reactivate or send a new link: only when every role of ``target`` is one ``user`` could hand
    out (a person with a role in another entity, or in a body independent of ``user``, is managed by an
    administrator)."""
    if target.id == user.id or not target.memberships:
        return user.is_admin and target.id != user.id
    if user.is_admin:
        return True
    return _could_give_every_role(user, target)


def _could_give_every_role(user: User, target: User) -> bool:
    return all(can_invite(user, m.role, m.entity_id, m.authority_code, m.is_lead) for m in target.memberships)


def can_add_role_to(user: User, target: User) -> bool:
    """Give one more role to an account that already exists: an administrator, or whoever could have given every
    role it already holds. A CTP's or a Concejo's lead cannot pull the mayor, the environmental authority, an
    administrator or another entity's people into their body (issue 19: separation of the route's actors), nor
    add a role to themselves; those go through an administrator."""
    if user.is_admin:
        return True
    if target.id == user.id:
        return False
    return _could_give_every_role(user, target)


def in_scope_of(user: User, membership: Membership) -> bool:
    """Whether «Personas» shows ``user`` this role of someone listed: an administrator sees every role; a manager
    or a body's lead the roles of their own entity or body (a lead's own included), never what the person holds
    elsewhere."""
    return user.is_admin or can_invite(user, membership.role, membership.entity_id, membership.authority_code)


def can_remove_membership(user: User, membership: Membership) -> bool:
    """Take one role away: whoever could have given it, never from oneself (an administrator asks another one;
    so the service always keeps an administrator and nobody locks themselves out by mistake)."""
    if membership.user_id == user.id:
        return False
    return can_invite(user, membership.role, membership.entity_id, membership.authority_code, membership.is_lead)


def can_manage_people(user: User) -> bool:
    return user.is_admin or bool(managed_entity_ids(user)) or bool(led_authorities(user)) or bool(led_bodies(user))


def require_manage_people(user: User) -> None:
    if not can_manage_people(user):
        abort(403)


def people_in_scope_query(user: User) -> Select:
    """The accounts with a role ``user`` manages (everyone for an admin)."""
    query = select(User).order_by(User.name, User.email)
    if user.is_admin:
        return query
    entities, authorities = managed_entity_ids(user), led_authorities(user)
    clauses = []
    if entities:
        clauses.append(Membership.entity_id.in_(entities) & Membership.role.in_(ENTITY_STAFF_ROLES))
    for role, entity_id in sorted(led_bodies(user)):
        clauses.append((Membership.role == role) & (Membership.entity_id == entity_id))
    if authorities:
        clauses.append((Membership.role == Role.CAR.value) & Membership.authority_code.in_(authorities))
    if not clauses:
        return query.where(false())
    return query.where(User.id.in_(select(Membership.user_id).where(or_(*clauses))))


def can_edit_entity_settings(user: User, entity: Entity) -> bool:
    """Posesión, category, non-working days, regime: the entity's ejecutivo or planeación, or an admin."""
    return user.is_admin or entity.id in managed_entity_ids(user)


def require_entity_settings(user: User, entity: Entity) -> None:
    if not can_edit_entity_settings(user, entity):
        abort(403)


#: Who edits an entity's budget statute (Phase II): its executive or its secretaría de hacienda.
STATUTE_EDITOR_ROLES = frozenset({Role.EJECUTIVO, Role.HACIENDA})


def can_edit_statute(user: User, entity: Entity) -> bool:
    """The administrator, or the entity's executive or secretaría de hacienda (their own statute)."""
    return user.is_admin or bool(STATUTE_EDITOR_ROLES & user.roles_for(entity))
