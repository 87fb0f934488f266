"""A plan's pages once its period is over (``pdt.period_ended``; AL02; L152 arts. 39 num. 1 y 40): a 2024–2027
plan read in 2028 is not «Vigente», and one never adopted does not read as a stage still under way."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from notifications.sweep import run_sweep
from state_machines.approval import pdt
from state_machines.core.roles import Role
from tests.demo_copy import demo_data
from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, make_user
from workflow_app.models import Notification, Plan
from workflow_app.services.monitoring.board import RISK_OK, load_rows
from workflow_app.services.route.plans import ActInvalid
from workflow_app.services.route.worklist import pending_for


def _flat(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(response.get_data(as_text=True).split())


def test_the_rule_reads_the_period_s_last_day():
    last = date(2027, 12, 31)
    assert pdt.period_ended("in_force", "2024–2027", last, last) is None  # its last day: still its period
    ended = pdt.period_ended("in_force", "2024–2027", last, date(2028, 1, 1))
    assert ended.label == "Cumplió su período"
    assert "terminó el 31 de diciembre de 2027, y el plan rigió hasta ese día" in ended.explanation
    assert ended.legal_basis == "AL02; L152 arts. 39 num. 1 y 40" and "interpretación" in ended.explanation
    stuck = pdt.period_ended("in_debate", "2024–2027", last, date(2028, 1, 1))
    assert stuck.label == "Período terminado sin plan vigente"
    assert "sin que el plan entrara en vigencia" in stuck.explanation
    assert f"«{pdt.STATE_LABELS['in_debate']}»" in stuck.explanation


def test_the_rule_can_be_turned_off(monkeypatch):
    monkeypatch.setattr(pdt, "PLAN_ENDS_WITH_PERIOD", False)
    assert pdt.period_ended("in_force", "2024–2027", date(2027, 12, 31), date(2028, 3, 10)) is None


@pytest.mark.parametrize("today, label", [("2027-12-31", "Vigente"), ("2028-01-01", "Cumplió su período")])
def test_every_page_of_the_demo_s_finished_plan_says_it(app, client, db_session, set_today, today, label):
    """Filandia's 2024-2027 plan, in force since May 2024: the public page, the plan page, the mayor's list of
    plans, the adviser's board and dossier say «Vigente» on the period's last day and «Cumplió su período» on
    the next."""
    set_today(today)
    demo_data()
    plan = db_session.query(Plan).join(Plan.entity).filter_by(dane_code="63272").one()
    assert plan.state == "in_force"
    public = _flat(client.get("/publico/63272"))
    assert f"<strong>{label}.</strong>" in public
    api = client.get(f"/api/v1/plans/{plan.id}").get_json()
    assert (api["state"], api["state_label"]) == ("in_force", label)  # the recorded state, the pages' label
    login(client, "alcalde.filandia@demo.rutapdt.co", "Demo-alcalde.filandia-2028")
    page = _flat(client.get(f"/planes/{plan.id}"))
    assert f"Estado actual: <strong>{label}</strong>" in page
    assert ("y el plan rigió hasta ese día" in page) is (label != "Vigente")
    # The route's picture names its last step as the heading does (QA 7 December 2026: «Estado actual» under
    # «Vigente» below «Estado actual: Cumplió su período»).
    route = re.search(r'<svg class="figure route-figure".*?</svg>', page).group(0)
    assert (">Estado actual</tspan>" in route) is (label == "Vigente")
    assert (">Cumplió su período</tspan>" in route) is (label != "Vigente")
    assert ("Vigente: cumplió su período." in route) is (label != "Vigente")  # its text for a screen reader
    inbox = _flat(client.get("/"))
    assert f"Filandia (Quindío) · 2024–2027</a> — {label}" in inbox
    phase2 = _flat(client.get(f"/planes/{plan.id}/fase-2"))
    assert ("Nada de su Fase II se debe ya" in phase2) is (label != "Vigente")
    # Its Phase II acts are the mayor's to do while the period runs, and nobody's after it (pdt.duties_ended).
    assert ("Otras acciones posibles</h2> <p>No hay otras acciones a su alcance.</p>" in inbox) is (label != "Vigente")
    adviser = app.test_client()
    login(adviser, "asesor.quindio@demo.rutapdt.co", "Demo-asesor.quindio-2028")
    board = _flat(adviser.get("/tablero?periodo=2024"))
    assert f'<td data-label="Estado">{label}</td>' in board
    assert re.search(rf"Planes por estado</figcaption>.*?{label}", board)  # the chart says what the table says
    dossier = _flat(adviser.get(f"/planes/{plan.id}/expediente"))
    assert f"<dt>Estado</dt><dd>{label}</dd>" in dossier


def test_a_plan_never_adopted_says_its_period_ended_without_one(client, db_session, set_today):
    set_today("2028-03-10")
    plan = make_plan(db_session, "63302", year=2024)  # Génova's 2024-2027 plan, left in formulation
    plan.state = "drafting"
    db_session.commit()
    page = _flat(client.get("/publico/63302?periodo=2024"))
    assert "<strong>Período terminado sin plan vigente.</strong>" in page
    assert "terminó el 31 de diciembre de 2027 sin que el plan entrara en vigencia" in page
    assert f"Su último estado registrado: «{pdt.STATE_LABELS['drafting']}»" in page


def test_the_country_s_table_of_an_ended_period_says_it(client, db_session, set_today):
    set_today("2028-03-10")
    demo_data()  # Filandia's 2024-2027 plan, in force since 2024
    plan = make_plan(db_session, "63302", year=2024)
    plan.state = "in_debate"
    db_session.commit()
    page = _flat(client.get("/publico?periodo=2024"))
    assert '<th scope="row">Cumplió su período</th><td>1</td>' in page
    assert (f'<th scope="row">Período terminado sin plan vigente: «{pdt.STATE_LABELS["in_debate"]}»</th><td>1</td>'
            in page)
    assert '<th scope="row">Vigente</th>' not in page


def _old_plan_stuck_in_drafting(db_session):
    """Génova's 2024-2027 plan left in formulation (its consolidation was due on 29 February 2024)."""
    cast = Cast(db_session, make_plan(db_session, "63302", year=2024))
    cast.act("ejecutivo", "take_office", "2024-01-01", today="2024-01-02", role=Role.EJECUTIVO)
    cast.act("ejecutivo", "start_drafting", "2024-01-02", today="2024-01-02", payload={"leader_name": "Equipo"})
    return cast


@pytest.mark.parametrize("rule", [True, False])
def test_nothing_is_owed_once_the_period_is_over(db_session, monkeypatch, rule):
    """pdt.duties_ended: a 2024-2027 plan left unfiled is not the 2028 officials' overdue step. The sweep of 10 March
    2028 tells nobody about it, and the mayor's and the adviser's lists show no duty of it; with the rule off,
    the sweep sends its overdue notices and escalations as before."""
    monkeypatch.setattr(pdt, "PLAN_ENDS_WITH_PERIOD", rule)
    cast = _old_plan_stuck_in_drafting(db_session)
    adviser = make_user(db_session, "asesor-periodo@prueba.co", Role.ASESOR, cast.plan.entity)
    db_session.commit()
    report = run_sweep(date(2028, 3, 10))
    about_it = db_session.scalars(select(Notification).where(Notification.plan_id == cast.plan.id,
                                                            Notification.kind != "transition")).all()
    listed = pending_for(db_session, cast.ejecutivo, date(2028, 3, 10))
    if rule:
        assert about_it == [] and report.plans == 0
        assert [i for i in listed if i.plan.id == cast.plan.id] == []
        assert pending_for(db_session, adviser, date(2028, 3, 10)) == []
    else:
        assert {n.kind for n in about_it} >= {"overdue", "escalation"}
        assert any(i.plan.id == cast.plan.id and i.is_overdue for i in listed)
    # On the period's last day the same plan's steps were overdue, and said so.
    if rule:
        run_sweep(date(2027, 12, 31))
        assert {n.kind for n in db_session.scalars(select(Notification).where(
            Notification.plan_id == cast.plan.id, Notification.kind != "transition"))} >= {"overdue", "escalation"}


def test_an_act_dated_after_the_period_is_refused_one_inside_it_is_recorded_late(db_session):
    cast = _old_plan_stuck_in_drafting(db_session)
    with pytest.raises(ActInvalid) as refused:
        cast.act("ejecutivo", "submit_to_consejo_de_gobierno", "2028-01-15", today="2028-03-10")
    assert refused.value.field == "act_on"
    assert refused.value.message.startswith("El período 2024–2027 terminó el 31 de diciembre de 2027: su plan no "
                                            "admite actos con fecha posterior (AL02; L152 arts. 39 num. 1 y 40)")
    assert cast.plan.state == "drafting"
    cast.act("ejecutivo", "submit_to_consejo_de_gobierno", "2024-02-10", today="2028-03-10")  # it did happen then
    assert cast.plan.state == "submitted_to_consejo_de_gobierno"


def test_the_board_of_an_ended_period_shows_no_pending_step(app, client, db_session, set_today):
    cast = _old_plan_stuck_in_drafting(db_session)
    adviser = make_user(db_session, "asesor-tablero@prueba.co", Role.ASESOR, cast.plan.entity)
    db_session.commit()
    rows = load_rows(db_session, adviser, date(2028, 3, 10), period=cast.plan.period)
    (row,) = rows
    assert (row.state_label, row.pending, row.risk) == ("Período terminado sin plan vigente", [], RISK_OK)
    (row,) = load_rows(db_session, adviser, date(2027, 12, 31), period=cast.plan.period)
    assert row.state_label == "En formulación" and row.overdue and row.risk != RISK_OK
