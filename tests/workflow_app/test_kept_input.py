"""A form sent after the session ended (idle timeout, signed out in another window) or without its security code
is not taken, and what the person typed is shown back to copy: nothing is recorded, nothing is lost. Only a form
sent from the service's own pages is shown back."""
import io
import re

from sqlalchemy import func, select

from tests.workflow_app.helpers import csrf_from
from tests.workflow_app.story import PDF
from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 - fixtures
from workflow_app.models import PlanEvent, User
from workflow_app.services.people.accounts import end_sessions_everywhere

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}
CONCEPT = "El CTP recomienda incluir la vía Génova–Pijao en el plan de inversiones.\nY revisar las metas de agua."


def _events(session):
    return session.scalar(select(func.count()).select_from(PlanEvent))


def _concept_form(client, plan):
    url = f"/planes/{plan.id}/actos/pdt_approval/-/record_ctp_concept"
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
    return url, csrf_from(html), version


def _send(client, url, token, version, headers):
    return client.post(url, data={"csrf_token": token, "expected_version": version, "act_on": "2028-03-09",
                                  "reference": "Acta 05 del CTP", "concept": "favorable", "recommendations": CONCEPT,
                                  "evidence": (io.BytesIO(PDF), "concepto.pdf")},
                       content_type="multipart/form-data", headers=headers)


def test_a_form_sent_after_the_session_ended_shows_what_was_typed_and_leads_back(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version = _concept_form(client, genova)
    end_sessions_everywhere(db_session, db_session.scalar(select(User).filter_by(email=demo["ctp.genova"].email)))
    before = _events(db_session)

    response = _send(client, url, token, version, SAME_SITE)
    html = response.get_data(as_text=True)
    assert response.status_code == 401 and _events(db_session) == before  # nothing recorded
    assert "Su sesión terminó antes de que llegara su formulario" in html
    typed = dict(re.findall(r'<label for="(typed-\d+)">[^<]*</label>\s*<textarea id="\1" readonly[^>]*>(.*?)</textarea>',
                            html, re.S))
    assert "El CTP recomienda incluir la vía Génova–Pijao en el plan de inversiones.\nY revisar las metas de agua." \
        in typed.values()
    assert "Acta 05 del CTP" in typed.values() and token not in html.split('name="csrf_token"')[0]
    assert '<label for="typed-' in html and "Recomendaciones" in html and "Número de radicado" in html
    assert "El archivo que adjuntó (concepto.pdf) no se conservó" in html
    assert "favorable" not in typed.values()  # a choice is picked again in a click, not shown back as a code
    # Signing in again from this page comes back to the form, empty.
    action = re.search(r'<form method="post" action="([^"]+)"', html).group(1).replace("&amp;", "&")
    again = client.post(action, data={"csrf_token": csrf_from(html), "email": demo["ctp.genova"].email,
                                      "password": demo["ctp.genova"].password})
    assert again.status_code == 302 and again.headers["Location"].endswith(url)
    assert client.get(url).status_code == 200


def test_a_plain_visit_after_the_session_ended_is_still_sent_to_sign_in(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    end_sessions_everywhere(db_session, db_session.scalar(select(User).filter_by(email=demo["ctp.genova"].email)))
    response = client.get(f"/planes/{genova.id}")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_a_form_posted_from_another_site_is_not_shown_back(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version = _concept_form(client, genova)
    end_sessions_everywhere(db_session, db_session.scalar(select(User).filter_by(email=demo["ctp.genova"].email)))
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://otro-sitio.example"}, {}):
        html = _send(client, url, token, version, headers).get_data(as_text=True)
        assert "Su sesión terminó" in html and "Génova–Pijao" not in html and "typed-1" not in html


def test_a_form_sent_after_signing_out_in_another_window_shows_what_was_typed(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version = _concept_form(client, genova)
    inbox = client.get("/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_from(inbox)}).status_code == 302  # the other window
    html = _send(client, url, token, version, SAME_SITE).get_data(as_text=True)
    assert "Su sesión terminó" in html and "Génova–Pijao" in html


def test_a_form_without_its_security_code_shows_what_was_typed(client, demo, db_session):  # noqa: F811
    sign_in(client, demo, "planeacion.genova")
    genova = plan_of(db_session, "63302")
    before = _events(db_session)
    page = client.get(f"/planes/{genova.id}/hitos")
    assert page.status_code == 200
    response = client.post(f"/planes/{genova.id}/hitos/4", data={"h4-note": "Acta de la reunión del 3 de marzo",
                                                                  "h4-csrf_token": "vencido con espacios"},
                           headers={**SAME_SITE, "Referer": f"http://localhost/planes/{genova.id}/hitos"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "código de seguridad" in html
    assert "Acta de la reunión del 3 de marzo" in html and "Lo que usted escribió" in html
    assert ">Nota</label>" in html and "vencido con espacios" not in html  # a form's prefix; its code never shown
    assert f'<a href="/planes/{genova.id}/hitos">Volver a la página del formulario</a>' in html
    assert _events(db_session) == before
    cross = client.post(f"/planes/{genova.id}/hitos/4", data={"note": "Llame ya al 555-0100"},
                        headers={"Sec-Fetch-Site": "cross-site"}).get_data(as_text=True)
    assert "555-0100" not in cross and "Lo que usted escribió" not in cross


def test_signing_in_again_goes_back_to_the_page_the_form_was_on(client, demo, db_session):  # noqa: F811
    """A hito's note posts to an address that only takes a POST: signing in again leads to the hitos page."""
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "planeacion.genova")
    page = client.get(f"/planes/{genova.id}/hitos").get_data(as_text=True)
    end_sessions_everywhere(db_session, db_session.scalar(select(User).filter_by(email=demo["planeacion.genova"].email)))
    response = client.post(f"/planes/{genova.id}/hitos/4", data={
        "h4-csrf_token": csrf_from(page), "h4-note": "Acta de la reunión del 3 de marzo", "h4-is_done": "1"},
        headers={**SAME_SITE, "Referer": f"http://localhost/planes/{genova.id}/hitos"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401 and "Acta de la reunión del 3 de marzo" in html
    action = re.search(r'<form method="post" action="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert action.endswith(f"next=%2Fplanes%2F{genova.id}%2Fhitos") or action.endswith(f"next=/planes/{genova.id}/hitos")
