"""An act's form that comes back with an error keeps the PDF it carried (checked, held on the server for the same
person, plan and act), so on a weak connection the person does not send it again."""
import hashlib
import io
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update

from tests.workflow_app.helpers import csrf_from
from tests.workflow_app.story import PDF
from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 - fixtures
from workflow_app.models import Document, HeldEvidence, PlanEvent
from workflow_app.services.cycle.demo import one_page_pdf
from workflow_app.services.route import held_evidence
from workflow_app.web.uploads import HELD_LOST

CHOOSE_AGAIN = "Vuelva a elegir el archivo PDF: por seguridad el navegador no lo conserva."


def _concept_form(client, plan):
    url = f"/planes/{plan.id}/actos/pdt_approval/-/record_ctp_concept"
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
    return url, {"csrf_token": csrf_from(html), "expected_version": version, "reference": "Acta 05"}


def _token(html: str) -> str:
    return re.search(r'name="held_evidence" value="([^"]+)"', html).group(1)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _send_without_date(client, url, fields, filename="concepto.pdf", data=PDF):
    return client.post(url, data={**fields, "act_on": "", "concept": "favorable",
                                  "evidence": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def test_the_pdf_of_a_form_with_an_error_is_held_and_the_next_send_records_it(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, fields = _concept_form(client, genova)
    events = _count(db_session, PlanEvent)

    first = _send_without_date(client, url, fields)
    html = first.get_data(as_text=True)
    assert first.status_code == 422
    assert "Ya recibimos «concepto.pdf» (0,6 KB): no tiene que elegirlo de nuevo." in html
    assert CHOOSE_AGAIN not in html and 'id="evidence-again"' in html  # the note is tied to the file input
    token = _token(html)
    row = db_session.scalar(select(HeldEvidence))
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_sha256
    assert bytes(row.data) == PDF and row.act == "pdt_approval/-/record_ctp_concept"
    assert _count(db_session, PlanEvent) == events  # nothing of the act written

    second = client.post(url, data={**fields, "act_on": "2028-03-09", "concept": "favorable",
                                    "held_evidence": token}, content_type="multipart/form-data")
    assert second.status_code == 302
    event = db_session.scalars(select(PlanEvent).filter_by(plan_id=genova.id, trigger="record_ctp_concept")).one()
    document = db_session.get(Document, event.evidence_ids[0])
    assert document.sha256 == hashlib.sha256(PDF).hexdigest() and document.original_filename == "concepto.pdf"
    assert _count(db_session, HeldEvidence) == 0  # used: gone


def test_a_held_pdf_stays_held_through_another_error(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, fields = _concept_form(client, genova)
    token = _token(_send_without_date(client, url, fields).get_data(as_text=True))
    again = client.post(url, data={**fields, "act_on": "", "held_evidence": token},
                        content_type="multipart/form-data")
    html = again.get_data(as_text=True)
    assert again.status_code == 422
    assert _token(html) == token and "Ya recibimos «concepto.pdf»" in html
    assert "Adjunte el concepto del CTP" not in html  # the held PDF counts as sent


def test_a_new_file_replaces_the_held_one(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, fields = _concept_form(client, genova)
    token = _token(_send_without_date(client, url, fields).get_data(as_text=True))
    other = one_page_pdf("Concepto firmado")
    response = client.post(url, data={**fields, "act_on": "2028-03-09", "concept": "favorable", "held_evidence": token,
                                      "evidence": (io.BytesIO(other), "firmado.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    event = db_session.scalars(select(PlanEvent).filter_by(plan_id=genova.id, trigger="record_ctp_concept")).one()
    document = db_session.get(Document, event.evidence_ids[0])
    assert document.original_filename == "firmado.pdf" and document.sha256 == hashlib.sha256(other).hexdigest()
    assert _count(db_session, HeldEvidence) == 0


def test_leaving_the_held_pdf_out_asks_for_the_document(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, fields = _concept_form(client, genova)
    token = _token(_send_without_date(client, url, fields).get_data(as_text=True))
    response = client.post(url, data={**fields, "act_on": "2028-03-09", "concept": "favorable", "held_evidence": token,
                                      "drop_held_evidence": "1"}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 409  # the machine's own refusal: the fields are right, the document is missing
    assert "Adjunte el concepto del CTP (acta de la sesión) como soporte de esta actuación." in html
    assert 'name="held_evidence"' not in html and _count(db_session, HeldEvidence) == 0


def test_an_expired_or_foreign_hold_is_never_used(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, fields = _concept_form(client, genova)
    token = _token(_send_without_date(client, url, fields).get_data(as_text=True))
    row = db_session.scalar(select(HeldEvidence))
    user_id, act = row.user_id, row.act
    assert held_evidence.held(token, user_id=user_id, plan_id=genova.id, act=act).data == PDF
    assert held_evidence.held(token, user_id=user_id + 1, plan_id=genova.id, act=act) is None
    assert held_evidence.held(token, user_id=user_id, plan_id=genova.id + 1, act=act) is None
    assert held_evidence.held(token, user_id=user_id, plan_id=genova.id, act="pdt_approval/-/file_with_corporacion") is None
    assert held_evidence.held(token[:-1], user_id=user_id, plan_id=genova.id, act=act) is None

    db_session.execute(update(HeldEvidence).values(held_at=datetime.now(timezone.utc) - timedelta(hours=2, minutes=1)))
    db_session.commit()
    events = _count(db_session, PlanEvent)
    response = client.post(url, data={**fields, "act_on": "2028-03-09", "concept": "favorable",
                                      "held_evidence": token}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert HELD_LOST in html and 'href="#evidence"' in html
    assert _count(db_session, PlanEvent) == events


def test_a_pdf_that_fails_its_check_is_said_with_the_other_errors_and_not_held(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, fields = _concept_form(client, genova)
    response = _send_without_date(client, url, fields, filename="foto.pdf", data=b"\x89PNG\r\n\x1a\n no es un PDF")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = re.search(r'<div class="errors" role="alert" id="errores".*?</div>', html, re.S).group(0)
    assert 'href="#act_on"' in summary and 'href="#evidence"' in summary  # both in one round
    assert CHOOSE_AGAIN in html and 'name="held_evidence"' not in html
    assert _count(db_session, HeldEvidence) == 0


def test_a_new_hold_removes_the_expired_ones(app, db_session):
    from tests.workflow_app.story import Cast, make_plan

    cast = Cast(db_session, make_plan(db_session, "63302"))
    db_session.commit()
    old = held_evidence.hold(user_id=cast.ctp.id, plan_id=cast.plan.id, act="a", filename="viejo.pdf", data=PDF)
    db_session.execute(update(HeldEvidence).values(held_at=datetime.now(timezone.utc) - timedelta(hours=3)))
    db_session.commit()
    held_evidence.hold(user_id=cast.planeacion.id, plan_id=cast.plan.id, act="b", filename="../nuevo\x00.pdf",
                       data=PDF)
    names = db_session.scalars(select(HeldEvidence.filename)).all()
    assert names == ["nuevo.pdf"]  # the expired one gone; the name kept clean
    assert held_evidence.held(old.token, user_id=cast.ctp.id, plan_id=cast.plan.id, act="a") is None


def test_the_sweep_removes_the_holds_past_their_time(app, db_session):
    from datetime import date

    from notifications.sweep import run_sweep
    from tests.workflow_app.story import Cast, make_plan

    cast = Cast(db_session, make_plan(db_session, "63302"))
    db_session.commit()
    held_evidence.hold(user_id=cast.ctp.id, plan_id=cast.plan.id, act="a", filename="viejo.pdf", data=PDF)
    db_session.execute(update(HeldEvidence).values(held_at=datetime.now(timezone.utc) - timedelta(hours=3)))
    db_session.commit()
    fresh = held_evidence.hold(user_id=cast.ctp.id, plan_id=cast.plan.id, act="b", filename="nuevo.pdf", data=PDF)
    report = run_sweep(date(2028, 1, 10))
    assert report.held_files == 0  # the new hold had already removed the old one
    db_session.execute(update(HeldEvidence).values(held_at=datetime.now(timezone.utc) - timedelta(hours=3)))
    db_session.commit()
    report = run_sweep(date(2028, 1, 10))
    assert report.held_files == 1 and "PDF retenidos de formularios, vencidos y borrados: 1" in report.as_text()
    assert held_evidence.held(fresh.token, user_id=cast.ctp.id, plan_id=cast.plan.id, act="b") is None


def test_the_correction_form_holds_its_pdf_too(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    old = db_session.scalar(select(Document).where(Document.plan_id == genova.id, Document.kind == "consolidate")
                            .order_by(Document.version.desc()))
    sign_in(client, demo, "planeacion.genova")
    url = f"/planes/{genova.id}/documentos/{old.id}/correccion"
    csrf = csrf_from(client.get(url).get_data(as_text=True))
    corrected = one_page_pdf("Acta corregida: fecha 21 de marzo")
    first = client.post(url, data={"csrf_token": csrf, "reason": "error",
                                   "evidence": (io.BytesIO(corrected), "corregida.pdf")},
                        content_type="multipart/form-data")
    html = first.get_data(as_text=True)
    assert first.status_code == 422 and "qué error formal corrige" in html
    assert "Ya recibimos «corregida.pdf»" in html and CHOOSE_AGAIN not in html
    second = client.post(url, data={"csrf_token": csrf, "held_evidence": _token(html),
                                    "reason": "La fecha del acta decía 12 de marzo; es 21."},
                         content_type="multipart/form-data")
    assert second.status_code == 302
    new = db_session.scalar(select(Document).where(Document.supersedes_id == old.id))
    assert new.sha256 == hashlib.sha256(corrected).hexdigest() and new.original_filename == "corregida.pdf"
    assert _count(db_session, HeldEvidence) == 0


def test_sizes_are_said_in_kilobytes_then_megabytes_with_a_decimal_comma():
    from workflow_app.infra.templating import file_size

    assert file_size(655) == "0,6 KB"
    assert file_size(999 * 1024) == "999,0 KB"
    assert file_size(1000 * 1024) == "1,0 MB"  # never a four-digit figure of kilobytes
    assert file_size(1000 * 1024 - 1) == "1,0 MB"  # 999,999 KB would round to "1000,0 KB"
    assert file_size(5 * 1024 * 1024 + 300 * 1024) == "5,3 MB"
