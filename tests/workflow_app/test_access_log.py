"""Issue 12: an access log for a system of record. Every download of a non-public document and every export
(history, board) is recorded with who, when, what and from where; the log is append-only and shown to the
entity's ejecutivo and to administrators on its own page."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 (fixtures)
from workflow_app.models import AccessLogEntry, Document


def entries(session):
    session.expire_all()
    return session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()


def test_downloads_and_exports_are_recorded_with_who_when_what_and_where(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    private = db_session.scalar(select(Document).where(Document.plan_id == genova.id,
                                                       Document.is_public.is_(False)))
    public = db_session.scalar(select(Document).where(Document.plan_id == genova.id, Document.is_public.is_(True)))
    sign_in(client, demo, "ctp.genova")
    env = {"REMOTE_ADDR": "203.0.113.7"}
    assert client.get(f"/planes/{genova.id}/documentos/{private.id}", environ_base=env).status_code == 200
    assert client.get(f"/planes/{genova.id}/documentos/{public.id}", environ_base=env).status_code == 200
    assert client.get(f"/planes/{genova.id}/historial.csv", environ_base=env).status_code == 200
    assert client.get("/tablero.xlsx", environ_base=env).status_code == 200
    log = entries(db_session)
    assert [e.action for e in log] == ["document", "history_export", "board_export"]  # the public one is not
    first = log[0]
    assert first.user.email == demo["ctp.genova"].email and first.remote_addr == "203.0.113.7"
    assert first.document_id == private.id and first.entity_id == genova.entity_id and first.occurred_at
    assert f"versión {private.version}" in first.detail


def test_the_ejecutivo_sees_its_entitys_log_and_others_do_not(app, client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    client.get(f"/planes/{genova.id}/historial.csv")
    client.get("/tablero.csv")
    mayor = app.test_client()
    sign_in(mayor, demo, "alcalde.genova")
    page = mayor.get("/registro-de-accesos")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert "Exportación del historial" in html and "Presidenta del CTP de Génova" in html
    assert "Exportación del tablero" not in html  # no entity: administrators only
    other_mayor = app.test_client()
    sign_in(other_mayor, demo, "alcalde.buenavista")
    assert "Exportación del historial" not in other_mayor.get("/registro-de-accesos").get_data(as_text=True)
    ctp = app.test_client()
    sign_in(ctp, demo, "ctp.genova")
    assert ctp.get("/registro-de-accesos").status_code == 403
    admin = app.test_client()
    sign_in(admin, demo, "admin")
    html = admin.get("/registro-de-accesos").get_data(as_text=True)
    assert "Exportación del historial" in html and "Exportación del tablero" in html


def test_the_log_refuses_update_and_delete(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    client.get(f"/planes/{genova.id}/historial.csv")
    assert db_session.scalar(select(func.count()).select_from(AccessLogEntry)) == 1
    for sql in ("UPDATE access_log SET remote_addr = '10.0.0.1'", "DELETE FROM access_log"):
        with pytest.raises(DBAPIError, match="solo adición"):
            db_session.execute(text(sql))
        db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(AccessLogEntry)) == 1
