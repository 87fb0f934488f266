"""The trial instance of `make run` runs on SQLite: every page each demo account can open must work there too.

The rest of the suite runs on PostgreSQL; this test catches PostgreSQL-only SQL on the pages (it found the
board's time-zone cast, which answered 503 on SQLite)."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

PAGES_FOR_EVERYONE = ("/", "/tablero", "/tablero/regiones", "/tablero.csv", "/tablero.xlsx", "/notificaciones",
                      "/publico", "/publico/63302", "/api/v1/openapi.json")


@pytest.fixture(scope="module")
def trial(tmp_path_factory):
    from flask_migrate import upgrade

    from notifications.sweep import run_sweep
    from workflow_app.app import create_app
    from workflow_app.infra.extensions import db
    from workflow_app.services.demo import ensure_demo_data
    from workflow_app.services.reference import load_reference

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
                 for tail in ("", "/hitos", "/expediente", "/historial.csv", "/historial.xlsx", "/ppi",
                              "/que-pasa-si", "/que-pasa-si?vigencia=day_after_publication")]
        for path in (*PAGES_FOR_EVERYONE, *links):
            response = client.get(path)
            assert response.status_code in (200, 403), (account.email, path, response.status_code)
            opened += response.status_code == 200
        for path in (f"/planes/{p}/propuestas" for p in sorted(plans)):  # moderation: the planning office only
            assert client.get(path).status_code in (200, 403, 404), (account.email, path)
        if account.email.startswith("admin@"):  # the administrator's pages, and every plan
            for path in ("/tablero/asesores", "/admin/hitos", "/admin/entregas", "/admin/usuarios",
                         "/admin/entidades/63302"):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                opened += 1
            for plan_id in plan_ids:
                for path in (f"/planes/{plan_id}", f"/planes/{plan_id}/hitos", f"/planes/{plan_id}/expediente"):
                    response = client.get(path)
                    assert response.status_code == 200, (path, response.status_code)
                    opened += 1
    assert opened > 100
    finished = app.test_client().get("/publico/63272").get_data(as_text=True)  # the demo's plan "Vigente"
    assert "Vigente" in finished and "Respuesta:" in finished and "Plan de inversiones adoptado" in finished


def test_the_sweep_runs_on_sqlite_and_its_urgent_mail_lands_as_files(trial):
    from email import message_from_bytes
    from email.policy import default as default_policy

    app, _, report = trial
    files = sorted(Path(app.config["PDT_MAIL_DIR"]).glob("*.eml"))
    assert report.reminders > 0 and files, (report, files)
    subjects = [message_from_bytes(f.read_bytes(), policy=default_policy)["Subject"] for f in files]
    assert any("plazo vencido" in s or "hoy vence" in s for s in subjects), subjects
