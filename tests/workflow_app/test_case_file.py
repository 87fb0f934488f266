"""Issue 13 through the pages: concepts as structured content, the answer to every recommendation (T6), debates
as the law orders them, irreversible acts confirmed, the inbox split, the PPI frozen at filing, hearings closed
at adoption, "¿Qué pasa si…?" and the entity's own words. Real PostgreSQL, the Flask client, no JavaScript."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from state_machines.core.roles import Role
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import PDF, Cast, make_plan, make_user, walk_to
from workflow_app.models import CitizenProposal, PlanEvent, PpiVersion, Procedure
from workflow_app.services.public.public import ProposalRefused, submit_proposal
from workflow_app.services.route.ppi import PpiFrozen, PpiLine, save_ppi_version

PASSWORD = "clave-de-prueba"
CTP_RECS = ("Incluir metas de agua potable rural", "Priorizar vías terciarias", "Crear un programa para jóvenes")
CAR_RECS = ("Articular con el POMCA", "Gestión del riesgo por remoción en masa")


@pytest.fixture
def genova(db_session, set_today):
    set_today("2028-02-29")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    return cast


def events(session) -> int:
    return session.scalar(select(func.count()).select_from(PlanEvent))


def form_of(client, url):
    response = client.get(url)
    html = response.get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html)
    return response, html, csrf_from(html), version.group(1) if version else ""


def post_act(client, url, fields, on):
    _, html, token, version = form_of(client, url)
    data = {"csrf_token": token, "expected_version": version, "act_on": on, "reference": "RAD-1",
            "evidence": (io.BytesIO(PDF), "soporte.pdf"), **fields}
    return client.post(url, data=data, content_type="multipart/form-data")


def concepts_on_file(cast, set_today):
    set_today("2028-03-15")
    cast.act("CRQ", "receive_concept", "2028-03-15", machine="car_review", subject="CRQ",
             payload={"concept": "favorable_con_recomendaciones", "recommendations": list(CAR_RECS)})
    cast.act("ctp", "record_ctp_concept", "2028-03-27", today="2028-03-27",
             payload={"concept": "favorable_con_recomendaciones", "recommendations": list(CTP_RECS)})


def test_concept_with_recommendations_but_none_written_is_refused_field_by_field(client, genova, db_session,
                                                                                  set_today):
    set_today("2028-03-10")
    login(client, genova.ctp.email, PASSWORD)
    url = f"/planes/{genova.plan.id}/actos/pdt_approval/-/record_ctp_concept"
    before = events(db_session)
    response = post_act(client, url, {"concept": "favorable_con_recomendaciones", "recommendations": ""},
                        "2028-03-10")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "debe registrar al menos una" in html
    response = post_act(client, url, {"concept": "parcial", "recommendations": "Una"}, "2028-03-10")
    assert response.status_code == 422 and "Indique las partes del plan" in response.get_data(as_text=True)
    assert events(db_session) == before
    response = post_act(client, url, {"concept": "parcial", "parts": "Eje 1: agua\nEje 3: vías",
                                      "recommendations": "Revisar metas"}, "2028-03-10")
    assert response.status_code == 302
    ctp = db_session.scalar(select(Procedure).filter_by(plan_id=genova.plan.id, machine="ctp_review"))
    assert ctp.state == "concept_issued" and ctp.data["parts"] == ["Eje 1: agua", "Eje 3: vías"]
    page = client.get(f"/planes/{genova.plan.id}").get_data(as_text=True)
    assert "Parcial (sobre una parte del plan)" in page and "Eje 1: agua; Eje 3: vías" in page


def test_considering_the_concepts_lists_every_recommendation_and_needs_each_answer(client, genova, db_session,
                                                                                    set_today):
    concepts_on_file(genova, set_today)
    set_today("2028-04-03")
    login(client, genova.planeacion.email, PASSWORD)
    url = f"/planes/{genova.plan.id}/actos/pdt_approval/-/consider_concepts"
    _, html, _, _ = form_of(client, url)
    for n, text in enumerate(CTP_RECS, start=1):
        assert f"Recomendación CTP {n}: {text}" in html
    for n, text in enumerate(CAR_RECS, start=1):
        assert f"Recomendación CRQ {n}: {text}" in html
    before = events(db_session)
    partial = {"answer_0": "aceptada", "reason_0": "Meta incluida", "answer_1": "parcialmente", "reason_1": ""}
    response = post_act(client, url, partial, "2028-04-03")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and events(db_session) == before
    assert "Responda la recomendación CTP 3." in html and "Escriba la razón (CTP 2)." in html
    assert "Meta incluida" in html  # what was typed is kept
    answers = {}
    decisions = ("aceptada", "parcialmente", "no_aceptada", "aceptada", "no_aceptada")
    for i, decision in enumerate(decisions):
        answers |= {f"answer_{i}": decision, f"reason_{i}": f"Razón número {i + 1}"}
    assert post_act(client, url, answers, "2028-04-03").status_code == 302
    db_session.refresh(genova.plan)
    assert genova.plan.state == "adjusting"
    event = db_session.scalars(select(PlanEvent).filter_by(trigger="consider_concepts")).one()
    assert event.payload["answers"]["CRQ-2"] == {"decision": "no_aceptada", "reason": "Razón número 5"}
    public = " ".join(client.get("/publico/63302").get_data(as_text=True).split())
    assert "Crear un programa para jóvenes" in public and "No aceptada — Razón número 3" in public
    assert "Gestión del riesgo por remoción en masa" in public and "Razón número 5" in public
    dossier = " ".join(client.get(f"/planes/{genova.plan.id}/expediente").get_data(as_text=True).split())
    assert "Aceptada parcialmente — Razón número 2" in dossier
    # Its waits are said for the entity (QA 7 December 2026: «Alcaldía o gobernación», «Concejo o asamblea»).
    assert '<th scope="row" data-label="Actor">Alcaldía</th>' in dossier
    assert '<th scope="row" data-label="Actor">Concejo de Génova</th>' in dossier
    csv_text = client.get(f"/planes/{genova.plan.id}/historial.csv").get_data(as_text=True)
    assert "Respuesta CRQ-1: Aceptada — Razón número 4" in csv_text



def test_approval_without_both_debates_and_a_hasty_plenary_are_refused_in_the_pages(client, genova, db_session,
                                                                                     set_today):
    walk_to(genova, "in_debate")
    set_today("2028-05-12")
    login(client, genova.corporacion.email, PASSWORD)
    response = client.get(f"/planes/{genova.plan.id}/actos/pdt_approval/-/approve_plan")
    assert response.status_code == 409 and "falta el primer debate" in response.get_data(as_text=True)
    genova.act("corporacion", "record_committee_debate", "2028-05-10", today="2028-05-12",
               payload={"committee_outcome": "approved"})
    # The same debate again: refused, a continuation is offered instead.
    response = client.get(f"/planes/{genova.plan.id}/actos/pdt_approval/-/record_committee_debate")
    assert response.status_code == 409 and "continuación" in response.get_data(as_text=True)
    # The plenary two days after the committee's approval: refused with the date it may sit from.
    url = f"/planes/{genova.plan.id}/actos/pdt_approval/-/record_plenary_debate"
    before = events(db_session)
    response = post_act(client, url, {}, "2028-05-12")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "14 de mayo de 2028" in html and "L136 art. 73" in html
    assert events(db_session) == before
    set_today("2028-05-15")
    assert post_act(client, url, {}, "2028-05-15").status_code == 302
    page = client.get(f"/planes/{genova.plan.id}").get_data(as_text=True)
    assert "Aprobado en comisión el 10 de mayo de 2028" in page


def test_irreversible_acts_ask_for_a_confirmation_that_names_the_consequence(client, genova, db_session, set_today):
    walk_to(genova, "in_debate")
    # L152 art. 40; CE-2127: the plenary's denial (after the committee's approval) opens the decree at once
    genova.act("corporacion", "record_committee_debate", "2028-05-10", today="2028-05-12",
               payload={"committee_outcome": "approved"})
    set_today("2028-05-15")
    login(client, genova.corporacion.email, PASSWORD)
    inbox = client.get("/").get_data(as_text=True)
    duties, others = inbox.split('id="h-otras"')
    assert "Decidir sobre el proyecto" not in others and "Registrar el segundo debate en la plenaria" in duties
    assert "Registrar que la corporación negó el plan" in others and "irreversible" in others
    url = f"/planes/{genova.plan.id}/actos/pdt_approval/-/vote_down"
    first = client.get(url).get_data(as_text=True)
    assert "Este acto es irreversible" in first and "adoptar el plan por decreto" in first
    assert 'name="expected_version"' not in first and "confirmado=1" in first
    confirmed_url = url + "?confirmado=1"
    before = events(db_session)
    response = post_act(client, confirmed_url, {"voted_down": "y"}, "2028-05-15")
    assert response.status_code == 422 and "Confirme que entiende la consecuencia" in response.get_data(as_text=True)
    assert events(db_session) == before
    response = post_act(client, confirmed_url, {"voted_down": "y", "confirm_irreversible": "y"}, "2028-05-15")
    assert response.status_code == 302
    db_session.refresh(genova.plan)
    assert genova.plan.state == "decree_eligible"


def test_cancelling_a_hearing_is_not_a_pending_item_and_needs_confirmation(client, genova, db_session, set_today):
    walk_to(genova, "adjusting")
    genova.act("planeacion", "schedule_hearing", "2028-04-05",
               payload={"scheduled_on": "2028-04-20", "place": "Casa de la cultura", "zone": "Centro"})
    set_today("2028-04-06")
    login(client, genova.planeacion.email, PASSWORD)
    duties, others = client.get("/").get_data(as_text=True).split('id="h-otras"')
    assert "Cancelar la audiencia pública" in others and "Cancelar la audiencia pública" not in duties
    assert "20 de abril de 2028" in others  # the hearing's date in words, never ISO
    page = client.get(f"/planes/{genova.plan.id}/actos/hearing/1/cancel").get_data(as_text=True)
    assert "deja de recibir propuestas" in page and 'name="expected_version"' not in page


def test_ppi_is_frozen_at_filing_and_changes_only_through_an_approved_amendment(client, genova, db_session):
    walk_to(genova, "adjusting")
    line = [PpiLine("Agua", "Acueducto", 2028, "SGP", 1_000_000)]
    save_ppi_version(db_session, genova.plan, line, source="form", actor=genova.planeacion)
    walk_to(genova, "in_debate")
    db_session.refresh(genova.plan)
    filed = db_session.scalar(select(PpiVersion).filter_by(plan_id=genova.plan.id, stage="filed"))
    assert filed is not None and filed.version == 2 and len(filed.items) == 1
    with pytest.raises(PpiFrozen) as frozen:
        save_ppi_version(db_session, genova.plan, line, source="form", actor=genova.planeacion)
    assert "congelado" in frozen.value.message and frozen.value.legal_basis == "L152 art. 40"
    login(client, genova.planeacion.email, PASSWORD)
    response = client.get(f"/planes/{genova.plan.id}/ppi/editar")
    assert response.status_code == 409 and "congelado" in response.get_data(as_text=True)
    genova.act("corporacion", "propose_amendment", "2028-05-03",
               payload={"authors": ["Concejal Ana Ríos"], "text": "Sumar un acueducto"})
    with pytest.raises(PpiFrozen):
        save_ppi_version(db_session, genova.plan, line, source="form", actor=genova.planeacion, amendment="1")
    genova.act("ejecutivo", "accept_in_writing", "2028-05-04", machine="amendment", subject="1")
    genova.act("corporacion", "approve", "2028-05-05", machine="amendment", subject="1")
    db_session.refresh(genova.plan)
    changed = save_ppi_version(db_session, genova.plan, line * 2, source="form", actor=genova.planeacion,
                               amendment="1")
    assert (changed.stage, changed.amendment_subject) == ("amendment", "1")
    genova.act("corporacion", "record_committee_debate", "2028-05-10", payload={"committee_outcome": "approved"})
    genova.act("corporacion", "record_plenary_debate", "2028-05-15")
    genova.act("corporacion", "approve_plan", "2028-05-15")
    adopted = db_session.scalar(select(PpiVersion).filter_by(plan_id=genova.plan.id, stage="adopted"))
    assert adopted is not None and len(adopted.items) == 2
    db_session.refresh(genova.plan)
    with pytest.raises(PpiFrozen) as final:
        save_ppi_version(db_session, genova.plan, line, source="form", actor=genova.planeacion, amendment="1")
    assert final.value.legal_basis == "L152 arts. 40, 45"
    assert "Plan de inversiones adoptado" in client.get("/publico/63302").get_data(as_text=True)


def test_hearings_of_an_adopted_plan_take_no_new_proposals_but_pending_ones_stay(db_session, genova, set_today):
    walk_to(genova, "adjusting")
    genova.act("planeacion", "schedule_hearing", "2028-04-05",
               payload={"scheduled_on": "2028-06-30", "place": "Escuela El Cairo", "zone": "Río Gris"})
    hearing = db_session.scalar(select(Procedure).filter_by(plan_id=genova.plan.id, machine="hearing"))
    submit_proposal(db_session, genova.plan, hearing_id=hearing.id, text="Pavimentar la vía a la vereda El Cairo.",
                    contact=None, today=date(2028, 4, 6))
    walk_to(genova, "approved_by_corporacion")
    with pytest.raises(ProposalRefused) as refused:
        submit_proposal(db_session, genova.plan, hearing_id=hearing.id, text="Una propuesta que llega tarde aquí.",
                        contact=None, today=date(2028, 5, 16))
    assert "ya fue adoptado" in str(refused.value) and "L1909 art. 22" in str(refused.value)
    assert db_session.scalar(select(func.count()).select_from(CitizenProposal)) == 1
    assert db_session.scalar(select(CitizenProposal.status)) == "pending"  # still waits for moderation


def test_what_if_shows_the_calendar_for_hypothetical_dates_and_writes_nothing(client, genova, db_session):
    genova.plan.entity.fiscal_category = "1"
    db_session.commit()
    login(client, genova.planeacion.email, PASSWORD)
    before = (events(db_session), dict(genova.plan.event_dates))
    page = client.get(f"/planes/{genova.plan.id}/que-pasa-si")
    assert page.status_code == 200 and 'value="2028-02-29"' in page.get_data(as_text=True)  # the plan's dates
    response = client.get(f"/planes/{genova.plan.id}/que-pasa-si", query_string={
        "ctp_presented": "2028-02-29", "filed_with_corporacion": "2028-04-28", "committee_approved": "2028-05-10",
        "published": "2028-06-05", "vigencia": "day_after_publication"})
    html = " ".join(response.get_data(as_text=True).split())
    assert response.status_code == 200
    assert "martes 30 de mayo de 2028" in html  # the Concejo's month (calendar-contract.md example 2)
    assert "sesiones extraordinarias" in html and "L136 art. 23" in html
    assert "La plenaria puede dar el segundo debate desde el domingo 14 de mayo de 2028" in html
    assert "Rige desde el martes 6 de junio de 2028" in html
    bad = client.get(f"/planes/{genova.plan.id}/que-pasa-si", query_string={
        "ctp_presented": "2028-04-01", "filed_with_corporacion": "2028-03-01"})
    assert bad.status_code == 422 and "anterior a la presentación al CTP" in bad.get_data(as_text=True)
    db_session.refresh(genova.plan)
    assert (events(db_session), genova.plan.event_dates) == before


def test_what_if_opens_on_a_summary_linking_the_date_that_does_not_fit(client, genova, db_session):
    """Audit (WCAG 2.1 AA, 3.3.1): «Las fechas no son coherentes.» or «Revise los campos marcados.» in a box that
    linked to nothing and was not where the answer opened. The GET form carries «#errores»; each date in error is
    linked from the summary, marked and described by its error, and every date typed stays."""
    login(client, genova.planeacion.email, PASSWORD)
    page = client.get(f"/planes/{genova.plan.id}/que-pasa-si").get_data(as_text=True)
    assert f'<form method="get" action="/planes/{genova.plan.id}/que-pasa-si#errores"' in page
    bad = client.get(f"/planes/{genova.plan.id}/que-pasa-si", query_string={
        "ctp_presented": "2028-04-01", "filed_with_corporacion": "2028-03-01", "published": "2028-01-15"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    summary = html.split('id="errores" tabindex="-1">')[1].split("</div>")[0]
    assert "Las fechas no son coherentes." in summary
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links and all(link in {"filed_with_corporacion", "published"} for link in links)
    for name in links:
        control = re.search(rf'<input[^>]*id="{name}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in control and f'aria-describedby="{name}-err"' in control
    assert 'value="2028-04-01"' in html and 'value="2028-03-01"' in html and 'value="2028-01-15"' in html


def test_what_if_marks_a_posesion_outside_the_first_year_and_a_crafted_vigencia(client, genova, db_session):
    """The plan's settings refuse a posesión outside the period's first year (AL02; L152 art. 39): so does
    ¿Qué pasa si…?, beside its field; a vigencia that is none of the choices is marked on its own fieldset."""
    login(client, genova.planeacion.email, PASSWORD)
    late = client.get(f"/planes/{genova.plan.id}/que-pasa-si", query_string={"posesion": "2030-03-01"})
    html = " ".join(late.get_data(as_text=True).split())
    assert late.status_code == 422
    assert 'id="posesion-err">La posesión debe estar dentro del primer año del período' in html
    assert "Calendario legal que resultaría" not in html
    crafted = client.get(f"/planes/{genova.plan.id}/que-pasa-si", query_string={"vigencia": "xyz"})
    html = " ".join(crafted.get_data(as_text=True).split())
    assert crafted.status_code == 422
    assert 'aria-describedby="vigencia-err"' in html and 'id="vigencia-err">Opción inválida.' in html  # Spanish
    assert "Revise los campos marcados" in html


def test_the_entity_is_named_with_its_own_words(client, genova, db_session):
    genova.plan.entity.executive_title = "alcaldesa"
    db_session.commit()
    login(client, genova.ejecutivo.email, PASSWORD)
    page = " ".join(client.get(f"/planes/{genova.plan.id}").get_data(as_text=True).split())
    assert "Presentar el proyecto al CTP con copia al Concejo de Génova" in page
    assert "Registrar la posesión de la alcaldesa" in page and "Alcaldesa posesionada" in page
    assert "concejo o asamblea" not in page and "alcalde o gobernador" not in page
    assert "acuerdo u ordenanza" not in page


def test_the_board_shows_a_plan_in_force_as_vigente(client, genova, db_session):
    walk_to(genova, "in_force")
    admin = make_user(db_session, "admin.vigente@prueba.co", Role.ADMIN)
    login(client, admin.email, PASSWORD)
    board = " ".join(client.get("/tablero").get_data(as_text=True).split())
    assert "Génova (Quindío)" in board and "Vigente" in board
