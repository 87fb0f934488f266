"""Issue 18 (second half), duties to whoever can act: "Lo que le toca a usted" lists only what the signed-in
person's roles may record; guidance, warnings and offers follow the plan's state."""

import re
from datetime import date

from sqlalchemy import select

from state_machines.approval.route import current_flags, is_subprocedure_open, recording_roles
from state_machines.core.roles import Role
from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 - fixtures
from workflow_app.models import Entity, Period, Plan


def _section(html, start, end="</section>"):
    i = html.index(start)
    return html[i:html.index(end, i)]


def test_only_the_executive_records_the_filing_and_the_ctp_presentation():
    assert recording_roles("filing") == {Role.EJECUTIVO}
    assert recording_roles("ctp_presentation") == {Role.EJECUTIVO}
    assert recording_roles("consolidation") == {Role.EJECUTIVO, Role.PLANEACION}
    assert recording_roles("car_concept:CRQ") == {Role.CAR}
    assert recording_roles("corporation_decision") == {Role.CORPORACION}


def test_planning_office_sees_the_filing_and_the_presentation_as_others_duties(client, demo, db_session, set_today):  # noqa: F811
    quindio = plan_of(db_session, "63")  # submitted_to_consejo_de_gobierno: consolidation, CTP, filing pending
    set_today("2028-06-30")
    html = sign_in(client, demo, "planeacion.quindio").get(f"/planes/{quindio.id}").get_data(as_text=True)
    mine = _section(html, 'id="h-pend-mios"', "</ul>")
    others = _section(html, 'id="h-pend-otros"', "</ul>")
    assert "Consolidar el proyecto de plan" in mine
    assert "Radicar" not in mine and "Presentar el proyecto consolidado al CTP" not in mine
    assert "Radicar el proyecto de ordenanza ante la Asamblea" in others
    assert "Presentar el proyecto consolidado al CTP" in others
    executive = quindio.entity.wording.the_executive
    assert f"A cargo de: {executive}<" in others  # the one who files, not the planning office


def test_a_plan_in_force_offers_nothing_of_its_closed_sub_procedures(client, demo, db_session):  # noqa: F811
    entity = db_session.scalar(select(Entity).filter_by(dane_code="63272"))
    period = db_session.scalar(select(Period).filter_by(start_on=date(2024, 1, 1)))
    filandia = db_session.scalar(select(Plan).filter_by(entity_id=entity.id, period_id=period.id))
    assert filandia.state == "in_force"
    html = sign_in(client, demo, "planeacion.filandia").get(f"/planes/{filandia.id}").get_data(as_text=True)
    actions = _section(html, 'id="h-acciones"')
    assert "Remitir al CTP el concepto" not in actions
    assert "Expedir la convocatoria" not in actions
    assert "puede dar el segundo debate desde" not in html  # the plenary was held


def test_offers_and_warnings_follow_the_state():
    assert is_subprocedure_open("car_review", "adjusting")
    assert not is_subprocedure_open("car_review", "in_force")
    assert not is_subprocedure_open("ctp_formation", "published")
    assert current_flags(["late_filing", "no_hearing_held"], hearing_held=True) == ["late_filing"]
    assert current_flags(["no_hearing_held"], hearing_held=False) == ["no_hearing_held"]


def test_a_departments_plan_page_speaks_of_its_ordenanza_assembly_and_law(client, demo, db_session, set_today):  # noqa: F811
    quindio = plan_of(db_session, "63")
    set_today("2028-06-30")
    html = sign_in(client, demo, "planeacion.quindio").get(f"/planes/{quindio.id}").get_data(as_text=True)
    main = html[html.index("<main"):]
    assert "ordenanza" in main and "L136" not in main
    assert not re.search(r"\b(el|del|al) ordenanza\b|concejo o asamblea|acuerdo u ordenanza|1 días", main)


def test_the_concejos_month_stays_in_its_pendientes_between_the_two_debates(client, db_session, set_today):
    """QA 7 December 2026: after the committee's debate, the Concejo's secretary read «No tiene deberes con plazo
    legal en este momento» while the plan page showed «Decidir sobre el proyecto… a más tardar…»: no act of that
    duty could be done in the three days L136 art. 73 puts between the debates, and the term vanished with them."""
    from tests.workflow_app.helpers import login
    from tests.workflow_app.story import Cast, make_plan, walk_to

    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "in_debate")
    cast.act("corporacion", "record_committee_debate", "2028-05-08", payload={"committee_outcome": "approved"})
    set_today("2028-05-09")
    login(client, cast.corporacion.email, "clave-de-prueba")
    duties = _section(client.get("/").get_data(as_text=True), 'id="h-plazo"')
    assert "No tiene deberes con plazo legal" not in duties
    assert "Decidir sobre el proyecto de plan en el Concejo de Génova" in duties
    assert "Ninguno de sus actos procede hoy; el término sigue corriendo" in duties and "L152 art. 40" in duties
    plan_page = client.get(f"/planes/{cast.plan.id}").get_data(as_text=True)
    deadline = re.search(r"Decidir sobre el proyecto de plan en el Concejo de Génova.{0,400}?a más tardar el "
                         r"\w+, (\d+ de \w+ de \d{4})", plan_page, re.S).group(1)
    assert f"a más tardar {deadline}" in duties
    set_today("2028-05-12")  # the plenary may sit: its act is the duty's line again, with a link
    duties = _section(client.get("/").get_data(as_text=True), 'id="h-plazo"')
    assert "Registrar el segundo debate en la plenaria" in duties and "Ninguno de sus actos procede hoy" not in duties


def test_the_committees_debate_says_by_when_it_must_approve_for_the_plenary_to_decide(client, db_session,
                                                                                        set_today):
    """L136 art. 73: the plenary sits three full days after the committee; the Concejo's month (L152 art. 40: act
    by Friday 26 May 2028 here) leaves the committee until Monday 22 May. «Mis pendientes» said only «a más tardar
    26 de mayo» for the first debate (QA, 7 December 2026)."""
    from tests.workflow_app.helpers import login
    from tests.workflow_app.story import Cast, make_plan, walk_to

    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "in_debate")
    set_today("2028-05-08")
    login(client, cast.corporacion.email, "clave-de-prueba")
    duties = " ".join(_section(client.get("/").get_data(as_text=True), 'id="h-plazo"').split())
    assert ("Para que la plenaria alcance a decidir a más tardar el 26 de mayo de 2028, la comisión debe aprobar "
            "el proyecto a más tardar el 22 de mayo de 2028 (L136 art. 73; Tribunal Administrativo de Boyacá).") \
        in duties
