"""Web pages per role: what each sees and may do; refusals are Spanish and change nothing."""
import io
import re

import pytest
from sqlalchemy import func, select

from tests.demo_copy import demo_data
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import PDF
from workflow_app.models import Document, Entity, Plan, PlanEvent

PASSWORDS = {}


@pytest.fixture
def demo(db_session, set_today):
    set_today("2028-03-10")
    accounts = demo_data()
    PASSWORDS.update({a.email: a.password for a in accounts})
    return {a.email.split("@")[0]: a for a in accounts}


def plan_of(session, dane_code):
    entity = session.scalar(select(Entity).filter_by(dane_code=dane_code))
    return session.scalar(select(Plan).filter_by(entity_id=entity.id))


def sign_in(client, demo, slug):
    account = demo[slug]
    response = login(client, account.email, account.password)
    assert response.status_code == 302
    return client


def events(session):
    return session.scalar(select(func.count()).select_from(PlanEvent))


def test_ctp_inbox_lists_its_concept_with_deadline_and_norm(client, demo):
    page = sign_in(client, demo, "ctp.genova").get("/").get_data(as_text=True)
    assert "Entregar el concepto del CTP" in page
    assert "28 de marzo de 2028" in page and "L152 art. 39 num. 6" in page
    assert "11 días hábiles" in page  # 20 Mar 2028 (San José, moved) skipped


def test_car_inbox_lists_only_its_own_jurisdiction(client, demo, db_session):
    page = sign_in(client, demo, "crq").get("/").get_data(as_text=True)
    assert "Génova (Quindío)" in page
    assert "Sucre" not in page


def test_each_demo_role_lands_on_its_inbox_and_sees_its_plans(app, demo):
    for slug in ("alcalde.genova", "planeacion.genova", "ctp.genova", "concejo.genova", "crq", "asesor.quindio",
                 "gobernador.sucre", "carsucre"):
        page = sign_in(app.test_client(), demo, slug).get("/")
        assert page.status_code == 200 and "Mis pendientes" in page.get_data(as_text=True), slug


def test_asesor_follows_plans_but_has_no_legal_acts(client, demo, db_session):
    page = sign_in(client, demo, "asesor.quindio").get("/").get_data(as_text=True)
    assert "Planes que sigue" in page and "Génova" in page and "Buenavista" in page
    assert "No tiene deberes con plazo legal" in page and "No hay otras acciones a su alcance" in page
    genova = plan_of(db_session, "63302")
    assert client.get(f"/planes/{genova.id}").status_code == 200
    url = f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"
    assert client.get(url).status_code == 403


def test_foreign_plan_is_hidden_with_404(client, demo, db_session):
    sucre = plan_of(db_session, "70")
    sign_in(client, demo, "alcalde.genova")
    assert client.get(f"/planes/{sucre.id}").status_code == 404
    assert client.get(f"/planes/{sucre.id}/actos/pdt_approval/-/take_office").status_code == 404


def test_the_administrator_reads_any_plan_but_is_offered_no_act_and_cannot_act(client, demo, db_session):
    sucre, genova = plan_of(db_session, "70"), plan_of(db_session, "63302")
    sign_in(client, demo, "admin")
    for plan in (sucre, genova):
        response = client.get(f"/planes/{plan.id}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "/actos/" not in html, plan.id
    before = events(db_session)
    assert client.get(f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept").status_code == 404
    assert client.post(f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept",
                       data={"csrf_token": csrf_from(client.get("/admin").get_data(as_text=True))}).status_code == 404
    assert client.get("/planes/999999").status_code == 404
    assert events(db_session) == before


def test_act_the_law_does_not_allow_now_is_a_spanish_409(client, demo, db_session):
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "alcalde.genova")
    response = client.get(f"/planes/{genova.id}/actos/pdt_approval/-/file_with_corporacion")
    assert response.status_code == 409
    assert "no procede en el estado actual" in response.get_data(as_text=True)


def _concept_form(client, plan):
    url = f"/planes/{plan.id}/actos/pdt_approval/-/record_ctp_concept"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
    return url, csrf_from(html), version


def test_ctp_issues_its_concept_through_the_form(client, demo, db_session):
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version = _concept_form(client, genova)
    response = client.post(url, data={
        "csrf_token": token, "expected_version": version, "act_on": "2028-03-09", "reference": "Acta 04",
        "concept": "favorable_con_recomendaciones", "scope": "total",
        "recommendations": "Incluir metas de agua potable\nRevisar el plan de inversiones",
        "evidence": (io.BytesIO(PDF), "concepto.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    db_session.refresh(genova)
    assert genova.state == "ctp_stage_closed"
    event = db_session.scalars(select(PlanEvent).filter_by(plan_id=genova.id, trigger="record_ctp_concept")).one()
    assert event.payload["recommendations"] == ["Incluir metas de agua potable", "Revisar el plan de inversiones"]
    assert event.reference == "Acta 04" and len(event.evidence_ids) == 1
    page = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert "Etapa del CTP cerrada" in page and "concepto.pdf" not in page  # the title is the act, not the file


def test_invalid_form_keeps_values_and_explains_each_field(client, demo, db_session):
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version = _concept_form(client, genova)
    before = events(db_session)
    response = client.post(url, data={"csrf_token": token, "expected_version": version, "act_on": "",
                                      "reference": "Acta 05", "recommendations": "Una recomendación"},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Indique la fecha del acto" in html and "Elija el sentido del concepto." in html
    assert 'value="Acta 05"' in html and "Una recomendación" in html
    assert events(db_session) == before


def test_non_pdf_evidence_is_refused_in_spanish_and_nothing_changes(client, demo, db_session):
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version = _concept_form(client, genova)
    docs = db_session.scalar(select(func.count()).select_from(Document))
    response = client.post(url, data={
        "csrf_token": token, "expected_version": version, "act_on": "2028-03-09", "concept": "favorable",
        "scope": "total", "evidence": (io.BytesIO(b"<html><script>alert(1)</script>"), "concepto.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "no es un PDF válido" in response.get_data(as_text=True)
    db_session.refresh(genova)
    assert genova.state == "submitted_to_ctp"
    assert db_session.scalar(select(func.count()).select_from(Document)) == docs


@pytest.mark.parametrize("stale", ["previous", "-1", "99999999999"])
def test_stale_form_is_a_409_that_keeps_the_form(client, demo, db_session, stale):
    """A crafted version is a stale form too: it kept nothing and said «llegó dañado» (QA, 7 December 2026)."""
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version = _concept_form(client, genova)
    response = client.post(url, data={
        "csrf_token": token, "expected_version": str(int(version) - 1) if stale == "previous" else stale,
        "act_on": "2028-03-09", "notes": "Sesión del 9 de marzo", "concept": "favorable", "scope": "total",
        "evidence": (io.BytesIO(PDF), "c.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "El plan cambió mientras usted llenaba este formulario" in html and "Sesión del 9 de marzo" in html
    db_session.refresh(genova)
    assert genova.state == "submitted_to_ctp"


def test_act_form_without_csrf_is_400(client, demo, db_session):
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, _token, version = _concept_form(client, genova)
    response = client.post(url, data={"expected_version": version, "act_on": "2028-03-09"})
    assert response.status_code == 400


def test_evidence_download_is_an_attachment_and_scoped(client, demo, db_session):
    genova = plan_of(db_session, "63302")
    doc = db_session.scalars(select(Document).filter_by(plan_id=genova.id)).first()
    sign_in(client, demo, "alcalde.genova")
    response = client.get(f"/planes/{genova.id}/documentos/{doc.id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    sucre = plan_of(db_session, "70")
    assert client.get(f"/planes/{sucre.id}/documentos/{doc.id}").status_code == 404


def test_pages_carry_security_headers(client, demo):
    headers = client.get("/login").headers
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
