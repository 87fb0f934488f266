"""Issue 14 part B: forms keep what was typed, announce their errors at the top with links to each field and
land there; an oversized PDF returns the filled form; a form sent again after its act was registered says so."""
import io
import re

from sqlalchemy import func, select

from tests.workflow_app.helpers import csrf_from
from tests.workflow_app.story import PDF
from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 - fixtures
from workflow_app.models import Document, PlanEvent
from workflow_app.services.route.documents import MAX_BYTES
from workflow_app.web import uploads
from workflow_app.web.uploads import BODY_LIMIT

CHOOSE_AGAIN = "Vuelva a elegir el archivo PDF: por seguridad el navegador no lo conserva."


def _concept_form(client, plan):
    url = f"/planes/{plan.id}/actos/pdt_approval/-/record_ctp_concept"
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
    return url, csrf_from(html), version, html


def _events(session):
    return session.scalar(select(func.count()).select_from(PlanEvent))


def _send_fresh_form(client, url: str, fields: dict):
    """Open the act's form (its token and the plan's version) and send it with ``fields``, as a browser does."""
    html = client.get(url).get_data(as_text=True)
    return client.post(url, content_type="multipart/form-data", data={
        "csrf_token": csrf_from(html), **fields,
        "expected_version": re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)})


def test_the_file_input_asks_for_a_pdf_and_states_the_limit(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    _, _, _, html = _concept_form(client, genova)
    assert re.search(r'<input[^>]*accept="application/pdf,.pdf"[^>]*id="evidence"', html) or \
        re.search(r'<input[^>]*id="evidence"[^>]*accept="application/pdf,.pdf"', html)
    assert "Documento de soporte (PDF, máximo 20 MB)" in html
    assert f'action="/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept#errores"' in html


def test_errors_are_summarised_at_the_top_with_links_and_the_file_is_held(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version, _ = _concept_form(client, genova)
    before = _events(db_session)
    response = client.post(url, data={"csrf_token": token, "expected_version": version, "act_on": "",
                                      "reference": "Acta 05", "recommendations": "Una recomendación",
                                      "evidence": (io.BytesIO(PDF), "concepto.pdf")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = re.search(r'<div class="errors" role="alert" id="errores".*?</div>', html, re.S).group(0)
    assert 'href="#act_on"' in summary and "Indique la fecha del acto" in summary
    assert 'href="#concept-0"' in summary and "Elija el sentido del concepto." in summary
    assert 'value="Acta 05"' in html and "Una recomendación" in html
    # The browser drops the chosen file; the service holds it (test_held_evidence.py) and says so by the input.
    assert re.search(r'id="evidence-again">Ya recibimos «concepto.pdf»', html) and CHOOSE_AGAIN not in html
    assert _events(db_session) == before


def test_a_missing_document_is_said_with_the_other_errors_in_one_round(client, demo, db_session):  # noqa: F811
    """On a weak connection every round counts: a form with a field to mend and no PDF says both at once (the
    missing PDF used to be said only once the fields were right, by the machine's refusal)."""
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version, _ = _concept_form(client, genova)
    before = _events(db_session)
    response = client.post(url, data={"csrf_token": token, "expected_version": version, "act_on": "2028-03-10",
                                      "reference": "Acta 05"}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = re.search(r'<div class="errors" role="alert" id="errores".*?</div>', html, re.S).group(0)
    assert "Elija el sentido del concepto." in summary
    assert 'href="#evidence"' in summary
    assert "Adjunte el concepto del CTP (acta de la sesión) como soporte de esta actuación." in summary
    assert summary.index('href="#concept-0"') < summary.index('href="#evidence"')  # the page's order
    assert 'value="Acta 05"' in html and CHOOSE_AGAIN not in html  # no file had been chosen: none to choose again
    assert _events(db_session) == before

    # The fields mended, still no PDF: the same sentence, now as the machine's refusal, and still nothing written.
    response = client.post(url, data={"csrf_token": token, "expected_version": version, "act_on": "2028-03-10",
                                      "reference": "Acta 05", "concept": "favorable"},
                           content_type="multipart/form-data")
    assert response.status_code in (409, 422)
    assert "Adjunte el concepto del CTP (acta de la sesión) como soporte de esta actuación." in \
        response.get_data(as_text=True)
    assert _events(db_session) == before


def test_a_pdf_over_the_limit_returns_the_filled_form(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version, _ = _concept_form(client, genova)
    docs = db_session.scalar(select(func.count()).select_from(Document))
    big = PDF + b"%" * (MAX_BYTES + 1024 * 1024)  # over 20 MB, over the app-wide 21 MB body limit too
    response = client.post(url, data={
        "csrf_token": token, "expected_version": version, "act_on": "2028-03-09", "reference": "Acta 06",
        "concept": "favorable", "notes": "Texto largo escrito con cuidado",
        "evidence": (io.BytesIO(big), "concepto-escaneado.pdf")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "supera 20 MB" in html and 'href="#evidence"' in html
    assert 'value="Acta 06"' in html and "Texto largo escrito con cuidado" in html
    assert re.search(r'<input[^>]*checked[^>]*value="favorable"|value="favorable"[^>]*checked', html)
    assert CHOOSE_AGAIN in html
    db_session.refresh(genova)
    assert genova.state == "submitted_to_ctp"
    assert db_session.scalar(select(func.count()).select_from(Document)) == docs


def test_a_body_over_the_readable_limit_returns_the_act_form_with_the_reason(
        client, demo, db_session, monkeypatch):  # noqa: F811
    monkeypatch.setattr(uploads, "BODY_LIMIT", 2 * 1024 * 1024)  # not 100 MB through the test client
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version, _ = _concept_form(client, genova)
    response = client.post(url, data={
        "csrf_token": token, "expected_version": version, "act_on": "2028-03-09", "concept": "favorable",
        "evidence": (io.BytesIO(PDF + b"%" * (3 * 1024 * 1024)), "enorme.pdf")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "<h1>Entregar el concepto del CTP" in html and 'id="errores"' in html
    assert "no se pudo leer: no se guardó nada" in html
    db_session.refresh(genova)
    assert genova.state == "submitted_to_ctp" and BODY_LIMIT == 100 * 1024 * 1024


def test_back_and_resend_says_the_act_was_already_registered_with_a_link_to_its_row(client, demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version, _ = _concept_form(client, genova)
    data = {"csrf_token": token, "expected_version": version, "act_on": "2028-03-09", "reference": "Acta 07",
            "concept": "favorable"}
    assert client.post(url, data={**data, "evidence": (io.BytesIO(PDF), "c.pdf")},
                       content_type="multipart/form-data").status_code == 302
    before = _events(db_session)
    again = client.post(url, data={**data, "evidence": (io.BytesIO(PDF), "c.pdf")},
                        content_type="multipart/form-data")
    html = again.get_data(as_text=True)
    event = db_session.scalars(select(PlanEvent).filter_by(plan_id=genova.id, trigger="record_ctp_concept")).one()
    assert again.status_code == 409
    assert re.search(r"Este acto ya quedó registrado el 10 de marzo de 2028 a las \d{1,2}:\d\d\s[ap]\.\s?m\. por "
                     + re.escape(event.actor.name) + r"\.", html), html
    assert f'href="/planes/{genova.id}#evento-{event.id}"' in html
    assert "no procede en el estado actual" not in html and "El formulario se envió de nuevo" in html
    assert _events(db_session) == before
    # Back onto the form (a GET) sent nothing: it is not said to have been sent again (QA, 7 December 2026).
    reopened = client.get(url).get_data(as_text=True)
    assert "Este acto ya quedó registrado" in reopened and "se envió de nuevo" not in reopened
    plan_page = client.get(f"/planes/{genova.id}").get_data(as_text=True)
    assert f'<tr id="evento-{event.id}">' in plan_page


def test_a_date_typed_day_month_year_is_read_and_an_unreadable_one_says_how_to_write_it(client, demo, db_session):  # noqa: F811
    """Where a browser shows a plain text box instead of a date picker, people type the date as Colombia writes
    it; the value the form cannot read is said with the form to write it, and nothing is written."""
    genova = plan_of(db_session, "63302")
    sign_in(client, demo, "ctp.genova")
    url, token, version, _ = _concept_form(client, genova)
    before = _events(db_session)
    fields = {"csrf_token": token, "expected_version": version, "reference": "Acta 05", "concept": "favorable"}
    unreadable = client.post(url, data={**fields, "act_on": "9 de marzo", "evidence": (io.BytesIO(PDF), "c.pdf")},
                             content_type="multipart/form-data")
    html = unreadable.get_data(as_text=True)
    assert unreadable.status_code == 422
    assert "Escriba la fecha como día/mes/año, por ejemplo 09/03/2028." in html and _events(db_session) == before
    typed = client.post(url, data={**fields, "act_on": "9/03/2028", "evidence": (io.BytesIO(PDF), "c.pdf")},
                        content_type="multipart/form-data")
    assert typed.status_code == 302
    event = db_session.scalars(select(PlanEvent).filter_by(plan_id=genova.id, trigger="record_ctp_concept")).one()
    assert event.act_on.isoformat() == "2028-03-09"


def test_a_second_amendment_from_another_tab_is_not_taken_for_a_resend_of_the_first(client, db_session, set_today):
    """QA 7 December 2026: the Concejo's secretary filled two amendments in two tabs; the second was answered «Este
    acto ya quedó registrado» and its text, authors and PDF were lost. It is a conflict (the plan moved), with what
    was typed kept; only the same form sent again is «ya registrado»."""
    from tests.workflow_app.helpers import login
    from tests.workflow_app.story import Cast, make_plan, walk_to

    set_today("2028-05-03")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "in_debate")
    assert login(client, cast.corporacion.email, "clave-de-prueba").status_code == 302
    url = f"/planes/{cast.plan.id}/actos/pdt_approval/-/propose_amendment"
    html = client.get(url).get_data(as_text=True)
    common = {"csrf_token": csrf_from(html), "act_on": "2028-05-03",
              "expected_version": re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)}
    first = {**common, "reference": "MOD-1", "text": "Más vivienda rural", "authors": "Luisa Gómez"}
    second = {**common, "reference": "MOD-2", "text": "Más parques en Cabecera", "authors": "Pedro Ruiz"}

    def send(data):
        return client.post(url, data={**data, "evidence": (io.BytesIO(PDF), "m.pdf")},
                           content_type="multipart/form-data")

    assert send(first).status_code == 302
    other = send(second)
    html = other.get_data(as_text=True)
    assert other.status_code == 409
    assert "ya quedó registrado" not in html and "El plan cambió mientras usted llenaba este formulario" in html
    assert "Más parques en Cabecera" in html and "Pedro Ruiz" in html and 'value="MOD-2"' in html
    resent = send(first)  # the first form again (Back and resend): that one was registered
    assert resent.status_code == 409 and "Este acto ya quedó registrado" in resent.get_data(as_text=True)
    texts = [e.payload["text"] for e in db_session.scalars(
        select(PlanEvent).filter_by(plan_id=cast.plan.id, trigger="propose_amendment"))]
    assert texts == ["Más vivienda rural"]
    # The form came back with the plan's version now: sent again as it is, the second amendment is recorded.
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
    assert version != common["expected_version"]
    assert send({**second, "expected_version": version}).status_code == 302
    texts = [e.payload["text"] for e in db_session.scalars(
        select(PlanEvent).filter_by(plan_id=cast.plan.id, trigger="propose_amendment").order_by(PlanEvent.id))]
    assert texts == ["Más vivienda rural", "Más parques en Cabecera"]


def test_attendance_written_with_a_thousands_point_is_read_and_asked_with_a_numeric_keyboard(client, db_session,
                                                                                            set_today):
    """QA 7 December 2026: «1.200» asistentes was refused («Escriba el número… en cifras»), and the phone showed its
    full keyboard."""
    from tests.workflow_app.helpers import login
    from tests.workflow_app.story import Cast, make_plan, walk_to
    from workflow_app.models import Procedure

    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    cast.act("planeacion", "schedule_hearing", "2028-04-05", payload={"scheduled_on": "2028-04-20", "place": "Coliseo"})
    db_session.commit()
    set_today("2028-04-20")
    assert login(client, cast.planeacion.email, "clave-de-prueba").status_code == 302
    url = f"/planes/{cast.plan.id}/actos/hearing/1/hold"
    html = client.get(url).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="attendance"[^>]*inputmode="numeric"|<input[^>]*inputmode="numeric"[^>]*'
                     r'id="attendance"', html)
    response = client.post(url, content_type="multipart/form-data", data={
        "csrf_token": csrf_from(html), "act_on": "2028-04-20", "reference": "Acta 3", "attendance": "1.200",
        "evidence": (io.BytesIO(PDF), "acta.pdf"),
        "expected_version": re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)
    hearing = db_session.scalar(select(Procedure).filter_by(plan_id=cast.plan.id, machine="hearing"))
    db_session.refresh(hearing)
    assert hearing.data["attendance"] == "1200"


def test_a_hearing_programmed_for_a_day_past_is_said_with_the_forms_other_errors(client, db_session, set_today):
    """L1909 art. 22 (``hearing_date_problem``), in the same round as the missing place's zone."""
    from tests.workflow_app.helpers import login
    from tests.workflow_app.story import Cast, make_plan, walk_to

    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    set_today("2028-04-05")
    assert login(client, cast.planeacion.email, "clave-de-prueba").status_code == 302
    before = _events(db_session)
    response = _send_fresh_form(client, f"/planes/{cast.plan.id}/actos/pdt_approval/-/schedule_hearing", {
        "act_on": "2028-04-05", "reference": "CIT-1", "scheduled_on": "2028-03-01", "scheduled_time": "18:00",
        "place": "Casa de la cultura", "zone": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and _events(db_session) == before
    assert "La audiencia se programa para el 5 de abril de 2028 o un día posterior" in page
    assert "Indique la comuna, barrio o municipio." in page


def test_going_on_while_the_car_is_in_its_term_is_asked_beside_its_reason_field_with_the_other_errors(
        client, db_session, set_today):
    """QA 7 December 2026 (T6, D1865 art. 3 num. 3-4): the consideration's form first said only its other errors,
    then, sent again, a banner «La autoridad ambiental CRQ aún está dentro de sus quince días hábiles…» that named
    no field. Now both come in one round, the CAR's beside «por qué se continúa sin su concepto»."""
    from tests.workflow_app.helpers import login
    from tests.workflow_app.story import Cast, make_plan

    cast = Cast(db_session, make_plan(db_session, "63302"))
    for who, trigger, on, kw in (
            ("ejecutivo", "take_office", "2028-01-03", {}), ("planeacion", "start_drafting", "2028-01-10", {}),
            ("planeacion", "submit_to_consejo_de_gobierno", "2028-02-29", {}),
            ("planeacion", "consolidate", "2028-02-29", {}), ("ejecutivo", "submit_to_ctp", "2028-02-29", {}),
            ("ctp", "record_ctp_concept", "2028-03-06", {"payload": {"scope": "total", "concept": "favorable"}})):
        cast.act(who, trigger, on, **kw)
    db_session.commit()
    set_today("2028-03-07")
    assert login(client, cast.planeacion.email, "clave-de-prueba").status_code == 302
    before = _events(db_session)
    response = _send_fresh_form(client, f"/planes/{cast.plan.id}/actos/pdt_approval/-/consider_concepts",
                                {"act_on": "2028-03-07", "reference": "Acta 9"})
    page = " ".join(response.get_data(as_text=True).split())
    assert response.status_code == 422 and _events(db_session) == before
    assert re.search(r'name="car_wait_reason">[^<]*</textarea> <span class="field-error" id="car_wait_reason-err">La '
                     r'autoridad ambiental CRQ aún está dentro de sus quince días hábiles', page), page
    assert "No se registró el acto." not in page  # no banner: the field says it
    assert '<span class="field-error" id="evidence-err">Adjunte el registro de la consideración' in page


def test_a_hearing_sent_again_after_back_on_a_fresh_form_is_said_registered_not_recorded_twice(client, db_session,
                                                                                             set_today):
    """QA 7 December 2026: after «Listo», Back fetched the form anew (with the plan's new version) and the browser
    refilled it; sending it recorded the same hearing twice. An act that leaves the plan where it was is told apart
    from its resend by its content: the same content by the same person is «ya quedó registrado»."""
    from tests.workflow_app.helpers import login
    from tests.workflow_app.story import Cast, make_plan, walk_to
    from workflow_app.models import Procedure

    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    set_today("2028-04-05")
    assert login(client, cast.planeacion.email, "clave-de-prueba").status_code == 302
    url = f"/planes/{cast.plan.id}/actos/pdt_approval/-/schedule_hearing"

    def send(place):  # a fresh form each time, as Back fetches it
        return _send_fresh_form(client, url, {
            "act_on": "2028-04-05", "reference": "CIT-1", "scheduled_on": "2028-04-20", "scheduled_time": "18:00",
            "place": place, "zone": "Centro", "evidence": (io.BytesIO(PDF), "c.pdf")})

    assert send("Coliseo").status_code == 302
    again = send("Coliseo")
    assert again.status_code == 409 and "Este acto ya quedó registrado" in again.get_data(as_text=True)
    assert send("Casa de la cultura").status_code == 302  # another hearing: recorded
    places = sorted(p.data["place"] for p in db_session.scalars(
        select(Procedure).filter_by(plan_id=cast.plan.id, machine="hearing")))
    assert places == ["Casa de la cultura", "Coliseo"]


def test_the_validators_own_messages_are_in_spanish(app):
    """QA 7 December 2026: «Field cannot be longer than 255 characters.», «Not a valid choice.»"""
    from flask_wtf import FlaskForm
    from wtforms import SelectField, StringField
    from wtforms.validators import Length

    from forms.fields import options

    class Form(FlaskForm):
        name = StringField(validators=[Length(max=3)])
        kind = SelectField(choices=options([("a", "A")]))

    with app.test_request_context(method="POST", data={"name": "abcdef", "kind": "zz"}):
        form = Form(meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"name": ["El campo no puede tener más de 3 caracteres."], "kind": ["Opción inválida."]}


def test_the_filing_form_says_beforehand_the_warning_the_plan_would_carry(client, db_session, set_today):
    """QA 7 December 2026: «Radicado sin audiencia pública…» (L1909 art. 22) appeared on the plan page only after the
    filing; the form now says it first. A plan whose hearing was held is not warned."""
    from tests.workflow_app.helpers import login
    from tests.workflow_app.story import Cast, make_plan, walk_to
    from workflow_app.services.route.ppi import PpiLine, save_ppi_version

    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    # Its investment plan registered: the filing's only warning is the hearing's (not «Radicado sin plan de
    # inversiones registrado», L152 art. 31).
    save_ppi_version(db_session, cast.plan, [PpiLine("Agua", "Acueducto", 2028, "SGP", 1_000_000)], source="form",
                     actor=cast.planeacion)
    db_session.commit()
    set_today("2028-04-20")
    assert login(client, cast.ejecutivo.email, "clave-de-prueba").status_code == 302
    url = f"/planes/{cast.plan.id}/actos/pdt_approval/-/file_with_corporacion"
    html = " ".join(client.get(url).get_data(as_text=True).split())
    assert "Si registra este acto hoy, el plan quedará con esta advertencia:" in html
    assert ("Radicado sin audiencia pública del plan de inversiones registrada: el DNP recomienda realizarla antes de "
            "radicar (hitos 13 y 14); la L1909 art. 22 no le fija plazo") in html
    cast.act("planeacion", "schedule_hearing", "2028-04-10", payload={"scheduled_on": "2028-04-15", "place": "Coliseo"})
    cast.act("planeacion", "hold", "2028-04-15", machine="hearing", subject="1", today="2028-04-20")
    db_session.commit()
    assert "Si registra este acto hoy" not in client.get(url).get_data(as_text=True)


def test_a_hearing_is_scheduled_with_its_hour_and_the_public_page_says_it(client, db_session, set_today):
    """L1909 art. 22: citizens attend a hearing at an hour; the form asked only its day (QA, 7 December 2026). The
    hour is required, checked, and said on the public page as people read it, in Colombia's time."""
    from tests.workflow_app.helpers import login
    from tests.workflow_app.story import Cast, make_plan, walk_to

    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    set_today("2028-04-05")
    assert login(client, cast.planeacion.email, "clave-de-prueba").status_code == 302
    url = f"/planes/{cast.plan.id}/actos/pdt_approval/-/schedule_hearing"
    fields = {"act_on": "2028-04-05", "reference": "CIT-2", "scheduled_on": "2028-04-20", "place": "Coliseo",
              "zone": "Centro", "evidence": (io.BytesIO(PDF), "c.pdf")}
    before = _events(db_session)
    for typed, error in (("", "Indique la hora de inicio, por ejemplo 18:00."),
                         ("25:00", "Escriba la hora como 18:00 (de 00:00 a 23:59).")):
        response = _send_fresh_form(client, url, {**fields, "scheduled_time": typed,
                                                   "evidence": (io.BytesIO(PDF), "c.pdf")})
        assert response.status_code == 422 and error in response.get_data(as_text=True)
    assert _events(db_session) == before
    assert _send_fresh_form(client, url, {**fields, "scheduled_time": "18:00"}).status_code == 302
    page = " ".join(client.get("/publico/63302").get_data(as_text=True).split())
    assert "jueves, 20 de abril de 2028, 6:00 p. m. <span class=\"muted\">(hora de Colombia)</span>" in page
    from workflow_app.services.route.plans import ActInvalid  # the API's payload is checked alike

    try:
        cast.act("planeacion", "schedule_hearing", "2028-04-05",
                 payload={"scheduled_on": "2028-04-21", "scheduled_time": "tarde", "place": "Coliseo", "zone": "X"})
    except ActInvalid as exc:
        assert exc.field == "scheduled_time"
    else:
        raise AssertionError("an unreadable hour was accepted")


def test_the_error_summary_names_a_field_by_its_label_without_the_explanation_or_a_cut_word(app):
    """QA, 7 December 2026: «…(de él depende el plazo para sanciona…:» cut a word of the label's explanation."""
    from wtforms import Form, IntegerField
    from wtforms.validators import InputRequired

    class Sent(Form):
        articles = IntegerField("Número de artículos del proyecto remitido (de él depende el plazo para sancionarlo u "
                                "objetarlo: L136 art. 78)", validators=[InputRequired("Indique el número.")])

    form = Sent()
    form.validate()
    with app.test_request_context():
        html = app.jinja_env.from_string('{% from "_forms.html" import error_summary %}{{ error_summary(form) }}'
                                         ).render(form=form)
    assert '>Número de artículos del proyecto remitido</a>: Indique el número.' in html
