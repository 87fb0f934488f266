"""Acts with fewer round trips (issue 15), every guarantee kept: the last route act's date on the plan row, the
document version inside its INSERT, the reference cache and its invalidation, and the statements per act."""
from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.orm import Session

from bench.act_profile import StatementCounter, profile_route
from state_machines.core.roles import Role
from tests.conftest import PG_ADMIN_URL, _admin_connect, service_missing
from tests.workflow_app.story import Cast, make_plan, pdf, walk_to
from workflow_app.models import Document, Plan, ReferenceVersion
from workflow_app.services.cycle import reference_cache, settings
from workflow_app.services.monitoring import board_summary
from workflow_app.services.people.people import acting_user
from workflow_app.services.route.documents import DocumentConflict, prepare_evidence, record_document
from workflow_app.services.route.plans import ActCommand, ActInvalid, ActRefused, PlanConflict, apply_act

#: Statements (SAVEPOINTs and COMMITs included) for one plan walked through bench.transitions.ROUTE: 16 acts,
#: 15 with their evidence PDF, notices with their deliveries, the acting user loaded as a request does, the
#: reference cache cold at the first act. Before issue 15 the route sent 10.17 statements per act
#: (bench.act_profile, 3 plans); see docs/RELIABILITY.md, "Acts: statements per act". Deterministic: a change
#: that adds a round trip fails here. The board's summary row (services/monitoring/board_summary.py, built when the period
#: is opened) costs one UPDATE on top for most acts: 126 in all. Issue 20 gave the last stretch duties of its own
#: (remission, objection term, publication, copy to the governor: L136 arts. 76, 78, 81, 82), whose notices are
#: written by the acts that open them: 130. The entry into force opens Phase II (issue 21):
#: its procedures go in one INSERT, 131. Issue 22 writes the common act in one statement (the plan's guarded
#: UPDATE, the evidence row, the history row and the summary row: services/route/act_writes.py), its evidence id
#: reserved in the plan's read: 88, 4 for most acts (the actor, the plan, the write, COMMIT); the acts that create
#: sub-procedures write in steps (10 at most). The acts that start sub-procedures (and the entry into force,
#: which opens Phase II) send the plan's guarded UPDATE and then the rest with the new procedures in one
#: statement: 80, 7 at most.
STATEMENTS_PER_ROUTE = 85  # 80, the remission's notice to the executive of its term to sanction or object, the
#: notice to the executive side that the CTP's concept arrived (its people, the notices: notifications.events), and
#: the filing's question whether an investment plan is registered (L152 art. 31: «Radicado sin plan de inversiones»)
MOST_IN_ONE_ACT = 8  # the filing: 7, and its question whether an investment plan is registered (L152 art. 31)


@pytest.fixture
def genova(db_session):
    return Cast(db_session, make_plan(db_session, "63302"))


def test_the_last_route_act_date_is_written_with_the_plan_row_under_its_version(genova, db_session, app):
    walk_to(genova, "drafting")
    db_session.refresh(genova.plan)
    assert genova.plan.last_route_act_on == date(2028, 1, 10)  # start_drafting's date
    updates = []

    def capture(_conn, _cursor, statement, *_args):
        if statement.lstrip().startswith("UPDATE plans"):
            updates.append(statement)

    event.listen(db_session.get_bind(), "before_cursor_execute", capture)
    try:
        genova.act("planeacion", "submit_to_consejo_de_gobierno", "2028-02-29")
    finally:
        event.remove(db_session.get_bind(), "before_cursor_execute", capture)
    # One UPDATE of the plan row, guarded by its version, carries the new date.
    assert len(updates) == 1 and "last_route_act_on" in updates[0] and "plans.version =" in updates[0]
    db_session.refresh(genova.plan)
    assert genova.plan.last_route_act_on == date(2028, 2, 29)

    with pytest.raises(ActInvalid, match="anterior al último acto"):
        genova.act("planeacion", "consolidate", "2028-02-28")

    # A concurrent writer wins: the act that lost writes nothing, its date included.
    version, state = genova.plan.version, genova.plan.state
    from workflow_app.infra.extensions import db
    with db.engine.begin() as other:
        other.execute(text("UPDATE plans SET version = version + 1 WHERE id = :id"), {"id": genova.plan.id})
    with pytest.raises(PlanConflict):
        apply_act(db_session, plan_id=genova.plan.id,
                  command=ActCommand(trigger="consolidate", act_on=date(2028, 3, 1), evidence=pdf()),
                  actor=genova.planeacion, role=Role.PLANEACION, expected_version=version, today=date(2028, 3, 1))
    db_session.refresh(genova.plan)
    assert genova.plan.last_route_act_on == date(2028, 2, 29) and genova.plan.state == state


def test_a_sub_procedure_act_leaves_the_route_date_alone(genova, db_session):
    walk_to(genova, "submitted_to_consejo_de_gobierno")
    db_session.refresh(genova.plan)
    route_date = genova.plan.last_route_act_on
    genova.act("CRQ", "receive_concept", "2028-03-15", machine="car_review", subject="CRQ",
               payload={"concept": "favorable"})
    db_session.refresh(genova.plan)
    assert genova.plan.last_route_act_on == route_date


def test_the_document_version_is_computed_inside_its_insert(genova, db_session, app):
    """Two transactions open at once: the second, opened before the first commits, still numbers its document
    after the first one's (no SELECT read earlier); when both write at the same moment the unique (plan, kind,
    version) makes the later one a clean conflict, never two rows with one number."""
    plan_id = genova.plan.id
    from workflow_app.infra.extensions import db

    first, second = db.session, Session(bind=db.engine)
    try:
        a, b = prepare_evidence(pdf()), prepare_evidence(pdf())
        second.execute(text("SELECT 1"))  # the second transaction is open before the first writes
        doc_a = record_document(first, a, plan_id=plan_id, kind="acta", title="Acta", uploaded_by_id=None)
        first.commit()
        doc_b = record_document(second, b, plan_id=plan_id, kind="acta", title="Acta", uploaded_by_id=None)
        second.commit()
        assert (doc_a.version, doc_b.version) == (1, 2)

        # Now at the same moment: the second INSERT waits on the first's unique key, then fails cleanly.
        c, d = prepare_evidence(pdf()), prepare_evidence(pdf())
        doc_c = record_document(first, c, plan_id=plan_id, kind="acta", title="Acta", uploaded_by_id=None)
        assert doc_c.version == 3
        outcome = {}

        def racer():
            try:
                outcome["doc"] = record_document(second, d, plan_id=plan_id, kind="acta", title="Acta",
                                                 uploaded_by_id=None)
            except DocumentConflict as exc:
                outcome["error"] = exc
                second.rollback()

        thread = threading.Thread(target=racer)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive()  # waiting on the first transaction's row
        first.commit()
        thread.join(timeout=10)
        assert "error" in outcome and "Otra persona" in str(outcome["error"])
    finally:
        second.close()
    versions = db_session.scalars(select(Document.version).where(Document.plan_id == plan_id)
                                  .order_by(Document.version)).all()
    assert versions == [1, 2, 3]


def test_a_settings_change_reaches_the_next_act_through_the_reference_version(genova, db_session, app):
    from workflow_app.infra.extensions import db

    walk_to(genova, "in_office")
    plan_id, mayor_id = genova.plan.id, genova.ejecutivo.id
    db_session.commit()
    plan = reference_cache.load_plan_for_act(db_session, plan_id)
    assert plan.entity.weekdays == [5, 6]
    before = db_session.get(ReferenceVersion, 1).version
    db_session.rollback()
    db.session.remove()

    session = db.session
    entity = session.get(Plan, plan_id).entity
    mayor = session.get(type(genova.ejecutivo), mayor_id)  # the executive may change the entity's settings
    changes = settings.update_entity_settings(session, mayor, entity, settings.EntitySettings(None, (4, 5, 6)),
                                              date(2028, 1, 5))
    assert changes
    assert session.get(ReferenceVersion, 1).version > before
    db.session.remove()

    # Another session, as the next request: the cached entity row is read again.
    plan = reference_cache.load_plan_for_act(db.session, plan_id)
    assert plan.entity.weekdays == [4, 5, 6]
    db.session.remove()


def test_statements_per_act_do_not_grow_back(genova, db_session, app):
    from workflow_app.infra.extensions import db

    plan_id = genova.plan.id
    board_summary.refresh(db_session, [plan_id])  # as opening the period does: each act then updates its row
    casts = [(plan_id, {"ejecutivo": genova.ejecutivo.id, "planeacion": genova.planeacion.id,
                               "ctp": genova.ctp.id, "corporacion": genova.corporacion.id})]
    db_session.commit()
    for user_id in casts[0][1].values():  # as signing in does: the users row keeps its copy of the memberships
        acting_user(db_session, user_id)
    db.session.remove()
    acts = profile_route(app, casts)
    per_act = [sum(kinds.values()) for _, kinds in acts]
    print("sentencias por acto:", list(zip([t for t, _ in acts], per_act)))
    assert db.session.get(Plan, plan_id).state == "in_force"
    assert len(acts) == 15  # issue 18: the publication records the entry into force itself (its own history row)
    assert sum(per_act) <= STATEMENTS_PER_ROUTE, per_act
    assert max(per_act) <= MOST_IN_ONE_ACT, per_act
    # The guarantees are still there: a notice with its delivery went out, every act left its history row.
    from workflow_app.models import Delivery, Notification, PlanEvent
    assert db.session.scalar(select(Notification.id).limit(1)) is not None
    assert db.session.scalar(select(Delivery.id).limit(1)) is not None
    assert len(db.session.scalars(select(PlanEvent).filter_by(plan_id=plan_id)).all()) == 16


def test_the_evidence_is_on_disk_before_the_commit_and_gone_when_the_act_is_refused(genova, db_session, app):
    """The PDF is checked and written (and fsync'ed) beside the act's database work (issue 22): at the act's
    COMMIT its file is on disk with the bytes its document row names; a refused act leaves no file and no row."""
    import hashlib
    from pathlib import Path

    folder = Path(app.config["UPLOAD_DIR"])
    before = set(folder.glob("*.pdf")) if folder.exists() else set()
    at_commit = []

    def on_commit(_conn):
        at_commit.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                          for p in set(folder.glob("*.pdf")) - before})

    event.listen(db_session.get_bind(), "commit", on_commit)
    try:
        genova.act("ejecutivo", "take_office", "2028-01-03")
    finally:
        event.remove(db_session.get_bind(), "commit", on_commit)
    document = db_session.scalars(select(Document)).one()
    assert at_commit and at_commit[-1] == {document.storage_name: document.sha256}

    before = set(folder.glob("*.pdf"))
    with pytest.raises(ActRefused):  # sanction is not possible from this state
        genova.act("ejecutivo", "sanction", "2028-01-05")
    assert set(folder.glob("*.pdf")) - before == set()  # the refusal removed it
    assert db_session.scalars(select(Document)).all() == [document]


def test_in_the_database_store_a_small_pdf_goes_in_the_acts_own_statement(genova, db_session, app):
    """``EVIDENCE_STORE=postgres``: the PDF's bytes of an act are written with its document row, in the act's one
    statement (no statement of their own); a PDF over one chunk (1 MB) is written after it, chunk by chunk. Either
    way the bytes read back are the ones sent."""
    import hashlib
    import io

    from tests import pdf_samples
    from workflow_app.models import DocumentChunk
    from workflow_app.services.route.documents import Upload, document_chunks

    def act(actor, role: Role, trigger: str, on: str, data: bytes):
        counter = StatementCounter(db_session.get_bind())
        with counter.counting():
            apply_act(db_session, plan_id=genova.plan.id, actor=actor, role=role,
                      command=ActCommand(trigger=trigger, act_on=date.fromisoformat(on), reference="R-1",
                                         evidence=Upload("acta.pdf", io.BytesIO(data))),
                      expected_version=None, today=date.fromisoformat(on))
        document = db_session.scalars(select(Document).filter_by(plan_id=genova.plan.id, kind=trigger)).one()
        assert document.store == "postgres"
        read = b"".join(document_chunks(db_session, document))
        assert read == data and hashlib.sha256(read).hexdigest() == document.sha256
        return counter.kinds, db_session.scalars(select(DocumentChunk.seq).filter_by(
            storage_name=document.storage_name).order_by(DocumentChunk.seq)).all()

    app.config["EVIDENCE_STORE"] = "postgres"
    try:
        kinds, chunks = act(genova.ejecutivo, Role.EJECUTIVO, "take_office", "2028-01-03", pdf_samples.VALID)
        assert chunks == [0] and kinds["INSERT document_chunks"] == 0, kinds
        assert kinds["WITH INSERT plan_events+documents+document_chunks"] == 1, kinds
        big = pdf_samples.one_page(more=[pdf_samples.stream(b"%" * 1_500_000)])  # two chunks
        kinds, chunks = act(genova.planeacion, Role.PLANEACION, "start_drafting", "2028-01-10", big)
        assert chunks == [0, 1] and kinds["INSERT document_chunks"] == 1, kinds
    finally:
        app.config["EVIDENCE_STORE"] = "local"


def test_statement_counter_names_what_it_counts(db_session):
    counter = StatementCounter(db_session.get_bind())
    with counter.counting():
        db_session.execute(text("SELECT 1 FROM plans"))
        db_session.commit()
    assert counter.kinds["SELECT plans"] == 1 and counter.kinds["COMMIT"] == 1


def _fresh_database(kind: str, tmp_path) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'mig.db'}", lambda: None
    try:
        admin = _admin_connect()
    except Exception as exc:  # noqa: BLE001
        service_missing("PostgreSQL", exc)
    name = f"pdt_mig_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    return PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}", drop


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_migration_backfills_the_route_date_and_numbers_documents_once(kind, tmp_path):
    from flask_migrate import downgrade, upgrade

    from workflow_app.app import create_app

    url, drop = _fresh_database(kind, tmp_path)
    try:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade(revision="0013_case_file")
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO departments (code, name, region, sort_key) "
                                  "VALUES ('63', 'Quindío', 'Eje Cafetero', 'quindio')"))
                conn.execute(text("INSERT INTO entities (id, dane_code, name, sort_key, kind, department_code, "
                                  "nonworking_weekdays) VALUES (1, '63302', 'Génova', 'genova', 'municipio', '63', "
                                  "'5,6')"))
                conn.execute(text("INSERT INTO periods (id, start_on, end_on) VALUES (1, '2028-01-01', '2031-12-31'), "
                                  "(2, '2032-01-01', '2035-12-31')"))
                for plan_id in (1, 2):  # the second plan has no route act yet
                    conn.execute(text(
                        "INSERT INTO plans (id, entity_id, period_id, state, version, regime, d683_articles, "
                        "event_dates, flags, created_at, updated_at) VALUES (:id, 1, :id, 'drafting', 3, 'ordinary', "
                        "'[]', '{}', '[]', '2028-01-01 00:00:00+00', '2028-01-01 00:00:00+00')"), {"id": plan_id})
                for event_id, machine, act_on in ((1, "pdt_approval", "2028-01-03"),
                                                  (2, "pdt_approval", "2028-01-10"), (3, "car_review", "2028-03-01"),
                                                  (4, "settings", "2028-03-02")):
                    conn.execute(text(
                        "INSERT INTO plan_events (id, plan_id, machine, from_state, to_state, trigger, role, "
                        "occurred_at, act_on, legal_basis, evidence_ids, payload) VALUES (:id, 1, :m, 'a', 'b', 't', "
                        "'ejecutivo', '2028-01-01 00:00:00+00', :on, '', '[]', '{}')"),
                        {"id": event_id, "m": machine, "on": act_on})
                for doc_id, version in ((1, 1), (2, 1), (3, 2)):  # two rows numbered 1 by the old race
                    conn.execute(text(
                        "INSERT INTO documents (id, plan_id, kind, title, version, original_filename, storage_name, "
                        "sha256, size_bytes, content_type, is_public, uploaded_at, store) VALUES (:id, 1, 'acta', "
                        "'Acta', :v, 'a.pdf', :s, 'x', 1, 'application/pdf', false, '2028-01-01 00:00:00+00', "
                        "'local')"), {"id": doc_id, "v": version, "s": f"n{doc_id}.pdf"})
            upgrade()
            with engine.connect() as conn:
                dates = dict(conn.execute(text("SELECT id, last_route_act_on FROM plans ORDER BY id")).all())
                versions = conn.execute(text("SELECT version FROM documents ORDER BY id")).scalars().all()
                reference = conn.execute(text("SELECT version FROM reference_version")).scalar_one()
            assert str(dates[1]) == "2028-01-10" and dates[2] is None
            assert versions == [1, 2, 3] and reference == 1
            downgrade(revision="0013_case_file")
            upgrade()
            engine.dispose()
            from workflow_app.infra.extensions import db
            db.engine.dispose()
    finally:
        drop()


@pytest.mark.parametrize("one_statement", [True, False])
def test_notices_and_deliveries_are_told_once_in_one_statement_or_in_batches(one_statement, genova, db_session,
                                                                             monkeypatch):
    from workflow_app.models import Delivery, Notification
    from workflow_app.services import outbox

    if not one_statement:
        monkeypatch.setattr(outbox, "ONE_STATEMENT_ROWS", 0)  # the sweep's path for large batches
    message = outbox.Message(kind="transition", dedupe_key="prueba:1", subject="Asunto", body="Texto",
                             plan_id=genova.plan.id, is_urgent=True)
    users = [genova.ejecutivo, genova.planeacion]
    statements = []
    db_session.commit()
    listener = (lambda _c, _cu, statement, *_a: statements.append(statement)
                if "INSERT" in statement.upper() else None)
    event.listen(db_session.get_bind(), "before_cursor_execute", listener)
    try:
        assert outbox.notify_many(db_session, [(users, message)]) == [(message, 2)]
        assert outbox.notify_many(db_session, [(users, message)]) == []  # ON CONFLICT: told once
    finally:
        event.remove(db_session.get_bind(), "before_cursor_execute", listener)
    assert len(statements) == (2 if one_statement else 3)  # the second call inserts no delivery
    # Read before the COMMIT: after it, the urgent deliveries' job (in-process in the tests) may already have
    # claimed them ('sending'), a race with this read that once failed the test on a busy machine.
    rows = db_session.execute(select(Delivery.recipient, Delivery.status, Delivery.delivery_key)
                              .join(Notification, Notification.id == Delivery.notification_id)
                              .order_by(Delivery.recipient)).all()
    db_session.commit()
    assert [(r.recipient, r.status) for r in rows] == sorted((u.email, "pending") for u in users)
    assert all(r.delivery_key.startswith("email:prueba:1:u") for r in rows)


def test_a_plan_the_request_already_read_is_not_read_again_and_its_version_still_guards(genova, db_session):
    """The web's act route reads the plan first (``load_plan_for``); the act uses that row as ``session.get``
    did, and a writer that committed in between still makes it a conflict."""
    from workflow_app.infra.extensions import db
    from workflow_app.models import PLAN_GRAPH
    from workflow_app.services.people.people import acting_user

    walk_to(genova, "in_office")
    plan_id, planner_id = genova.plan.id, genova.planeacion.id
    db_session.commit()
    db.session.remove()
    session = db.session  # a request's own session
    planner = acting_user(session, planner_id)
    plan = session.get(Plan, plan_id, options=PLAN_GRAPH)  # as the page's load_plan_for
    selects = []
    listener = (lambda _c, _cu, statement, *_a: selects.append(statement)
                if statement.lstrip().startswith("SELECT plans") else None)
    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        apply_act(session, plan_id=plan_id, command=ActCommand(trigger="start_drafting", evidence=pdf()),
                  actor=planner, role=Role.PLANEACION, expected_version=plan.version, today=date(2028, 1, 10))
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert selects == []
    db.session.remove()

    session = db.session
    planner = acting_user(session, planner_id)
    plan = session.get(Plan, plan_id, options=PLAN_GRAPH)
    version = plan.version
    with db.engine.begin() as other:
        other.execute(text("UPDATE plans SET version = version + 1 WHERE id = :id"), {"id": plan_id})
    with pytest.raises(PlanConflict):
        apply_act(session, plan_id=plan_id,
                  command=ActCommand(trigger="submit_to_consejo_de_gobierno", evidence=pdf()),
                  actor=planner, role=Role.PLANEACION, expected_version=version, today=date(2028, 2, 29))
    assert session.get(Plan, plan_id).state == "drafting"


def test_the_profile_names_where_an_acts_time_goes(genova, db_session, app):
    """bench.act_profile --profile: every part it names is found in a real profile of the route (a renamed
    function would silently read 0 ms)."""
    import cProfile
    import pstats

    from bench.act_profile import PARTS, where_the_time_goes
    from workflow_app.infra.extensions import db

    plan_id = genova.plan.id
    casts = [(plan_id, {"ejecutivo": genova.ejecutivo.id, "planeacion": genova.planeacion.id,
                        "ctp": genova.ctp.id, "corporacion": genova.corporacion.id})]
    db_session.commit()
    db.session.remove()
    profile = cProfile.Profile()
    acts = profile_route(app, casts, profile)
    text = where_the_time_goes(pstats.Stats(profile), len(acts))
    figures = {line[:47].strip(): float(line[47:]) for line in text.splitlines()[1:]}
    assert list(figures) == [label for label, _path, _function in PARTS]
    assert all(ms > 0 for ms in figures.values()), figures


def test_an_act_that_starts_a_procedure_writes_it_with_its_rows_in_two_statements(genova, db_session):
    """The plan's guarded UPDATE, then the procedure the act started with the history, evidence and summary rows
    in one statement: the procedure gets its id, is not inserted again at the COMMIT, and the summary row equals
    one rebuilt from the database."""
    from workflow_app.models import PlanSummary, Procedure

    walk_to(genova, "drafting")
    plan_id = genova.plan.id
    board_summary.refresh(db_session, [plan_id])
    db_session.commit()
    writes = []
    listener = (lambda _c, _cu, statement, *_a: writes.append(statement)
                if not statement.lstrip().upper().startswith("SELECT") else None)
    event.listen(db_session.get_bind(), "before_cursor_execute", listener)
    try:
        genova.act("planeacion", "submit_to_consejo_de_gobierno", "2028-02-29")
    finally:
        event.remove(db_session.get_bind(), "before_cursor_execute", listener)
    act_writes = [w for w in writes if "INSERT INTO notifications" not in w]  # the notices come after, their own
    assert len(act_writes) == 2, act_writes
    assert act_writes[0].lstrip().startswith("UPDATE plans") and "INSERT INTO procedures" in act_writes[1]
    db_session.expire_all()
    plan = db_session.get(Plan, plan_id)
    procedures = {(p.machine, p.subject): p for p in db_session.scalars(select(Procedure).filter_by(plan_id=plan_id))}
    started = procedures[("ctp_formation", "ctp")]
    assert started.state and started.created_at is not None and started.data.get("started_on") == "2028-02-29"
    assert started.id == max(p.id for p in procedures.values())
    row = db_session.get(PlanSummary, plan_id)
    rebuilt = board_summary.build(db_session, [plan_id])[plan_id]
    stored = board_summary.decode(row.procedures, row.events, row.marks)
    assert row.plan_version == plan.version
    assert (stored.procedures, stored.events, stored.marks) == (rebuilt.procedures, rebuilt.events, rebuilt.marks)


def test_an_act_rolled_back_after_writing_the_procedure_it_started_leaves_none_and_can_be_done_again(genova,
                                                                                                       db_session):
    """The PDF refused at the COMMIT's door (its check runs beside the writes) rolls back the procedure written
    with the act's rows: no row, no file, and the same session then records the act with one procedure."""
    import io

    from tests import pdf_samples
    from workflow_app.models import PlanEvent, Procedure
    from workflow_app.services.route.documents import Upload

    walk_to(genova, "drafting")
    plan_id = genova.plan.id
    db_session.commit()
    counts = (db_session.scalar(select(func.count(Procedure.id))), db_session.scalar(select(func.count(PlanEvent.id))))
    hostile = ActCommand(trigger="submit_to_consejo_de_gobierno", act_on=date(2028, 2, 29),
                         evidence=Upload("acta.pdf", io.BytesIO(pdf_samples.WITH_JAVASCRIPT)))
    sent = []
    listener = lambda _c, _cu, statement, *_a: sent.append(statement)  # noqa: E731
    event.listen(db_session.get_bind(), "before_cursor_execute", listener)
    try:
        with pytest.raises(ActInvalid):
            apply_act(db_session, plan_id=plan_id, command=hostile, actor=genova.planeacion, role=Role.PLANEACION,
                      expected_version=None, today=date(2028, 2, 29))
    finally:
        event.remove(db_session.get_bind(), "before_cursor_execute", listener)
    assert any("INSERT INTO procedures" in statement for statement in sent)  # refused after its write
    assert (db_session.scalar(select(func.count(Procedure.id))),
            db_session.scalar(select(func.count(PlanEvent.id)))) == counts
    genova.act("planeacion", "submit_to_consejo_de_gobierno", "2028-02-29")
    started = db_session.scalars(select(Procedure).filter_by(plan_id=plan_id, machine="ctp_formation")).all()
    assert len(started) == 1 and db_session.get(Plan, plan_id).state == "submitted_to_consejo_de_gobierno"


def test_the_one_statement_write_stays_within_psycopgs_cache_of_converted_statements():
    """psycopg keeps a statement's conversion (``%(name)s`` to ``$n``) only up to 50 parameters and 4,096 bytes;
    past either it parses the act's write statement again on every act (about 900 Python calls each)."""
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS
    from sqlalchemy.dialects import postgresql

    from workflow_app.services.route.act_writes import _one_statement

    for shape in ((False, False), (False, True), (True, False), (True, True), (True, False, True), (True, True, True)):
        compiled = _one_statement(*shape).compile(dialect=postgresql.psycopg.dialect())
        assert len(compiled.params) <= MAX_CACHED_STATEMENT_PARAMS, sorted(compiled.params)
        assert len(str(compiled).encode()) <= MAX_CACHED_STATEMENT_LENGTH


def test_the_one_statement_write_leaves_the_rows_a_rebuild_would_and_a_lost_act_writes_none(genova, db_session):
    """Issue 22: the common act's rows (plan, history, evidence, summary) go in one statement; the summary row
    it leaves equals one rebuilt from the database, and an act that lost the plan's version writes none of them."""
    from workflow_app.infra.extensions import db
    from workflow_app.models import PlanEvent, PlanSummary

    walk_to(genova, "drafting")
    plan_id = genova.plan.id
    board_summary.refresh(db_session, [plan_id])
    db_session.commit()
    genova.act("planeacion", "submit_to_consejo_de_gobierno", "2028-02-29")
    writes = []
    listener = (lambda _c, _cu, statement, *_a: writes.append(statement)
                if not statement.lstrip().upper().startswith("SELECT") else None)
    event.listen(db_session.get_bind(), "before_cursor_execute", listener)
    try:
        genova.act("planeacion", "consolidate", "2028-02-29")
    finally:
        event.remove(db_session.get_bind(), "before_cursor_execute", listener)
    assert len(writes) == 1 and writes[0].lstrip().startswith("WITH p AS")  # the act's one write statement
    db_session.expire_all()
    plan = db_session.get(Plan, plan_id)
    row = db_session.get(PlanSummary, plan_id)
    rebuilt = board_summary.build(db_session, [plan_id])[plan_id]
    stored = board_summary.decode(row.procedures, row.events, row.marks)
    assert row.plan_version == plan.version
    assert (stored.procedures, stored.events, stored.marks) == (rebuilt.procedures, rebuilt.events, rebuilt.marks)
    last = db_session.scalars(select(PlanEvent).filter_by(plan_id=plan_id).order_by(PlanEvent.id.desc())).first()
    assert last.trigger == "consolidate" and last.row_hash == plan.history_head
    assert db_session.get(Document, last.evidence_ids[0]).kind == "consolidate"

    counts = (db_session.scalar(select(func.count(PlanEvent.id))), db_session.scalar(select(func.count(Document.id))),
              row.plan_version, plan.version)
    version = plan.version
    db_session.commit()

    fired = []

    def another_writer_first(_conn, _cursor, statement, *_args):  # after the act read the plan, before it writes
        if not fired and statement.lstrip().startswith(("WITH p AS", "UPDATE plans")):  # one statement or steps
            fired.append(statement)
            with db.engine.begin() as other:
                other.execute(text("UPDATE plans SET version = version + 1 WHERE id = :id"), {"id": plan_id})

    event.listen(db_session.get_bind(), "before_cursor_execute", another_writer_first)
    try:
        with pytest.raises(PlanConflict):
            apply_act(db_session, plan_id=plan_id,
                      command=ActCommand(trigger="submit_to_ctp", act_on=date(2028, 2, 29), evidence=pdf()),
                      actor=genova.ejecutivo, role=Role.EJECUTIVO, expected_version=None, today=date(2028, 2, 29))
    finally:
        event.remove(db_session.get_bind(), "before_cursor_execute", another_writer_first)
    db_session.expire_all()
    assert (db_session.scalar(select(func.count(PlanEvent.id))), db_session.scalar(select(func.count(Document.id))),
            db_session.get(PlanSummary, plan_id).plan_version, version) == counts
    assert db_session.get(Plan, plan_id).version == version + 1  # only the other writer's change


def test_the_acts_plan_read_below_the_orm_gives_the_objects_the_orm_would(genova, db_session, app):
    """``load_act_plan`` reads the plan and its procedures on the connection (``infra.database.as_loaded``): the
    same objects, persistent in the session, the procedures in the relationship's order, nothing pending and no
    further SQL to reach the plan from a procedure; a plan the session holds expired goes through the ORM, fresh."""
    from workflow_app.infra.extensions import db

    walk_to(genova, "submitted_to_ctp")  # the CTP's and the CAR's reviews are open: two procedures
    plan_id = genova.plan.id
    expected = [(p.id, p.machine, p.subject, p.state, p.data) for p in
                sorted(genova.plan.procedures, key=lambda p: p.id)]
    assert len(expected) >= 2
    version = genova.plan.version
    # Its JSON documents are read from the first row only (the rest carry NULL): they come back whole.
    documents = (dict(genova.plan.event_dates), list(genova.plan.flags or []), list(genova.plan.d683_articles or []))
    assert documents[0]
    db_session.commit()
    # The references as any act of this process left them: a walk copied back (tests/walk_copy.py) moves
    # reference_version, and the first act after it reads the references again (what this test does not count).
    reference_cache.load_act_plan(db.session(), plan_id)
    db.session.remove()

    session = db.session()
    statements = []

    def capture(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", capture)
    try:
        plan, document_id = reference_cache.load_act_plan(session, plan_id, reserve_document_id=True)
        assert len(statements) == 1 and document_id is not None
        assert [(p.id, p.machine, p.subject, p.state, p.data) for p in plan.procedures] == expected
        assert plan.version == version and plan.entity.dane_code == "63302"
        assert (plan.event_dates, plan.flags, plan.d683_articles) == documents
        assert all(p.plan is plan for p in plan.procedures)
        assert len(statements) == 1  # the entity from the reference cache, each procedure's plan from the session
        assert not session.new and not session.dirty
        assert session.identity_map.get(session.identity_key(Plan, plan_id)) is plan

        session.commit()  # expires the plan: the next act's read goes through the ORM and sees the stored row
        session.execute(text("UPDATE plans SET version = version + 1 WHERE id = :id"), {"id": plan_id})
        again, _ = reference_cache.load_act_plan(session, plan_id)
        assert again is plan and again.version == version + 1
        assert [p.id for p in again.procedures] == [row[0] for row in expected]
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", capture)
        session.rollback()
        db.session.remove()
