"""The board, its exports and a plan's risk count Phase II's pending terms as the sweep does (phase-ii.md §2): a
plan whose people were escalated a late step is never «Sin plazos pendientes · Sin alertas» (QA, 2028 trial:
Génova's harmonisation not published on 31 August, Quindío's Plan Indicativo, POAI and budget on 6 December)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from notifications.sweep import run_sweep
from state_machines.core.roles import Role
from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Notification, PlanSummary
from workflow_app.services.monitoring import board as board_service
from workflow_app.services.monitoring import board_summary
from workflow_app.services.monitoring.exports import board_table
from workflow_app.services.phase2.statute import save_statute

PASSWORD = "clave-de-prueba"


@pytest.fixture
def genova(db_session):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    cast.plan.entity.fiscal_category = "6"
    db_session.commit()
    walk_to(cast, "in_force")
    cast.hacienda = make_user(db_session, "hacienda63302@prueba.co", Role.HACIENDA, cast.plan.entity)
    cast.asesor = make_user(db_session, "asesor63302@prueba.co", Role.ASESOR, cast.plan.entity)
    return cast


def _harmonisation_sanctioned(cast):
    def act(who, trigger, on, **kw):
        role = Role.HACIENDA if who == "hacienda" else None
        cast.act(who, trigger, on, machine="harmonization", subject="armonizacion", role=role, **kw)

    act("hacienda", "start_harmonization", "2028-06-05")
    act("ejecutivo", "file_harmonization", "2028-07-28")
    act("corporacion", "assign_harmonization", "2028-08-01")
    act("corporacion", "record_committee_debate", "2028-08-02", payload={"committee_outcome": "approved"})
    act("corporacion", "record_plenary_debate", "2028-08-07")
    act("corporacion", "approve_harmonization", "2028-08-07")
    act("corporacion", "send_harmonization_for_sanction", "2028-08-08")
    act("ejecutivo", "sanction_harmonization", "2028-08-10")


def _escalated_steps(db_session, user) -> set[str]:
    return set(db_session.scalars(select(Notification.step_key).where(Notification.user_id == user.id,
                                                                      Notification.kind == "escalation")))


def test_the_board_counts_the_late_publication_of_the_harmonisation_the_adviser_was_escalated(genova, db_session):
    _harmonisation_sanctioned(genova)
    today = date(2028, 8, 31)
    run_sweep(today)
    escalated = _escalated_steps(db_session, genova.asesor)
    assert "harmonization_publication" in escalated  # «paso atrasado — Publicar la armonización…»

    row = board_service.plan_row(db_session, genova.plan, today)
    overdue = {p.deadline.map_key for p in row.overdue}
    assert overdue == escalated  # the same late steps as the sweep's escalations, no more, no fewer
    assert row.risk == board_service.RISK_OVERDUE
    assert any("Publicar la armonización presupuestal aprobada" in r for r in row.risk_reasons)
    assert row.next_step is not None  # no «Sin plazos pendientes»

    _, lines = board_table([row], "2028–2031")
    assert lines[0][10] == len(overdue) and "Publicar la armonización presupuestal aprobada" in lines[0][11]
    assert lines[0][-1] == board_service.RISK_OVERDUE


def test_the_board_page_and_csv_show_phase2s_late_steps(genova, db_session, client, set_today):
    _harmonisation_sanctioned(genova)
    set_today("2028-08-31")
    assert login(client, genova.asesor.email, PASSWORD).status_code == 302
    page = client.get("/tablero").get_data(as_text=True)
    assert "Publicar la armonización presupuestal aprobada" in page
    assert "Sin plazos pendientes" not in page
    csv = client.get("/tablero.csv").get_data(as_text=True)
    assert "Publicar la armonización presupuestal aprobada" in csv and "Pasos vencidos" in csv


def test_a_department_in_force_owes_its_plan_indicativo_poai_and_budget_on_the_board_as_in_the_sweep(
        db_session):
    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "in_force")
    adviser = make_user(db_session, "asesor63@prueba.co", Role.ASESOR, quindio.plan.entity)
    today = date(2028, 12, 6)
    run_sweep(today)
    escalated = _escalated_steps(db_session, adviser)
    assert {"pi_approval", "poai_approval:2029", "budget_filing:2029"} <= escalated
    row = board_service.plan_row(db_session, quindio.plan, today)
    assert {p.deadline.map_key for p in row.overdue} == escalated
    assert row.risk == board_service.RISK_OVERDUE and row.next_step is not None


def test_a_summary_row_written_before_phase2_dates_were_kept_is_rebuilt_when_the_board_reads_it(genova,
                                                                                                 db_session):
    """Rows stored by the previous release hold five items per procedure: the harmonisation's sanction would be
    missing and its publication's term with it; the board rebuilds such a row from the history."""
    _harmonisation_sanctioned(genova)
    summary = db_session.get(PlanSummary, genova.plan.id)
    material = board_summary.decode(summary.procedures, summary.events, summary.marks)
    harm = next(p for p in material.procedures if p[0] == "harmonization")
    assert harm[5] == {"sanction_harmonization_on": "2028-08-10"}
    legacy = board_summary._procedures_text([p[:5] for p in material.procedures])
    db_session.execute(update(PlanSummary).where(PlanSummary.plan_id == genova.plan.id)
                       .values(procedures=legacy))
    db_session.commit()
    row = board_service.plan_row(db_session, genova.plan, date(2028, 8, 31))
    assert "harmonization_publication" in {p.deadline.map_key for p in row.overdue}
    db_session.expire_all()
    rebuilt = db_session.get(PlanSummary, genova.plan.id)
    assert not board_summary.is_legacy(board_summary.decode(rebuilt.procedures, rebuilt.events, rebuilt.marks))


def test_the_entitys_budget_statute_moves_the_boards_phase2_terms_the_same_day(genova, db_session):
    """The statute is the entity's, not the plan's row: its change does not move the plan's version, yet the board's
    figures of the day follow it (the Plan Indicativo's target, phase-ii.md §2 ``pi_approval``)."""
    today = date(2028, 7, 3)
    row = board_service.plan_row(db_session, genova.plan, today)
    target = next(p for p in row.pending if p.deadline.key == "pi_approval")
    assert target.deadline.earliest == date(2028, 7, 22)  # in force 22 May + 2 months
    save_statute(db_session, genova.plan.entity, genova.asesor, act="Acuerdo 5 de 2019", filing_business_days=10,
                 decision_extension_days=10, copies_d111_art59=False, harmonization_by_decree=False,
                 pi_approval_months=1)
    row = board_service.plan_row(db_session, genova.plan, today)
    target = next(p for p in row.pending if p.deadline.key == "pi_approval")
    assert target.deadline.earliest == date(2028, 6, 22) and target.is_overdue and row.risk == board_service.RISK_OVERDUE


def test_a_summary_row_whose_adopted_budget_lacks_its_adoption_day_is_rebuilt():
    """Rows written before the budget's publication was a term hold an adopted budget without the day it was
    adopted: the board would not count its publication (L136 art. 81), so such a row is rebuilt when read."""
    def material(dates):
        return board_summary.Material([["budget", "2029", "budget_adopted", None, None, dates]])

    assert board_summary.is_legacy(material({"file_budget_on": "2028-11-02", "approve_budget_on": "2028-11-28"}))
    assert not board_summary.is_legacy(material({"file_budget_on": "2028-11-02", "liquidate_budget_on": "2028-12-05"}))
    assert not board_summary.is_legacy(material({"enact_budget_by_decree_on": "2028-12-12"}))
    assert not board_summary.is_legacy(board_summary.Material([["budget", "2029", "budget_published", None, None, {}]]))
