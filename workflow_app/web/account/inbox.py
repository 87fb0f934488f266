"""The plans a user follows (the list under "Mis pendientes")."""
from __future__ import annotations

from sqlalchemy.orm import joinedload

from workflow_app.infra.extensions import db
from workflow_app.models import Entity, Plan, User
from workflow_app.permissions import visible_plans_query


def plans_in_scope(user: User) -> list[Plan]:
    """One statement: the plans with their entity, department, period and procedures joined (a person follows a
    few plans, each with a handful of procedures, so the joined rows stay few)."""
    query = visible_plans_query(user).options(joinedload(Plan.entity).joinedload(Entity.department),
                                              joinedload(Plan.period), joinedload(Plan.procedures))
    return db.session.scalars(query).unique().all()
