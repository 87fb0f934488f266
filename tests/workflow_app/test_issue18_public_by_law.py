"""Issue 18 (second half): what the law makes public is public by default (Ley 1712 de 2014 arts. 9, 11); a
document is withheld only with its recorded reason (arts. 18-19), shown to staff and not on the portal."""

import io
import re

from sqlalchemy import func, select

from state_machines.approval.route import PUBLIC_BY_LAW, withholding_refusal
from tests.workflow_app.helpers import csrf_from
from tests.workflow_app.story import PDF
from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 - fixtures
from workflow_app.models import Document, PlanEvent


def _open_form(client, url):
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    return html, re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)


def test_concepts_acts_and_publication_are_public_by_law():
    assert {"record_ctp_concept", "receive_concept", "sanction", "publish", "adopt_by_decree"} <= PUBLIC_BY_LAW
    assert withholding_refusal("sanction", False, "  ")
    assert withholding_refusal("sanction", False, "Reserva por seguridad nacional (L1712 art. 19 lit. a)") is None
    assert withholding_refusal("take_office", False, "") is None


def test_the_ctp_concept_form_starts_on_publish_and_withholding_needs_a_reason(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url = f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"
    html, version = _open_form(client, url)
    assert re.search(r'<input[^>]*checked[^>]*value="public"|<input[^>]*value="public"[^>]*checked', html)
    assert "Publicar este documento en el portal ciudadano" not in html  # no unchecked box for this act
    events = db_session.scalar(select(func.count()).select_from(PlanEvent))
    refused = client.post(url, data={
        "csrf_token": csrf_from(html), "expected_version": version, "act_on": "2028-03-09", "concept": "favorable",
        "publication": "withheld", "withheld_reason": "",
        "evidence": (io.BytesIO(PDF), "concepto.pdf")}, content_type="multipart/form-data")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "razón de la reserva o clasificación" in body
    assert db_session.scalar(select(func.count()).select_from(PlanEvent)) == events
    reason = "Contiene datos personales de los consejeros (Ley 1712 de 2014 art. 18 lit. a)"
    done = client.post(url, data={
        "csrf_token": csrf_from(body), "expected_version": version, "act_on": "2028-03-09", "concept": "favorable",
        "publication": "withheld", "withheld_reason": reason,
        "evidence": (io.BytesIO(PDF), "concepto.pdf")}, content_type="multipart/form-data")
    assert done.status_code == 302
    doc = db_session.scalar(select(Document).where(Document.plan_id == genova.id,
                                                   Document.kind == "record_ctp_concept"))
    assert doc.is_public is False and doc.withheld_reason == reason
    staff = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert f"Razón de la reserva: {reason}" in staff
    public = client.get("/publico/63302").get_data(as_text=True)
    assert "Concepto del Consejo Territorial de Planeación</a>" not in public
    # Listed without its file, with the recorded reason (L1712 arts. 18-20; QA, 7 December 2026: it left no trace).
    withheld = " ".join(public.split("Documentos no publicados")[1].split("</ul>")[0].split())
    assert "Concepto del Consejo Territorial de Planeación" in withheld and f"«{reason}»" in withheld
    assert "/documentos/" not in withheld


def test_a_concept_sent_as_the_form_offers_it_reaches_the_portal(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url = f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"
    html, version = _open_form(client, url)
    done = client.post(url, data={
        "csrf_token": csrf_from(html), "expected_version": version, "act_on": "2028-03-09", "concept": "favorable",
        "publication": "public", "evidence": (io.BytesIO(PDF), "concepto.pdf")}, content_type="multipart/form-data")
    assert done.status_code == 302
    public = client.get("/publico/63302").get_data(as_text=True)
    assert "Concepto del Consejo Territorial de Planeación</a>" in public

