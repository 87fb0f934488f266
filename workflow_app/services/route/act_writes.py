"""The act's writes in SQLAlchemy Core (issue 22): one reviewed sequence of statements, no unit of work.

``apply_act`` keeps working on the plan and its procedures as loaded objects (the law's snapshots and the effects
read and change them in memory); what it must write is then sent here, statement by statement, in the act's
own transaction, in this order:

1. ``UPDATE plans SET state, event_dates, flags, last_route_act_on, updated_at, history_head, version = v + 1
   WHERE id = :id AND version = v`` — the optimistic lock: a row count other than 1 means another writer moved
   the plan since it was read; ``StaleDataError`` is raised (``apply_act`` answers ``PlanConflict``, nothing is
   written) before any other statement of the act. The row lock it takes orders concurrent acts on one plan.
2. ``UPDATE procedures SET state, data WHERE id = :id`` — the procedures the act changed (its own sub-procedure,
   a linked one, the answers to the concepts), one executemany; none on most acts.
3. Objects the rare effects create (a frozen PPI, a session record) go through the ORM's flush: a handful of acts
   in a plan's life, each a different shape. When all the act created is sub-procedures (a CAR's or the CTP's
   review, an amendment, a hearing, the Phase II procedures at the entry into force), PostgreSQL writes them
   with steps 4 and the evidence and summary rows in one statement after step 1 (``_one_statement``).
4. ``INSERT INTO plan_events … RETURNING id`` — the sealed history row (``workflow_app.history.seal``: its hash
   chain and HMAC were computed over these very values before the plan row took the new head). On PostgreSQL a
   trigger anchors the head in ``history_heads`` within the same statement.

The evidence row (``documents.insert_document``) comes before step 1: its id is part of the sealed row. The
board's summary row is written here with the act's other rows (``board_summary.act_parameters``), and so are the
evidence's bytes in the database store when they fit one chunk (``with_chunk``: a PDF under 1 MB); the notices
follow from the ``act_recorded`` listeners (one statement each, Core), and the caller commits once. The loaded objects are then marked as written (their pending changes committed in
memory), so the session's flush at COMMIT has nothing left to send.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import JSON, bindparam, func, insert, literal_column, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.exc import StaleDataError

from workflow_app.models import Document, DocumentChunk, Plan, PlanEvent, Procedure, recorded_now, utcnow
from workflow_app.services.monitoring import board_summary
from workflow_app.services.route.documents import next_version, raise_if_version_taken

_PLANS = Plan.__table__
_PROCEDURES = Procedure.__table__
_EVENTS = PlanEvent.__table__
_DOCUMENTS = Document.__table__
_CHUNKS = DocumentChunk.__table__

#: The plan's columns an act may change (its state, the dates the calendar counts from, its flags, the last
#: route act's date, its history head, its time of change); the version moves with them.
PLAN_COLUMNS = ("state", "event_dates", "flags", "last_route_act_on", "updated_at", "history_head")
EVENT_COLUMNS = ("plan_id", "machine", "subject", "from_state", "to_state", "trigger", "actor_id", "role",
                 "occurred_at", "act_on", "reference", "reason", "legal_basis", "evidence_ids", "payload",
                 "prev_hash", "row_hash", "row_mac")

#: The new version, written into the SQL rather than bound (psycopg's cache: ``_one_statement``).
_NEXT_VERSION = _PLANS.c.version + literal_column("1")
_UPDATE_PLAN = (_PLANS.update()
                .where(_PLANS.c.id == bindparam("p_id"), _PLANS.c.version == bindparam("p_read_version"))
                .values(version=_NEXT_VERSION, **{c: bindparam(f"p_{c}") for c in PLAN_COLUMNS}))
_UPDATE_PROCEDURE = (_PROCEDURES.update().where(_PROCEDURES.c.id == bindparam("proc_id"))
                     .values(state=bindparam("state"), data=bindparam("data")))
_INSERT_EVENT = _EVENTS.insert().returning(_EVENTS.c.id)


def write_act(session: Session, plan: Plan, event: PlanEvent, document: dict | None = None,
              chunk: bytes | None = None) -> bool:
    """Write the act ``event`` records, the plan as the act left it, the evidence row ``document`` (its values,
    ``documents.document_values`` with its reserved ``id``; PostgreSQL) and the board's summary row.
    ``plan.version`` is the version read; on return it is the new one and ``event.id`` is set. Raises
    ``StaleDataError`` (another writer moved the plan) or ``DocumentConflict``; the caller rolls back.
    ``chunk``: the evidence's bytes for the database store (``PreparedEvidence.single_chunk``), written with its
    row when the act is one statement; returns whether they were (if not, the caller writes them)."""
    chunk = chunk if document is not None else None  # the bytes go only with their row
    with session.no_autoflush:  # the plan's pending changes are sent here, never by an autoflush
        read_version = plan.version
        changed = [p for p, state in ((p, instance_state(p)) for p in plan.procedures)
                   if state.persistent and state.modified]
        created = _created_procedures(session, plan)
        try:
            if created is None or session.get_bind().dialect.name != "postgresql":
                _write_in_steps(session, plan, event, document, changed)
                board_summary.keep_current(session, plan, event, read_version)
                return False
            _write_in_one_statement(session, plan, event, document, created, chunk)
            _write_procedures(session, changed)
            return chunk is not None
        except IntegrityError as exc:
            raise_if_version_taken(exc)
            raise


def _created_procedures(session: Session, plan: Plan) -> list[Procedure] | None:
    """The sub-procedures the act's effects started (pending in the session, in the order they were started),
    when they are all the act created; None when it created anything else (a frozen PPI, a session record …),
    which the ORM's flush writes in steps."""
    if not session.new:
        return []
    new = session.new
    created = [p for p in plan.procedures if p in new]
    return created if len(created) == len(new) else None


def _write_procedures(session: Session, changed: list[Procedure]) -> None:
    """The act's own sub-procedure, a linked one, the answered concepts: one executemany, after the plan's lock."""
    if changed:
        session.execute(_UPDATE_PROCEDURE, [{"proc_id": p.id, "state": p.state, "data": p.data} for p in changed])
        for proc in changed:
            _mark_written(session, instance_state(proc))


def _plan_values(plan: Plan) -> dict:
    return {f"p_{c}": getattr(plan, c) for c in PLAN_COLUMNS}


@lru_cache(maxsize=8)
def _one_statement(with_document: bool, with_procedures: bool = False, with_chunk: bool = False):
    """The PostgreSQL statement of ``_write_in_one_statement``, built once per shape (with or without the
    evidence row and its bytes, with or without new sub-procedures) from bound parameters, each named for its part so that none
    is taken for a column of another table: the plan's (``p_*``), the history row's (``ev_*``), the summary
    row's (``s_*``, ``board_summary.act_parameters``), the document's (``doc_*``) and the new procedures'
    (``n_*``)::

        WITH p AS (UPDATE plans SET …, version = version + 1 WHERE id = :p_id AND version = :p_read_version
                   RETURNING id),
             e AS (INSERT INTO plan_events (…) SELECT :ev_… FROM p RETURNING id),
             s AS (UPDATE plan_summaries SET … WHERE plan_id = :s_plan_id AND plan_version = :s_read_version
                   AND plan_id IN (SELECT id FROM p) RETURNING plan_id),
             d AS (INSERT INTO documents (…, version) SELECT :doc_…, (SELECT max(version) + 1 …) FROM p
                   RETURNING id),
             c AS (INSERT INTO document_chunks (storage_name, seq, data) SELECT :doc_storage_name, 0, :doc_chunk
                   FROM d RETURNING seq)                  -- only ``with_chunk``: the database store's PDF
        SELECT (SELECT id FROM e), (SELECT count(*) FROM s), (SELECT count(*) FROM d), (SELECT count(*) FROM c)

    With new sub-procedures (``_created_procedures``) the plan's guarded UPDATE has been sent on its own just
    before (``_update_plan``, as the steps send it: its row count answers the lock), ``p`` is the locked plan's id
    (``SELECT :p_id AS id``), and one more part inserts them, from one JSON array in the order they were started
    so that their ids follow that order as the ORM's flush gave them::

             n AS (INSERT INTO procedures (plan_id, machine, subject, state, data, created_at)
                   SELECT p.id, x.value ->> 'machine', …, :n_created_at
                   FROM p JOIN json_array_elements(:n_rows) WITH ORDINALITY AS x ON true ORDER BY x.ordinality
                   RETURNING id, machine, subject)
        SELECT …, (SELECT json_agg(json_build_array(id, machine, subject)) FROM n)
    """
    plan_id = bindparam("p_id", type_=_PLANS.c.id.type)  # the history row's and the document's plan_id too
    if with_procedures:  # the plan's row is already updated under its version and locked (``_update_plan``)
        p = select(plan_id.label("id")).cte("p")
    else:
        p = (_PLANS.update().where(_PLANS.c.id == plan_id, _PLANS.c.version == bindparam("p_read_version"))
             .values(version=_NEXT_VERSION,
                     **{c: bindparam(f"p_{c}", type_=_PLANS.c[c].type) for c in PLAN_COLUMNS})
             .returning(_PLANS.c.id).cte("p"))
    e = (insert(_EVENTS).from_select(
        EVENT_COLUMNS, select(*(plan_id if c == "plan_id" else bindparam(f"ev_{c}", type_=_EVENTS.c[c].type)
                                for c in EVENT_COLUMNS))
        .select_from(p)).returning(_EVENTS.c.id).cte("e"))
    summary = board_summary.ACT_UPDATE
    summary = summary.where(summary.table.c.plan_id.in_(select(p.c.id))).cte("s")
    parts = [select(e.c.id).scalar_subquery(), select(func.count()).select_from(summary).scalar_subquery()]
    if with_document:
        version = next_version(plan_id, bindparam("doc_kind", type_=_DOCUMENTS.c.kind.type))
        d = (insert(_DOCUMENTS).from_select(
            [*DOCUMENT_COLUMNS, "version"],
            select(*(plan_id if c == "plan_id" else bindparam(f"doc_{c}", type_=_DOCUMENTS.c[c].type)
                     for c in DOCUMENT_COLUMNS), version)
            .select_from(p)).returning(_DOCUMENTS.c.id).cte("d"))
        parts.append(select(func.count()).select_from(d).scalar_subquery())
        if with_chunk:  # the database store's bytes, one chunk, with their row (the key is checked at the end)
            c = (insert(_CHUNKS).from_select(
                ["storage_name", "seq", "data"],
                select(bindparam("doc_storage_name", type_=_CHUNKS.c.storage_name.type), literal_column("0"),
                       bindparam("doc_chunk", type_=_CHUNKS.c.data.type)).select_from(d))
                 .returning(_CHUNKS.c.seq).cte("c"))
            parts.append(select(func.count()).select_from(c).scalar_subquery())
    if with_procedures:
        rows = (func.json_array_elements(bindparam("n_rows", type_=JSON))
                .table_valued("value", with_ordinality="ordinality").render_derived(name="x"))
        item = rows.c.value
        n = (insert(_PROCEDURES).from_select(
            ["plan_id", "machine", "subject", "state", "data", "created_at"],
            select(p.c.id, item.op("->>")(literal_column("'machine'")), item.op("->>")(literal_column("'subject'")),
                   item.op("->>")(literal_column("'state'")), item.op("->")(literal_column("'data'")),
                   bindparam("n_created_at", type_=_PROCEDURES.c.created_at.type))
            .select_from(p).join(rows, literal_column("true")).order_by(rows.c.ordinality))
            .returning(_PROCEDURES.c.id, _PROCEDURES.c.machine, _PROCEDURES.c.subject).cte("n"))
        parts.append(select(func.json_agg(func.json_build_array(n.c.id, n.c.machine, n.c.subject)))
                     .select_from(n).scalar_subquery())
    return select(*parts)


DOCUMENT_COLUMNS = ("id", "plan_id", "kind", "title", "original_filename", "storage_name", "sha256", "size_bytes",
                    "content_type", "is_public", "uploaded_by_id", "uploaded_at", "store", "supersedes_id",
                    "correction_reason", "withheld_reason")
#: The columns bound under their own names in ``_one_statement`` (``plan_id`` is the plan's ``p_id``).
_EVENT_BOUND = tuple(c for c in EVENT_COLUMNS if c != "plan_id")
_DOCUMENT_BOUND = tuple(c for c in DOCUMENT_COLUMNS if c != "plan_id")

#: psycopg converts a statement's ``%(name)s`` placeholders to ``$n`` (a regular-expression pass over the whole
#: text) and keeps the result, but only for statements of at most 50 parameters and 4,096 bytes
#: (``psycopg._queries.MAX_CACHED_STATEMENT_PARAMS``, ``MAX_CACHED_STATEMENT_LENGTH``); a larger one is converted
#: again on every execution (about 900 Python calls for the act's statement). ``_one_statement`` stays within
#: both: its constants are written into the SQL, and the plan's id is bound once for the plan, its history row and
#: its document (``tests/workflow_app/test_act_round_trips.py`` holds it to psycopg's limits).


def _write_in_one_statement(session: Session, plan: Plan, event: PlanEvent, document: dict | None,
                            created: list[Procedure], chunk: bytes | None = None) -> None:
    """PostgreSQL, the common act: the plan's guarded UPDATE, the evidence row, the history row and the summary
    row in one statement (``_one_statement``). Every other part selects from the plan's UPDATE (``FROM p``), so
    it runs after the row lock is held and writes nothing when the version no longer matches. An act that started
    sub-procedures (``created``) sends the plan's guarded UPDATE first, then the rest with them in one statement."""
    read_version = plan.version
    if event.plan_id != plan.id or (document is not None and document["plan_id"] != plan.id):
        raise ValueError("the history row and the evidence row must be the plan's own")  # both are written as p_id
    parameters = {"p_id": plan.id, **{f"ev_{c}": getattr(event, c) for c in _EVENT_BOUND}}
    if created:
        _update_plan(session, plan, read_version)
    else:
        parameters.update(p_read_version=read_version, **_plan_values(plan))
        plan.__dict__["version"] = read_version + 1  # the summary row's new version (set back if refused)
    parameters.update(board_summary.act_parameters(plan, event, read_version))
    if document is not None:
        row = {**document, "uploaded_at": recorded_now()}
        parameters.update({f"doc_{c}": row[c] for c in _DOCUMENT_BOUND})
        if chunk is not None:
            parameters["doc_chunk"] = chunk
    if created:
        created_at = utcnow()  # the column's default, once for the act's procedures
        for proc in created:
            proc.plan_id, proc.created_at = plan.id, proc.created_at or created_at
            if proc.data is None:
                proc.data = {}
        parameters.update(n_created_at=created_at, n_rows=[
            {"machine": p.machine, "subject": p.subject, "state": p.state, "data": p.data} for p in created])
    event_id, summaries, *rest = session.execute(
        _one_statement(document is not None, bool(created), chunk is not None), parameters).one()
    if event_id is None:
        plan.__dict__["version"] = read_version
        raise StaleDataError(f"plans {plan.id}: version {read_version} is no longer the stored one")
    if created:
        _made_persistent(session, created, rest[-1])
    else:
        _mark_written(session, instance_state(plan))
    event.id = event_id
    if summaries == 0:
        board_summary.rebuild(session, plan)


def _update_plan(session: Session, plan: Plan, read_version: int) -> None:
    """The plan's guarded UPDATE on its own: a row count other than 1 means another writer moved it."""
    result = session.execute(_UPDATE_PLAN, {"p_id": plan.id, "p_read_version": read_version, **_plan_values(plan)})
    if result.rowcount != 1:
        raise StaleDataError(f"plans {plan.id}: version {read_version} is no longer the stored one")
    plan_state = instance_state(plan)
    plan_state.dict["version"] = read_version + 1
    _mark_written(session, plan_state)


def _write_in_steps(session: Session, plan: Plan, event: PlanEvent, document: dict | None,
                    changed: list[Procedure]) -> None:
    """The rare acts that create objects (sub-procedures, Phase II, a frozen PPI), and SQLite: the plan's guarded
    UPDATE first (its row lock before anything else), then the ORM's flush of what the effects created, the
    evidence row and the history row."""
    _update_plan(session, plan, plan.version)
    _write_procedures(session, changed)
    session.flush()  # only what the rare effects created is left (no SQL at all otherwise)
    if document is not None:
        session.execute(_insert_document(), {**document, "uploaded_at": recorded_now(),
                                             "doc_plan_id": document["plan_id"], "doc_kind": document["kind"]})
    event.id = session.execute(_INSERT_EVENT, {c: getattr(event, c) for c in EVENT_COLUMNS}).scalar_one()


@lru_cache(maxsize=1)
def _insert_document():
    """The evidence row's INSERT in steps, its version computed inside it (``next_version``); built once."""
    return insert(_DOCUMENTS).values(version=next_version(bindparam("doc_plan_id", type_=_DOCUMENTS.c.plan_id.type),
                                                          bindparam("doc_kind", type_=_DOCUMENTS.c.kind.type)))


def _made_persistent(session: Session, created: list[Procedure], inserted: list) -> None:
    """The procedures ``created`` are now rows (``inserted``: [id, machine, subject] each, unique per plan): each
    takes its id and moves from pending to persistent as the flush moves what it inserted
    (``Session._register_persistent``: identity key, committed attributes, and on a rollback back to transient),
    so the COMMIT's flush has nothing to insert. Expunging each and adding it back as detached did the same at
    the price of a save-update cascade through the plan's procedures per procedure (a Phase II opening: 1.5 ms)."""
    ids = {(machine, subject): id_ for id_, machine, subject in inserted}
    for proc in created:
        proc.id = ids[(proc.machine, proc.subject)]
    session._register_persistent({instance_state(proc) for proc in created})


def _mark_written(session: Session, state) -> None:
    """The object's pending changes are now in the database: commit them in memory, as the flush does after
    writing (``InstanceState._commit_all``), so the session has nothing left to send for it."""
    state._commit_all(state.dict, session.identity_map)
