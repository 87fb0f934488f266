"""The budget's and the harmonisation's acts once the plan is in force, through the real act door (apply_act):
the Concejo's extension and the executive's convocation recorded in Phase II, the budget's two debates, the decree
rule and the objection read by the act's date, the Tribunal's ruling and what it leads to (QA: Génova and the Gobernación del Quindío walked to
Vigente in 2028 and through Phase II)."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from state_machines.core.roles import Role
from state_machines.phase2 import MatrixRow
from tests.pdf_samples import VALID as PDF
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import BudgetStatute, CorporationSession, PlanEvent
from workflow_app.services.phase2.plan_indicativo import matrix_lines, save_matrix
from workflow_app.services.phase2.procedures import phase2_deadlines_for
from workflow_app.services.route.plans import ActRefused
from workflow_app.services.route.ppi import PpiLine, save_ppi_version
from workflow_app.services.route.worklist import actions_for, pending_for

PPI = (("Agua potable", "Acueductos veredales", "SGP", 100_000_000),
       ("Vías", "Placa huella", "Propios", 50_000_000))


def _in_force(db_session, code: str, category: str | None = None) -> Cast:
    cast = Cast(db_session, make_plan(db_session, code))
    if category:
        cast.plan.entity.fiscal_category = category
    db_session.commit()
    walk_to(cast, "adjusting")
    save_ppi_version(db_session, cast.plan, [PpiLine(p, q, y, s, a) for p, q, s, a in PPI for y in range(2028, 2032)],
                     source="form", actor=None, note="PPI de prueba")
    walk_to(cast, "in_force")
    e = cast.plan.entity
    cast.hacienda = make_user(db_session, f"hacienda{code}@prueba.co", Role.HACIENDA, e)
    cast.consejo = make_user(db_session, f"consejo{code}@prueba.co", Role.CONSEJO_DE_GOBIERNO, e)
    return cast


@pytest.fixture
def genova(db_session):
    return _in_force(db_session, "63302", "6")  # the Concejo sits in February, May, August and November


@pytest.fixture
def quindio(db_session):
    return _in_force(db_session, "63")


def act(cast, who, machine, subject, trigger, on, **kw):
    role = kw.pop("role", None) or {"hacienda": Role.HACIENDA, "consejo": Role.CONSEJO_DE_GOBIERNO}.get(who)
    return cast.act(who, trigger, on, machine=machine, subject=subject, role=role, **kw)


def budget_filed(cast, db_session, year: int, filed_on: str, poai_on: str) -> None:
    """The plan indicativo approved, the bank updated, the vigencia's POAI approved, the budget drafted and filed."""
    act(cast, "planeacion", "plan_indicativo", "pi", "prepare_pi", "2028-06-01")
    lines, _years = matrix_lines(db_session, cast.plan)
    save_matrix(db_session, cast.plan, [MatrixRow(ln.program, ln.project, "Indicador", ("1", "2", "3", "4"),
                                                  "Planeación") for ln in lines], cast.planeacion)
    act(cast, "planeacion", "plan_indicativo", "pi", "consolidate_pi", "2028-06-10")
    act(cast, "consejo", "plan_indicativo", "pi", "approve_pi", "2028-06-20")
    act(cast, "planeacion", "project_bank", "banco", "update_bank", "2028-06-25")
    act(cast, "planeacion", "poai", str(year), "draft_poai", poai_on)
    act(cast, "consejo", "poai", str(year), "approve_poai", poai_on)
    act(cast, "hacienda", "budget", str(year), "draft_budget", poai_on)
    act(cast, "ejecutivo", "budget", str(year), "file_budget", filed_on)


def proc(cast, machine, subject):
    cast.session.refresh(cast.plan)
    return next(p for p in cast.plan.procedures if p.machine == machine and p.subject == subject)


def offered(cast, user, today: str) -> set[tuple[str, str | None, str]]:
    cast.session.refresh(cast.plan)
    return {(a.machine, a.subject, a.trigger) for a in actions_for(user, cast.plan, date.fromisoformat(today))}


def approved_on_28_november(cast, db_session) -> None:
    """Génova's budget 2029 filed on 2 November 2028, debated in committee and plenary, approved on the 28th."""
    budget_filed(cast, db_session, 2029, "2028-11-02", "2028-09-20")
    act(cast, "corporacion", "budget", "2029", "assign_budget", "2028-11-03")
    act(cast, "corporacion", "budget", "2029", "record_committee_debate", "2028-11-20",
        payload={"committee_outcome": "approved"})
    act(cast, "corporacion", "budget", "2029", "record_plenary_debate", "2028-11-28")
    act(cast, "corporacion", "budget", "2029", "approve_budget", "2028-11-28")


def test_the_budget_is_approved_in_second_debate_not_in_a_single_act(genova, db_session):
    """QA: a budget was approved with no committee or plenary debate recorded (phase-ii.md: P16 reuses legal-path
    T8-T10; L136 art. 73)."""
    budget_filed(genova, db_session, 2029, "2028-11-02", "2028-09-20")
    with pytest.raises(ActRefused) as filed:
        act(genova, "corporacion", "budget", "2029", "approve_budget", "2028-11-28")
    # It says what must come first, with its norm (phase2.phase2_state_refusal).
    assert "primero hay que repartir el proyecto de presupuesto a la comisión" in filed.value.message
    act(genova, "corporacion", "budget", "2029", "assign_budget", "2028-11-03")
    with pytest.raises(ActRefused) as no_debates:
        act(genova, "corporacion", "budget", "2029", "approve_budget", "2028-11-28")
    assert "primer debate" in no_debates.value.message and "L136 art. 73" in no_debates.value.legal_basis
    act(genova, "corporacion", "budget", "2029", "record_committee_debate", "2028-11-20",
        payload={"committee_outcome": "approved"})
    with pytest.raises(ActRefused) as too_soon:  # three full days between the debates
        act(genova, "corporacion", "budget", "2029", "record_plenary_debate", "2028-11-22")
    assert "L136 art. 73" in too_soon.value.legal_basis
    act(genova, "corporacion", "budget", "2029", "record_plenary_debate", "2028-11-28")
    act(genova, "corporacion", "budget", "2029", "approve_budget", "2028-11-28")
    budget = proc(genova, "budget", "2029")
    assert budget.state == "budget_approved"
    assert budget.data["debates"] == {"committee": ["2028-11-20"], "committee_approved": "2028-11-20",
                                      "plenary": ["2028-11-28"]}


def test_the_concejo_records_its_extension_in_phase2_and_the_budget_is_approved_in_it(genova, db_session):
    """QA: at 6 December 2028 the budget 2029 approved on the 5th was refused «en receso… registre la prórroga»,
    with nowhere to register it (pdt_approval answered 409 «estado Vigente»), while «Mis pendientes» said
    «Último día: 11 de diciembre de 2028» (L136 art. 23 par. 1)."""
    budget_filed(genova, db_session, 2029, "2028-07-04", "2028-07-01")
    act(genova, "corporacion", "budget", "2029", "assign_budget", "2028-11-03", today="2028-12-06")
    with pytest.raises(ActRefused) as no_debates:  # L136 art. 73: approved in second debate, after the committee
        act(genova, "corporacion", "budget", "2029", "approve_budget", "2028-11-28", today="2028-12-06")
    assert "primer debate" in no_debates.value.message and "L136 art. 73" in no_debates.value.legal_basis
    act(genova, "corporacion", "budget", "2029", "record_committee_debate", "2028-11-20", today="2028-12-06",
        payload={"committee_outcome": "approved"})
    act(genova, "corporacion", "budget", "2029", "record_plenary_debate", "2028-11-24", today="2028-12-06")
    with pytest.raises(ActRefused) as recess:
        act(genova, "corporacion", "budget", "2029", "approve_budget", "2028-12-05", today="2028-12-06")
    assert "está en receso" in recess.value.message and recess.value.field == "act_on"

    mine = offered(genova, genova.corporacion, "2028-12-06")
    assert ("budget", "2029", "extend_sessions") in mine
    assert not any(m == "pdt_approval" for m, _, _ in mine)  # the route is over: no act of it is offered
    event = act(genova, "corporacion", "budget", "2029", "extend_sessions", "2028-11-28", today="2028-12-06",
                payload={"extension_days": 10})
    assert event.legal_basis == "L136 art. 23 par. 1" and event.to_state == "budget_in_debate"
    row = db_session.scalar(select(CorporationSession).filter_by(entity_id=genova.plan.entity_id, kind="extension"))
    assert (row.starts_on, row.ends_on, row.plan_id) == (date(2028, 12, 1), date(2028, 12, 10), genova.plan.id)
    assert "session_extensions" not in (genova.plan.event_dates or {})  # the route's calendar is left as it was
    with pytest.raises(ActRefused) as twice:  # one extension per period
        act(genova, "corporacion", "budget", "2029", "extend_sessions", "2028-11-29", today="2028-12-06",
            payload={"extension_days": 5})
    assert "ya tiene una prórroga" in twice.value.message

    act(genova, "corporacion", "budget", "2029", "approve_budget", "2028-12-05", today="2028-12-06")
    assert proc(genova, "budget", "2029").state == "budget_approved"


def test_the_mayor_convokes_extraordinary_sessions_for_the_harmonisation_in_julys_recess(genova, db_session):
    """QA: in July (recess for a category 6 Concejo) the harmonisation's debates could not happen, and no
    convocation could be recorded (L136 art. 23 par. 2)."""
    act(genova, "hacienda", "harmonization", "armonizacion", "start_harmonization", "2028-06-05")
    act(genova, "ejecutivo", "harmonization", "armonizacion", "file_harmonization", "2028-06-28")
    act(genova, "corporacion", "harmonization", "armonizacion", "assign_harmonization", "2028-07-03")
    with pytest.raises(ActRefused) as recess:
        act(genova, "corporacion", "harmonization", "armonizacion", "record_committee_debate", "2028-07-06",
            payload={"committee_outcome": "approved"})
    assert "está en receso" in recess.value.message
    assert ("harmonization", "armonizacion", "convoke_sessions") in offered(genova, genova.ejecutivo, "2028-07-03")
    with pytest.raises(ActRefused) as before:  # the sessions cannot start before the decree that convokes them
        act(genova, "ejecutivo", "harmonization", "armonizacion", "convoke_sessions", "2028-07-04", payload={
            "starts_on": "2028-07-03", "ends_on": "2028-07-20", "purpose": "Acuerdo de armonización"})
    assert before.value.field == "starts_on"
    event = act(genova, "ejecutivo", "harmonization", "armonizacion", "convoke_sessions", "2028-07-03", payload={
        "starts_on": "2028-07-05", "ends_on": "2028-07-20", "purpose": "Proyecto de acuerdo de armonización"})
    assert event.legal_basis == "L136 art. 23 par. 2"
    row = db_session.scalar(select(CorporationSession).filter_by(entity_id=genova.plan.entity_id, kind="convocation",
                                                                 starts_on=date(2028, 7, 5)))
    assert row.purpose == "Proyecto de acuerdo de armonización" and not row.covers_plan and not row.for_objections
    act(genova, "corporacion", "harmonization", "armonizacion", "record_committee_debate", "2028-07-06",
        payload={"committee_outcome": "approved"})
    act(genova, "corporacion", "harmonization", "armonizacion", "record_plenary_debate", "2028-07-11")
    act(genova, "corporacion", "harmonization", "armonizacion", "approve_harmonization", "2028-07-11")
    assert proc(genova, "harmonization", "armonizacion").state == "harm_approved"


def test_the_governor_convokes_the_asamblea_for_the_budget_since_ley_2200_gives_no_extension(quindio, db_session):
    budget_filed(quindio, db_session, 2029, "2028-10-03", "2028-09-20")
    act(quindio, "corporacion", "budget", "2029", "assign_budget", "2028-10-05")
    assert ("budget", "2029", "extend_sessions") not in offered(quindio, quindio.corporacion, "2028-11-30")
    with pytest.raises(ActRefused) as refused:
        act(quindio, "corporacion", "budget", "2029", "extend_sessions", "2028-11-28", payload={"extension_days": 5})
    assert "Ley 2200" in refused.value.message and refused.value.legal_basis == "L2200 art. 23"
    event = act(quindio, "ejecutivo", "budget", "2029", "convoke_sessions", "2028-12-01", payload={
        "starts_on": "2028-12-04", "ends_on": "2028-12-12", "purpose": "Proyecto de ordenanza de presupuesto 2029"})
    assert event.legal_basis == "L2200 art. 23"
    act(quindio, "corporacion", "budget", "2029", "record_committee_debate", "2028-12-05",
        payload={"committee_outcome": "approved"})
    act(quindio, "corporacion", "budget", "2029", "record_plenary_debate", "2028-12-06")  # L2200 art. 97
    act(quindio, "corporacion", "budget", "2029", "approve_budget", "2028-12-06")
    budget = proc(quindio, "budget", "2029")
    assert budget.state == "budget_approved" and budget.data["debates"]["plenary"] == ["2028-12-06"]


def test_the_decree_under_d111_art_59_is_dated_after_the_concejos_term_not_typed_after_it(genova, db_session):
    """QA: budget 2031 filed 5 November 2030, the Concejo's term until 10 December; at 12 December a decree dated
    the 10th was registered (D111 art. 59)."""
    db_session.add(BudgetStatute(entity_id=genova.plan.entity_id, act="Acuerdo 10 de 2020", copies_d111_art59=True))
    db_session.commit()
    budget_filed(genova, db_session, 2031, "2030-11-05", "2030-09-15")
    with pytest.raises(ActRefused) as refused:
        act(genova, "ejecutivo", "budget", "2031", "enact_budget_by_decree", "2030-12-10", today="2030-12-12")
    assert "solo desde el 11 de diciembre de 2030" in refused.value.message and refused.value.field == "act_on"
    act(genova, "ejecutivo", "budget", "2031", "enact_budget_by_decree", "2030-12-11", today="2030-12-12")
    assert proc(genova, "budget", "2031").state == "budget_adopted"


def test_an_objection_sent_on_time_is_recorded_the_day_after_its_term(genova, db_session):
    """QA: approved 28 November 2028, term to 5 December; at 6 December the objection could not be opened
    (D111 art. 109)."""
    approved_on_28_november(genova, db_session)
    assert ("budget", "2029", "object_budget") in offered(genova, genova.ejecutivo, "2028-12-06")
    with pytest.raises(ActRefused) as late:
        act(genova, "ejecutivo", "budget", "2029", "object_budget", "2028-12-06")
    assert "venció el 5 de diciembre de 2028" in late.value.message and late.value.field == "act_on"
    act(genova, "ejecutivo", "budget", "2029", "object_budget", "2028-12-05", today="2028-12-06")
    assert proc(genova, "budget", "2029").state == "budget_objected"


def test_the_tribunals_ruling_says_what_follows_and_the_budget_is_not_objected_again(genova, db_session):
    """QA: after record_tribunal_ruling the budget went back to «aprobado» and could be objected again and again;
    the ruling had no outcome (D111 art. 109; L136 art. 80 by analogy)."""
    approved_on_28_november(genova, db_session)
    act(genova, "ejecutivo", "budget", "2029", "object_budget", "2028-12-05")
    with pytest.raises(ActRefused) as bare:  # the ruling says its outcome
        act(genova, "ejecutivo", "budget", "2029", "record_tribunal_ruling", "2029-01-05")
    assert bare.value.field == "tribunal_ruling"
    event = act(genova, "ejecutivo", "budget", "2029", "record_tribunal_ruling", "2029-01-05",
                payload={"tribunal_ruling": "infundadas"})
    assert event.to_state == "budget_sanction_due" and event.payload["tribunal_ruling"] == "infundadas"
    budget = proc(genova, "budget", "2029")
    assert budget.data["tribunal_rulings"] == [{"on": "2029-01-05", "ruling": "infundadas"}]
    assert {t for m, s, t in offered(genova, genova.ejecutivo, "2029-01-08") if (m, s) == ("budget", "2029")} \
        == {"liquidate_budget"}  # no second objection
    term = next(d for d in phase2_deadlines_for(db_session, genova.plan) if d.key == "budget_ruling_sanction")
    assert term.act_by == date(2029, 1, 11)  # three business days; Monday 8 January is a holiday
    pending = [i for i in pending_for(db_session, genova.ejecutivo, date(2029, 1, 9))
               if i.action and i.action.trigger == "liquidate_budget"]
    assert pending and pending[0].deadline.act_by == date(2029, 1, 11)
    act(genova, "ejecutivo", "budget", "2029", "liquidate_budget", "2029-01-10")
    assert proc(genova, "budget", "2029").state == "budget_adopted"
    events = db_session.scalars(select(PlanEvent).filter_by(plan_id=genova.plan.id, machine="budget")).all()
    assert [e.trigger for e in events].count("object_budget") == 1


# --- the pages ----------------------------------------------------------------------------------------------------

def _form(client, url, on, **fields):
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html)
    data = {"csrf_token": csrf_from(html), "expected_version": version.group(1) if version else "", "act_on": on,
            "reference": "ACTA-1", "evidence": (io.BytesIO(PDF), "acta.pdf"), **fields}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_the_objection_form_opens_after_its_term_and_says_a_late_date_beside_it(client, genova, db_session,
                                                                              set_today):
    approved_on_28_november(genova, db_session)
    set_today("2028-12-06")
    login(client, genova.ejecutivo.email, "clave-de-prueba")
    url = f"/planes/{genova.plan.id}/actos/budget/2029/object_budget"
    assert client.get(url).status_code == 200
    late = _form(client, url, "2028-12-06")
    html = " ".join(late.get_data(as_text=True).split())
    assert late.status_code == 422 and "venció el 5 de diciembre de 2028" in html
    assert _form(client, url, "2028-12-05").status_code == 302


def test_the_sessions_page_of_a_plan_in_force_offers_the_budgets_extension_and_convocation(client, genova,
                                                                                          db_session, set_today):
    budget_filed(genova, db_session, 2029, "2028-11-02", "2028-09-20")
    set_today("2028-12-06")
    login(client, genova.corporacion.email, "clave-de-prueba")
    page = " ".join(client.get(f"/planes/{genova.plan.id}/sesiones?anio=2028").get_data(as_text=True).split())
    assert f"/planes/{genova.plan.id}/actos/budget/2029/extend_sessions" in page
    assert "Registrar la prórroga del período de sesiones ordinarias — Presupuesto y Marco Fiscal" in page
    assert "¿Se puede debatir el presupuesto o la armonización?" in page
    sent = _form(client, f"/planes/{genova.plan.id}/actos/budget/2029/extend_sessions", "2028-11-28",
                 extension_days="10")
    assert sent.status_code == 302 and "/fase-2" in sent.headers["Location"]
    page = " ".join(client.get(f"/planes/{genova.plan.id}/sesiones?anio=2028").get_data(as_text=True).split())
    assert "Prórroga de 10 días del período ordinario que terminó el 30 de noviembre de 2028" in page

    other = client.application.test_client()
    login(other, genova.ejecutivo.email, "clave-de-prueba")
    url = f"/planes/{genova.plan.id}/actos/budget/2029/convoke_sessions"
    form = " ".join(other.get(url).get_data(as_text=True).split())
    assert "Proyecto de acuerdo de presupuesto de rentas y gastos de la vigencia 2029" in form  # its purpose
    assert 'name="covers_plan"' not in form  # a Phase II decree does not submit the development plan
    bad = _form(other, url, "2028-12-06", starts_on="2028-12-12", ends_on="2028-12-07", purpose="Presupuesto 2029")
    assert bad.status_code == 422 and "El último día no puede ser anterior al primero." in bad.get_data(as_text=True)
    assert db_session.scalar(select(CorporationSession).filter_by(kind="convocation", starts_on=date(2028, 12, 12))) \
        is None


def test_the_ruling_form_asks_its_outcome_and_founded_objections_leave_the_bill_presented(client, genova,
                                                                                         db_session, set_today):
    approved_on_28_november(genova, db_session)
    act(genova, "ejecutivo", "budget", "2029", "object_budget", "2028-12-05")
    set_today("2029-01-05")
    login(client, genova.ejecutivo.email, "clave-de-prueba")
    ruling = f"/planes/{genova.plan.id}/actos/budget/2029/record_tribunal_ruling"
    form = " ".join(client.get(ruling).get_data(as_text=True).split())
    assert "Sentido del fallo" in form and "Fundadas: el Tribunal acoge las objeciones" in form
    missing = _form(client, ruling, "2029-01-05")
    assert missing.status_code == 422 and "Indique el sentido del fallo del Tribunal." in missing.get_data(as_text=True)
    assert _form(client, ruling, "2029-01-05", tribunal_ruling="fundadas").status_code == 302
    assert proc(genova, "budget", "2029").state == "budget_objection_upheld"
    phase2 = " ".join(client.get(f"/planes/{genova.plan.id}/fase-2?todas=1").get_data(as_text=True).split())
    assert "Fallo del Tribunal: objeciones fundadas, proyecto archivado" in phase2
    assert "Expedir por decreto el presupuesto presentado oportunamente" in phase2
