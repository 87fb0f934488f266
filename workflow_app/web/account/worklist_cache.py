"""The inbox's lists (duties with their terms, other acts, the plans followed), rendered once and kept as HTML in
Redis when ``REDIS_URL`` is set (every worker and host shares them), in a small in-process LRU otherwise
(``infra.page_cache``).

What they show is computed from the person's memberships, their plans' rows and procedures, reference rows
(entity, department, period, jurisdictions) and the day, so the key carries:

- the memberships (role, entity, authority, lead), as loaded for the request: they decide the plans in scope and
  the acts offered;
- each plan in scope's id, version, history head and change time, read in one statement that takes the place
  of loading the plans (an act, a correction, a change of settings moves the version; procedures are written only
  inside acts), with the reference data's version (``reference_version``) in the same statement, and each plan's
  exceptional regime's rules (``regime_stamp``: rows loaded with a decree, re-read by each process after a few
  minutes, as every page and act does);
- the Bogotá day (terms left, overdue), the release (templates) and the application root (links).

Plans in a final state (in force: Phase II's terms read their own tables) are not kept: the lists are built on
each visit whenever one of them is in scope.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm.attributes import set_committed_value

from workflow_app.infra.database.as_loaded import RowLoader
from workflow_app.infra.page_cache import LocalCache, RedisCache, app_cache, part_key
from workflow_app.models import Department, Entity, Plan, ReferenceVersion, SurveyResponse, User
from workflow_app.services.route.plans import regime_stamp

_ENTITY = RowLoader(Entity)
_DEPARTMENT = RowLoader(Department)
_SCOPE_STAMP = (
    select(Plan.id, Plan.version, Plan.history_head, Plan.updated_at, Plan.state,
           ReferenceVersion.now(), Plan.regime,
           # Whether the entity answered the month's survey (Monitoreo 360): the survey's notice, without a query.
           exists().where(SurveyResponse.entity_id == Plan.entity_id,
                          SurveyResponse.month == bindparam("survey_month")),
           # The entities with their departments, which the survey's notice names, as the plans' load gave them.
           *_ENTITY.columns, *_DEPARTMENT.columns)
    .join(Entity, Entity.id == Plan.entity_id)
    .join(Department, Department.code == Entity.department_code)
    .where(Plan.entity_id.in_(bindparam("entity_ids", expanding=True)))
    .order_by(Entity.sort_key)
)
_ENTITY_AT = 8  # where the entity's columns start in a row, then the department's
_DEPARTMENT_AT = _ENTITY_AT + len(_ENTITY.fields)


def _cache() -> LocalCache | RedisCache:
    return app_cache("worklist_cache", size=512)


def scope_stamp(session, entity_ids: set[int], survey_month: date) -> tuple[list[tuple], list[Entity], dict[int, bool]]:
    """(id, version, history head, change time, state, reference version, regime) of each plan in scope, in one statement,
    and their entities with their departments: the caller holds them for the request (the session keeps only
    weak references), so the survey's notice finds them without a query, as it found the plans' entities; and,
    by entity, whether it answered the survey of ``survey_month``. Read on the connection (``infra.database.as_loaded``):
    through the ORM the statement cost twice as much, on every visit of the inbox."""
    rows = session.connection().execute(_SCOPE_STAMP, {"entity_ids": sorted(entity_ids),
                                                       "survey_month": survey_month}).all()
    entities = []
    for row in rows:
        entity = _ENTITY.load(session, row[_ENTITY_AT:_DEPARTMENT_AT])
        if "department" not in entity.__dict__:
            set_committed_value(entity, "department", _DEPARTMENT.load(session, row[_DEPARTMENT_AT:]))
        entities.append(entity)
    return [tuple(row)[:7] for row in rows], entities, {row[_ENTITY_AT]: row[7] for row in rows}


def worklist_key(user: User, stamp: list[tuple], today: date) -> str:
    memberships = sorted((m.role, m.entity_id, m.authority_code, m.is_lead) for m in user.memberships)
    plans = [(pid, version, head, changed.isoformat() if changed else None, ref, regime_stamp(regime))
             for pid, version, head, changed, _state, ref, regime in stamp]
    return part_key("worklist", memberships, plans, today.isoformat())


def cached_worklist(key: str) -> str | None:
    return _cache().get(key)


def keep_worklist(key: str, html: str) -> None:
    _cache().set(key, html)
