"""The trial instance of `make run` runs on SQLite: every page each demo account can open must work there too.

The rest of the suite runs on PostgreSQL; this test catches PostgreSQL-only SQL on the pages (it found the
board's time-zone cast, which answered 503 on SQLite)."""
from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

PAGES_FOR_EVERYONE = ("/", "/tablero", "/tablero/regiones", "/tablero.csv", "/tablero-para-excel.csv", "/tablero.xlsx",
                      "/notificaciones", "/publico", "/publico/63302", "/api/v1/openapi.json")


@pytest.fixture(scope="module")
def trial(tmp_path_factory):
    from flask_migrate import upgrade

    from notifications.sweep import run_sweep
    from workflow_app.app import create_app
    from workflow_app.infra.extensions import db
    from workflow_app.services.cycle.demo import ensure_demo_data
    from workflow_app.services.cycle.reference import load_reference

    folder = tmp_path_factory.mktemp("trial")
    app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'pdt.db'}", REDIS_URL=None,
                     PDT_TODAY="2028-03-10", PDT_MAIL_DIR=str(folder / "correo"), UPLOAD_DIR=str(folder / "uploads"),
                     SECRET_KEY="prueba", WTF_CSRF_ENABLED=True)
    with app.app_context():
        upgrade()
        load_reference()
        accounts = ensure_demo_data()
        report = run_sweep(date(2028, 3, 10))  # what the embedded scheduler of `make run` does
        app.extensions["job_runner"].join()
        db.session.remove()
    yield app, accounts, report
    with app.app_context():
        db.engine.dispose()


def _sign_in(client, account):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": account.email, "password": account.password,
                                           "csrf_token": token})
    assert response.status_code == 302, account.email


def test_every_demo_account_opens_its_pages_on_sqlite(trial):
    from workflow_app.infra.extensions import db
    from workflow_app.models import Plan

    app, accounts, _ = trial
    with app.app_context():
        plan_ids = db.session.scalars(select(Plan.id)).all()
    opened = 0
    for account in accounts:
        client = app.test_client()
        _sign_in(client, account)
        inbox = client.get("/").get_data(as_text=True)
        plans = set(re.findall(r'href="/planes/(\d+)', inbox))
        links = [f"/planes/{p}{tail}" for p in sorted(plans)
                 for tail in ("", "/hitos", "/expediente", "/expediente/fase-2", "/historial.csv", "/historial-para-excel.csv",
                              "/historial.xlsx", "/ppi", "/que-pasa-si", "/que-pasa-si?vigencia=day_after_publication")]
        for path in (*PAGES_FOR_EVERYONE, *links):
            response = client.get(path)
            if path == "/" and account.email.startswith("admin@"):  # follows no plan: lands on Administración
                assert response.status_code == 302 and response.headers["Location"] == "/admin"
                continue
            assert response.status_code in (200, 403), (account.email, path, response.status_code)
            opened += response.status_code == 200
        for path in (f"/planes/{p}/propuestas" for p in sorted(plans)):  # moderation: the planning office only
            assert client.get(path).status_code in (200, 403, 404), (account.email, path)
        if account.email.startswith("admin@"):  # the administrator's pages, and every plan
            for path in ("/tablero/asesores", "/admin/hitos", "/admin/entregas", "/admin/usuarios",
                         "/entidades/63302/configuracion", "/admin", "/admin/periodos", "/admin/funcionarios",
                         "/admin/regimenes", "/cuenta"):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                opened += 1
            for plan_id in plan_ids:
                for path in (f"/planes/{plan_id}", f"/planes/{plan_id}/hitos", f"/planes/{plan_id}/expediente"):
                    response = client.get(path)
                    assert response.status_code == 200, (path, response.status_code)
                    opened += 1
    assert opened > 100
    finished = app.test_client().get("/publico/63272").get_data(as_text=True)  # the demo's 2024-2027 plan, walked
    assert "Cumplió su período" in finished and "Respuesta:" in finished and "Plan de inversiones adoptado" in finished


def test_the_sweep_runs_on_sqlite_and_its_urgent_mail_lands_as_files(trial):
    from email import message_from_bytes
    from email.policy import default as default_policy

    app, _, report = trial
    files = sorted(Path(app.config["PDT_MAIL_DIR"]).glob("*.eml"))
    assert report.reminders > 0 and files, (report, files)
    subjects = [message_from_bytes(f.read_bytes(), policy=default_policy)["Subject"] for f in files]
    assert any("plazo vencido" in s or "hoy vence" in s for s in subjects), subjects


def test_sqlite_orders_official_names_in_spanish_and_search_finds_them(trial):
    """The same order and search as on PostgreSQL (tests/workflow_app/test_official_names.py), on SQLite."""
    from tests.workflow_app.test_official_names import rae_order
    from workflow_app.infra.extensions import db
    from workflow_app.models import Department, Entity

    app, _, _ = trial
    with app.app_context():
        names = db.session.scalars(select(Entity.name).order_by(Entity.sort_key, Entity.id)).all()
        departments = db.session.scalars(select(Department.name).order_by(Department.sort_key)).all()
    assert len(names) == 1103 + 32 and [rae_order(n) for n in names] == sorted(rae_order(n) for n in names)
    assert departments.index("Córdoba") < departments.index("Cundinamarca") and "Bogotá, D.C." in departments
    client = app.test_client()
    for query, code in (("bogota", "11001"), ("BOGOTÁ", "11001"), ("san andres", "88001"), ("cucuta", "54001")):
        page = client.get("/publico", query_string={"q": query}).get_data(as_text=True)
        assert f"/publico/{code}" in page, query


# --- Issue 12: the trial instance is as correct as production -------------------------------------------------
# Each check is written once and run on SQLite (the trial instance) and on PostgreSQL (the suite's database).

def check_name_search(client) -> None:
    """By name without accents or case (SQLite had no translate(): 503), and wildcards are literal."""
    page = client.get("/publico", query_string={"q": "GENOVA"})
    assert page.status_code == 200 and "/publico/63302" in page.get_data(as_text=True)
    api = client.get("/api/v1/entities", query_string={"q": "génova"})
    assert api.status_code == 200 and [e["dane_code"] for e in api.get_json()["items"]] == ["63302"]
    assert "No encontramos entidades" in client.get("/publico", query_string={"q": "%"}).get_data(as_text=True)


def check_token_used_twice(client, plain: str) -> None:
    """A token's second use compared a naive stored time with an aware "now" on SQLite: 500."""
    headers = {"Authorization": f"Bearer {plain}"}
    for _ in range(2):
        response = client.get("/api/v1/plans", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)


def _token_for(email: str) -> str:
    from workflow_app.infra.extensions import db
    from workflow_app.models import User
    from workflow_app.services.people.api_tokens import LAST_USED_RESOLUTION, create_token

    user = db.session.scalar(select(User).filter_by(email=email))
    token, plain = create_token(db.session, user, "prueba")
    token.last_used_at = token.created_at - 2 * LAST_USED_RESOLUTION  # so the next use writes it again
    db.session.commit()
    return plain


def test_name_search_on_sqlite(trial):
    app, _, _ = trial
    check_name_search(app.test_client())


def test_an_api_token_works_twice_on_sqlite(trial):
    app, accounts, _ = trial
    with app.app_context():
        plain = _token_for(accounts[0].email)
    check_token_used_twice(app.test_client(), plain)


def test_name_search_on_postgresql(client):
    check_name_search(client)


def test_an_api_token_works_twice_on_postgresql(app, db_session):
    from tests.workflow_app.story import Cast, make_plan

    cast = Cast(db_session, make_plan(db_session, "63302"))
    plain = _token_for(cast.ejecutivo.email)
    check_token_used_twice(app.test_client(), plain)


def test_an_act_form_holds_its_pdf_on_sqlite(trial):
    """The held PDF (``services.route.held_evidence``) is bytes and an instant in a table: SQLite keeps both, and
    its expiry compares instants there as on PostgreSQL."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import update

    from tests.workflow_app.story import PDF
    from workflow_app.infra.extensions import db
    from workflow_app.models import Entity, HeldEvidence, Plan
    from workflow_app.services.route import held_evidence

    app, accounts, _ = trial
    client = app.test_client()
    _sign_in(client, next(a for a in accounts if a.email.startswith("ctp.genova@")))
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id).join(Entity).where(Entity.dane_code == "63302"))
    url = f"/planes/{plan_id}/actos/pdt_approval/-/record_ctp_concept"
    form = client.get(url).get_data(as_text=True)
    fields = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1),
              "expected_version": re.search(r'name="expected_version"[^>]*value="(\d+)"', form).group(1),
              "concept": "favorable"}
    first = client.post(url, data={**fields, "act_on": "", "evidence": (io.BytesIO(PDF), "acta.pdf")},
                        content_type="multipart/form-data")
    assert first.status_code == 422 and "Ya recibimos «acta.pdf»" in first.get_data(as_text=True)
    token = re.search(r'name="held_evidence" value="([^"]+)"', first.get_data(as_text=True)).group(1)
    again = client.post(url, data={**fields, "act_on": "2020-01-01", "held_evidence": token},
                        content_type="multipart/form-data")  # before the posesión: another error, the PDF still held
    assert again.status_code == 422 and f'name="held_evidence" value="{token}"' in again.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(select(HeldEvidence))
        assert held_evidence.held(token, user_id=row.user_id, plan_id=plan_id, act=row.act).data == PDF
        db.session.execute(update(HeldEvidence).values(held_at=datetime.now(timezone.utc) - timedelta(hours=3)))
        db.session.commit()
        assert held_evidence.held(token, user_id=row.user_id, plan_id=plan_id, act=row.act) is None
        held_evidence.release(token)
        assert db.session.scalar(select(func.count()).select_from(HeldEvidence)) == 0
        db.session.remove()


def test_the_demo_loader_runs_again_after_training_acts(trial):
    """`make run` = `pdt demo` then serve: after people trained on the demo plans (Génova past its demo step,
    Buenavista moved along the demo route's own acts), the next start must neither fail nor replay acts."""
    import io

    from state_machines.core.roles import Role
    from workflow_app.infra.extensions import db
    from workflow_app.models import Entity, Plan, PlanEvent
    from workflow_app.services.cycle.demo import DEMO_PDF
    from workflow_app.services.people.people import users_with_roles
    from workflow_app.services.route.documents import Upload
    from workflow_app.services.route.plans import ActCommand, apply_act

    app, _, _ = trial
    runner = app.test_cli_runner()
    assert runner.invoke(args=["pdt", "demo"]).exit_code == 0  # a second start before any training
    with app.app_context():
        def plan(code):
            return db.session.scalar(select(Plan).join(Entity).where(Entity.dane_code == code))

        def act(code, role, trigger, on, **payload):
            target = plan(code)
            apply_act(db.session, plan_id=target.id, role=role, expected_version=None, today=date(2028, 3, 10),
                      actor=users_with_roles(db.session, target, {role})[0],
                      command=ActCommand(trigger=trigger, act_on=on, payload=payload,
                                         evidence=Upload("acta.pdf", io.BytesIO(DEMO_PDF))))

        act("63302", Role.CTP, "record_ctp_concept", date(2028, 3, 9), scope="total", concept="favorable")
        act("63111", Role.PLANEACION, "submit_to_consejo_de_gobierno", date(2028, 3, 10))
        before = {code: (plan(code).state, db.session.scalar(select(func.count()).select_from(PlanEvent)
                                                             .where(PlanEvent.plan_id == plan(code).id)))
                  for code in ("63302", "63111", "63", "70")}
        db.session.remove()
    for _ in range(2):
        result = runner.invoke(args=["pdt", "demo"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        after = {code: (plan(code).state, db.session.scalar(select(func.count()).select_from(PlanEvent)
                                                            .where(PlanEvent.plan_id == plan(code).id)))
                 for code in ("63302", "63111", "63", "70")}
        db.session.remove()
    assert after == before
    assert after["63302"][0] == "ctp_stage_closed" and after["63111"][0] == "submitted_to_consejo_de_gobierno"


def test_a_checklist_reply_keeps_its_hour_on_sqlite(trial):
    """QA: a Lista de Chequeo reply made at 10:26 in Bogotá was shown «5:26 a. m.»: the view stored
    ``clock().now()`` (Bogotá's wall clock) and SQLite, which drops a datetime's zone, gave it back as UTC. The
    stored instant is the clock's own (``stamp``), so the page says the hour it was made."""
    from datetime import timedelta

    from workflow_app.infra.extensions import db
    from workflow_app.infra.templating import datetime_es
    from workflow_app.models import ChecklistReview, Entity, Period, Plan

    app, accounts, _ = trial
    client = app.test_client()
    _sign_in(client, next(a for a in accounts if a.email.startswith("planeacion.filandia@")))
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id).join(Entity).join(Period).where(Entity.dane_code == "63272")
                                    .order_by(Period.start_on.desc()).limit(1))
    url = f"/monitoreo-360/planes/{plan_id}/lista-de-chequeo"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post(url, data={"action": "reply", "reply": "Completamos el diagnóstico financiero.",
                                  "csrf_token": token}).status_code == 302
    with app.test_request_context():
        stamp = app.extensions["clock"].stamp()
        replied_at = db.session.scalar(select(ChecklistReview.replied_at).where(ChecklistReview.plan_id == plan_id)
                                       .order_by(ChecklistReview.id.desc()).limit(1))
        assert abs(replied_at - stamp) < timedelta(minutes=5), (replied_at, stamp)
        shown = datetime_es(replied_at)
        db.session.remove()
    assert shown.rsplit(",", 1)[1].strip()[:-6] in " ".join(client.get(url).get_data(as_text=True).split())


def test_an_aware_instant_is_written_in_utc_on_sqlite(tmp_path):
    """``UtcDateTime`` writes an aware value in UTC (SQLite keeps only the wall clock): any place that hands it a
    Bogotá time stores the same instant."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert

    from workflow_app.models import UtcDateTime

    table = Table("moments", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime()))
    engine = create_engine(f"sqlite:///{tmp_path / 'moments.db'}")
    table.metadata.create_all(engine)
    bogota = datetime(2028, 3, 10, 10, 26, tzinfo=ZoneInfo("America/Bogota"))
    with engine.begin() as conn:
        conn.execute(insert(table).values(at=bogota))
        stored = conn.execute(select(table.c.at)).scalar_one()
    assert stored == bogota and stored.astimezone(timezone.utc).hour == 15


def test_the_database_store_keeps_a_pdf_on_sqlite(trial):
    """``EVIDENCE_STORE=postgres`` keeps a PDF's bytes in ``document_chunks`` (one plain INSERT for a PDF under
    1 MB, chunk by chunk above): SQLite takes both and gives the bytes back. Rolled back: the trial is unchanged."""
    from tests import pdf_samples
    from workflow_app.infra.extensions import db
    from workflow_app.models import DocumentChunk, Entity, Plan
    from workflow_app.services.route.documents import Upload, document_chunks, store_document

    app, _, _ = trial
    big = pdf_samples.one_page(more=[pdf_samples.stream(b"%" * 1_500_000)])
    with app.app_context():
        app.config["EVIDENCE_STORE"] = "postgres"
        try:
            plan_id = db.session.scalar(select(Plan.id).join(Entity).where(Entity.dane_code == "63302"))
            for data, chunks in ((pdf_samples.VALID, 1), (big, 2)):
                doc = store_document(db.session, plan_id=plan_id, kind="public_draft", title="Borrador",
                                     upload=Upload("b.pdf", io.BytesIO(data)), uploaded_by_id=None)
                assert b"".join(document_chunks(db.session, doc)) == data
                assert db.session.scalar(select(func.count()).select_from(DocumentChunk)
                                         .where(DocumentChunk.storage_name == doc.storage_name)) == chunks
        finally:
            db.session.rollback()
            db.session.remove()
            app.config["EVIDENCE_STORE"] = "local"
