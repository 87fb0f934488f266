"""Reference rows an act reads (entity, department, period, jurisdictions), kept in the process by version.

``reference_version`` is one row whose number goes up in the same transaction as any change of an entity,
department, environmental authority, jurisdiction or period (an ORM ``before_flush`` hook below: entity
settings, ``load_reference``, an administrator's edit), and by hand after raw SQL that changes them. An act reads
that number in the same query as its plan (a scalar subquery: no extra round trip); when it differs from the
number the cached rows were read under, they are read again. The rows are then placed in the act's session
as if loaded (``infra.database.as_loaded.RowLoader``, ``set_committed_value``): ``plan.entity``, its department and
``plan.period`` need no SQL.
"""
from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import JSON, Select, bindparam, case, event, func, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from workflow_app.infra.database.as_loaded import RowLoader
from workflow_app.models import (
    Department,
    Entity,
    EnvironmentalAuthority,
    Jurisdiction,
    Period,
    Plan,
    Procedure,
    ReferenceVersion,
    jurisdictions_of,
)

REFERENCE_MODELS = (Entity, Department, EnvironmentalAuthority, Jurisdiction, Period)


@dataclass(frozen=True)
class _Rows:
    entity: tuple
    department: tuple
    authority_codes: tuple[str, ...]


_lock = threading.Lock()
_keys: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine → its URL as text, rendered once
_cache: dict[str, dict] = {}  # database URL → {"version": n, "entities": {id: _Rows}, "periods": {id: tuple}}
_AS_LOADED = {model: RowLoader(model) for model in (Entity, Department, Period)}  # how the rows are kept and put back


def _columns(obj) -> tuple:
    return tuple(getattr(obj, field) for field in _AS_LOADED[type(obj)].fields)


def bump_reference_version(session: Session) -> None:
    """Call after changing reference rows with raw SQL (the ORM hook covers ORM changes)."""
    session.execute(update(ReferenceVersion).where(ReferenceVersion.id == 1)
                    .values(version=ReferenceVersion.version + 1))


def _database_key(bind) -> str:
    """The cache's key for the database ``bind`` reaches: its URL (the same database through two engines shares
    one entry), rendered once per engine."""
    key = _keys.get(bind)
    if key is None:
        key = _keys[bind] = bind.url.render_as_string(hide_password=True)
    return key


@event.listens_for(Session, "before_flush")
def _bump_on_reference_change(session: Session, _context, _instances) -> None:
    changed = any(isinstance(obj, REFERENCE_MODELS) for obj in (*session.new, *session.deleted)) or any(
        isinstance(obj, REFERENCE_MODELS) and session.is_modified(obj, include_collections=False)
        for obj in session.dirty)
    if changed:
        bump_reference_version(session)


def load_plan_for_act(session: Session, plan_id: int) -> Plan | None:
    """The plan and its procedures in one query that also reads ``reference_version``; entity, department,
    period and the entity's authorities from the cache when that version is the cached one. A plan this
    transaction already read (a page's own ``load_plan_for``) is used as is, without SQL, as ``session.get``
    would: its version is still checked when the act writes it."""
    return load_act_plan(session, plan_id)[0]


def load_act_plan(session: Session, plan_id: int, reserve_document_id: bool = False
                  ) -> tuple[Plan | None, int | None]:
    """``load_plan_for_act``; with ``reserve_document_id`` (PostgreSQL), also the id the act's evidence row will
    have (``nextval`` of its sequence, in the same query): the history row is sealed with it before the row is
    written. A refused act leaves a gap in the numbering, as any rolled-back INSERT does.

    The plan and its procedures are read on the connection, below the ORM's execution path (one row per
    procedure, the plan's columns repeated, as a joined eager load reads them), and made into the session's
    objects by ``RowLoader`` (``infra.database.as_loaded``): the procedures set as the plan's loaded collection, in
    the relationship's order (by id)."""
    loaded = session.identity_map.get(_PLAN.key(plan_id))
    if loaded is not None:
        if {"version", "procedures", "entity", "period"} <= loaded.__dict__.keys():
            return loaded, session.scalar(_RESERVE_DOCUMENT_ID) if reserve_document_id else None
        return _load_with_orm(session, plan_id, reserve_document_id)
    plan, alongside = read_plan(session, _act_plan_query(reserve_document_id), {"plan_id": plan_id})
    if plan is None:
        return None, None
    return plan, alongside[1] if reserve_document_id else None


def read_plan(session: Session, query, params: dict) -> tuple[Plan | None, tuple]:
    """Run ``query`` (built by ``plan_query``) and make its rows into the plan with its procedures, its entity,
    department and period from the cache; with the values read after the procedures' columns (first row):
    ``reference_version``, then the query's own ``alongside``."""
    rows = session.connection().execute(query, params).all()
    if not rows:
        return None, ()
    first = rows[0]
    plan = _PLAN.load(session, first[:_PLAN_WIDTH])
    if "procedures" not in plan.__dict__:
        procedures = [] if first[_PLAN_WIDTH] is None else [
            _PROCEDURE.load(session, row[_PLAN_WIDTH:_PROCEDURE_END]) for row in rows]
        set_committed_value(plan, "procedures", procedures)
    return _with_references(session, plan, first[_PROCEDURE_END]), tuple(first[_PROCEDURE_END:])


def _load_with_orm(session: Session, plan_id: int, reserve_document_id: bool) -> tuple[Plan | None, int | None]:
    """A plan the session holds but has not fully loaded (expired after a COMMIT, or read without its procedures):
    through the ORM, which refreshes what is expired and fills what is missing."""
    row = session.execute(select(Plan, *_alongside(reserve_document_id)).where(Plan.id == plan_id)
                          .options(joinedload(Plan.procedures))).unique().first()
    if row is None:
        return None, None
    return _with_references(session, row[0], row[1]), row[2] if reserve_document_id else None


#: The id the act's evidence row will have (``nextval`` of its sequence). In the plan's query it is an
#: uncorrelated scalar subquery: evaluated once however many rows the joined procedures make.
_RESERVE_DOCUMENT_ID = select(func.nextval(func.pg_get_serial_sequence("documents", "id")))
_PLAN = RowLoader(Plan)
_PROCEDURE = RowLoader(Procedure)
_PLAN_WIDTH = len(_PLAN.fields)
_PROCEDURE_END = _PLAN_WIDTH + len(_PROCEDURE.fields)


def _reserved(reserve_document_id: bool) -> tuple:
    """The reserved id as a column, when asked."""
    return (_RESERVE_DOCUMENT_ID.scalar_subquery(),) if reserve_document_id else ()


def _alongside(reserve_document_id: bool) -> tuple:
    """What the act's read of its plan also reads: ``reference_version`` and, when asked, the reserved id."""
    return (ReferenceVersion.now(), *_reserved(reserve_document_id))


@lru_cache(maxsize=2)
def _act_plan_query(reserve_document_id: bool):
    """The act's plan query, built once per shape (with or without the reserved document id)."""
    return plan_query(*_reserved(reserve_document_id))


def plan_query(*alongside) -> Select:
    """A plan read on the connection (``read_plan``): the plan's columns, its procedures' (outer-joined, by id),
    ``reference_version`` and the columns ``alongside``; the plan's id is the bound parameter ``plan_id``. The
    caller may join more (``Select.outerjoin``) for what it reads alongside, one row for the plan."""
    return (select(*_plan_read_columns(), *_PROCEDURE.columns, ReferenceVersion.now(), *alongside)
            .select_from(Plan.__table__.outerjoin(Procedure.__table__, Procedure.plan_id == Plan.id))
            .where(Plan.id == bindparam("plan_id")).order_by(Procedure.id))


@lru_cache(maxsize=1)
def _plan_read_columns() -> tuple:
    """The plan's columns, its JSON documents (dates, flags, D683 articles) on the first row only: the plan's
    columns repeat on every procedure row, ``read_plan`` takes the plan from the first, and the driver decoded
    every copy of them (three JSON documents a row, most of an act's JSON decoding)."""
    first_row = func.row_number().over(order_by=Procedure.id) == 1
    return tuple(case((first_row, column)) if isinstance(column.type, JSON) else column for column in _PLAN.columns)


def _with_references(session: Session, plan: Plan, version: int | None) -> Plan:
    """Entity, department, period and the entity's authorities set on ``plan`` from the cache (read again when
    ``version`` is not the cached one)."""
    if version is None:  # a database without the row (created without migrations): no cache
        return plan
    url = _database_key(session.get_bind())
    with _lock:
        entry = _cache.get(url)
        if entry is None or entry["version"] != version:
            entry = _cache[url] = {"version": version, "entities": {}, "periods": {}}
        rows = entry["entities"].get(plan.entity_id)
        period = entry["periods"].get(plan.period_id)
    if rows is None or period is None:
        # Read under the version just seen (a change committed meanwhile bumps it past ``version`` and the next
        # act reads again), from the database even when the session holds older copies (populate_existing).
        entity = session.get(Entity, plan.entity_id, options=(joinedload(Entity.department),),
                             populate_existing=True)
        codes = tuple(sorted({j.authority_code for j in jurisdictions_of(entity)}))
        rows = _Rows(_columns(entity), _columns(entity.department), codes)
        period = _columns(session.get(Period, plan.period_id, populate_existing=True))
        with _lock:
            if _cache.get(url) is entry:
                entry["entities"][plan.entity_id] = rows
                entry["periods"][plan.period_id] = period
    # Set as loaded relationships (no history, no SQL): the plan holds them, the identity map only weakly.
    entity = _AS_LOADED[Entity].load(session, rows.entity)
    if "department" not in entity.__dict__:
        set_committed_value(entity, "department", _AS_LOADED[Department].load(session, rows.department))
    entity.__dict__.setdefault("_authority_codes", rows.authority_codes)
    set_committed_value(plan, "entity", entity)
    set_committed_value(plan, "period", _AS_LOADED[Period].load(session, period))
    return plan
