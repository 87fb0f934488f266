"""Audit (WCAG 2.1 AA, 3.3.2): a required field says so before the form is sent, «(obligatorio)» beside its label
and required/aria-required on its control, a file the act needs included; a file the server already holds is not
asked for again. The label itself stays the control's name, and the server still answers in Spanish."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from tests.workflow_app.helpers import csrf_from
from tests.workflow_app.story import PDF
from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 - fixtures
from workflow_app.models import Document

MARK = '<span class="required-mark" aria-hidden="true">(obligatorio)</span>'


def control(html: str, field_id: str) -> str:
    return re.search(rf'<(?:input|textarea|select)\b[^>]*\bid="{field_id}"[^>]*>', html).group(0)


def is_marked(html: str, field_id: str) -> bool:
    return re.search(rf'<span class="label-line"><label for="{field_id}">[^<]*</label> {re.escape(MARK)}</span>',
                     html) is not None


def asks_for(html: str, field_id: str) -> bool:
    tag = control(html, field_id)
    return re.search(r"\brequired\b", tag) is not None and 'aria-required="true"' in tag


def test_the_ctp_concept_form_marks_what_it_needs_before_it_is_sent(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url = f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"
    html = client.get(url).get_data(as_text=True)
    assert 'novalidate' in re.search(r'<form method="post" action="[^"]*#errores"[^>]*>', html).group(0)
    for needed in ("act_on", "evidence"):  # the date (a validator) and the concept's PDF (the act's guard)
        assert asks_for(html, needed) and is_marked(html, needed), needed
    assert '<label for="act_on">Fecha del acto</label>' in html  # the mark is beside the label, not in its name
    assert "<legend>Sentido del concepto <span class=\"required-mark\">(obligatorio)</span></legend>" in html
    assert all(re.search(r"\brequired\b", radio) for radio in re.findall(r'<input[^>]*name="concept"[^>]*>', html))
    for optional in ("reference", "notes", "recommendations"):
        assert not re.search(r"\brequired\b", control(html, optional)) and not is_marked(html, optional), optional
    assert not re.search(r'[^-]required="', html)  # no «required="None"»: present or absent
    # The browser does not stop the send (novalidate): the server's Spanish error page answers an empty form.
    empty = client.post(url, data={"csrf_token": csrf_from(html), "act_on": ""})
    assert empty.status_code == 422 and "Revise los campos marcados." in empty.get_data(as_text=True)


def test_a_pdf_the_server_holds_is_not_asked_for_again(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url = f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
    back = client.post(url, data={"csrf_token": csrf_from(html), "expected_version": version, "act_on": "",
                                  "concept": "favorable", "evidence": (io.BytesIO(PDF), "concepto.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Ya recibimos «concepto.pdf»" in back
    assert not re.search(r"\brequired\b", control(back, "evidence")) and not is_marked(back, "evidence")
    assert asks_for(back, "act_on")  # the date is still missing


def test_the_correction_form_asks_for_the_corrected_pdf_and_the_reason(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    doc = db_session.scalar(select(Document).where(Document.plan_id == genova.id, Document.kind == "consolidate"))
    sign_in(client, demo, "planeacion.genova")
    url = f"/planes/{genova.id}/documentos/{doc.id}/correccion"
    html = client.get(url).get_data(as_text=True)
    for needed in ("evidence", "reason"):
        assert asks_for(html, needed) and is_marked(html, needed), needed
    back = client.post(url, data={"csrf_token": csrf_from(html), "reason": "",
                                  "evidence": (io.BytesIO(PDF), "corregida.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Ya recibimos «corregida.pdf»" in back and "Explique qué error formal corrige" in back
    assert not re.search(r"\brequired\b", control(back, "evidence")) and asks_for(back, "reason")
