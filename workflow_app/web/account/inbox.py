"""The plans a user follows (the list under "Mis pendientes")."""
from __future__ import annotations

from sqlalchemy.orm import joinedload, selectinload

from workflow_app.infra.extensions import db
from workflow_app.models import Entity, Plan, User
from workflow_app.permissions import visible_plans_query


def plans_in_scope(user: User) -> list[Plan]:
    query = visible_plans_query(user).options(joinedload(Plan.entity).joinedload(Entity.department),
                                              joinedload(Plan.period), selectinload(Plan.procedures))
    return db.session.scalars(query).all()
