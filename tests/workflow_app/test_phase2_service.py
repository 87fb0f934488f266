"""Phase II through the real act door (apply_act) on PostgreSQL: opening at "Vigente", the plan indicativo's
matrix against the adopted PPI, the harmonisation through the concejo, the budget cycle, hitos and reminders."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from state_machines.core.roles import Role
from state_machines.phase2 import MatrixRow
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import BudgetStatute, Notification, PlanEvent
from workflow_app.services.phase2.milestones import check_phase2_milestone, plan_phase2_milestones
from workflow_app.services.phase2.overview import next_phase2_step, phase2_lines
from workflow_app.services.phase2.plan_indicativo import MatrixRefused, matrix_lines, save_matrix
from workflow_app.services.route.plans import ActInvalid, ActRefused
from workflow_app.services.route.ppi import PpiLine, save_ppi_version

PPI = (("Agua potable", "Acueductos veredales", "SGP", 100_000_000),
       ("Vías", "Placa huella", "Propios", 50_000_000))


@pytest.fixture
def genova(db_session):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    cast.plan.entity.fiscal_category = "6"
    db_session.commit()
    walk_to(cast, "adjusting")
    lines = [PpiLine(p, q, y, s, a) for p, q, s, a in PPI for y in range(2028, 2032)]
    save_ppi_version(db_session, cast.plan, lines, source="form", actor=None, note="PPI de prueba")
    walk_to(cast, "in_force")
    e = cast.plan.entity
    cast.hacienda = make_user(db_session, "hacienda63302@prueba.co", Role.HACIENDA, e)
    cast.consejo = make_user(db_session, "consejo63302@prueba.co", Role.CONSEJO_DE_GOBIERNO, e)
    return cast


def act(cast, who, machine, subject, trigger, on, **kw):
    role = kw.pop("role", None) or {"hacienda": Role.HACIENDA, "consejo": Role.CONSEJO_DE_GOBIERNO}.get(who)
    return cast.act(who, trigger, on, machine=machine, subject=subject, role=role, **kw)


def full_matrix(cast, db_session):
    lines, years = matrix_lines(db_session, cast.plan)
    return [MatrixRow(ln.program, ln.project, f"Indicador {ln.project}", ("1", "2", "3", "4"), "Planeación")
            for ln in lines]


def test_phase2_opens_at_vigente_and_the_plan_indicativo_is_approved_by_the_consejo_de_gobierno(genova, db_session):
    machines = {p.machine for p in genova.plan.procedures}
    assert {"plan_indicativo", "project_bank", "harmonization", "monitoring_system", "budget", "paa"} <= machines
    step = next_phase2_step(db_session, genova.plan, date(2028, 6, 1))  # the pending step with the nearest term
    assert step.title == "Rendición de cuentas semestral, primer semestre de 2028" and step.deadline.act_by == date(2028, 6, 30)
    pi = next(ln for ln in phase2_lines(db_session, genova.plan, date(2028, 6, 1)) if ln.title == "Plan Indicativo")
    assert pi.next_label == "Iniciar la preparación del Plan Indicativo"
    assert pi.next_holder == "la secretaría de planeación" and pi.deadline.act_by == date(2028, 7, 21)

    act(genova, "planeacion", "plan_indicativo", "pi", "prepare_pi", "2028-06-01")
    rows = full_matrix(genova, db_session)
    with pytest.raises(MatrixRefused) as info:  # a target added that the PPI does not have
        save_matrix(db_session, genova.plan, [*rows, MatrixRow("Cultura", "Casa de la cultura")], None)
    assert "Casa de la cultura" in info.value.message and "L152" in info.value.legal_basis
    with pytest.raises(ActRefused) as refused:  # nothing saved: the matrix is empty
        act(genova, "planeacion", "plan_indicativo", "pi", "consolidate_pi", "2028-06-10")
    assert "vacía" in refused.value.message and "L152" in refused.value.legal_basis
    save_matrix(db_session, genova.plan, rows, genova.planeacion)
    act(genova, "planeacion", "plan_indicativo", "pi", "consolidate_pi", "2028-06-10")
    with pytest.raises(ActRefused):  # the planning office cannot approve it: the Consejo de Gobierno does
        act(genova, "planeacion", "plan_indicativo", "pi", "approve_pi", "2028-06-20", role=Role.PLANEACION)
    act(genova, "consejo", "plan_indicativo", "pi", "approve_pi", "2028-06-20")
    pi = next(p for p in genova.plan.procedures if p.machine == "plan_indicativo")
    assert pi.state == "pi_approved" and pi.data["matrix"][0]["costs"] == [100_000_000] * 4
    with pytest.raises(MatrixRefused):  # consolidated: frozen
        save_matrix(db_session, genova.plan, rows, genova.planeacion)
    hitos, progress = plan_phase2_milestones(db_session, genova.plan)
    done = {h.milestone.hito for h in hitos if h.is_done}
    assert {2, 3, 4} <= done and progress == pytest.approx(3 + 4.5 + 6)


def test_a_phase2_act_is_not_dated_before_the_plan_is_in_force_nor_before_its_procedures_last_act(genova,
                                                                                                    db_session):
    """Legal-path T16; phase-ii.md §1.2 ("All start at in_force"): QA (7 December 2026) began a plan indicativo a
    week before the plan was in force and published a plan de acción three years before its approval."""
    with pytest.raises(ActInvalid) as early:
        act(genova, "planeacion", "plan_indicativo", "pi", "prepare_pi", "2028-05-10", today="2028-06-01")
    assert early.value.field == "act_on"
    assert "anterior a la entrada en vigencia del plan (22 de mayo de 2028)" in early.value.message
    act(genova, "planeacion", "plan_indicativo", "pi", "prepare_pi", "2028-06-01")
    save_matrix(db_session, genova.plan, full_matrix(genova, db_session), genova.planeacion)
    with pytest.raises(ActInvalid) as backwards:
        act(genova, "planeacion", "plan_indicativo", "pi", "consolidate_pi", "2028-05-30", today="2028-06-10")
    assert ("anterior al último acto registrado en este trámite («Iniciar la preparación del Plan Indicativo», "
            "1 de junio de 2028)") in backwards.value.message
    act(genova, "planeacion", "plan_indicativo", "pi", "consolidate_pi", "2028-06-01", today="2028-06-10")  # same day


def test_the_harmonisation_goes_through_the_concejo_with_its_debates_sanction_and_publication(genova, db_session):
    act(genova, "hacienda", "harmonization", "armonizacion", "start_harmonization", "2028-06-05")
    act(genova, "ejecutivo", "harmonization", "armonizacion", "file_harmonization", "2028-07-28")
    act(genova, "corporacion", "harmonization", "armonizacion", "assign_harmonization", "2028-08-01")
    # A category 6 Concejo is in recess in September (L136 art. 23): a debate then carece de validez (QA, 7
    # December 2026: the harmonisation was debated in recess).
    with pytest.raises(ActRefused) as recess:
        act(genova, "corporacion", "harmonization", "armonizacion", "record_committee_debate", "2028-09-05",
            payload={"committee_outcome": "approved"})
    assert "está en receso" in recess.value.message and recess.value.field == "act_on"
    act(genova, "corporacion", "harmonization", "armonizacion", "record_committee_debate", "2028-08-02",
        payload={"committee_outcome": "approved"})
    with pytest.raises(ActRefused) as refused:  # L136 art. 73: three full days before the plenary
        act(genova, "corporacion", "harmonization", "armonizacion", "record_plenary_debate", "2028-08-04")
    assert "L136 art. 73" in refused.value.legal_basis
    act(genova, "corporacion", "harmonization", "armonizacion", "record_plenary_debate", "2028-08-07")
    act(genova, "corporacion", "harmonization", "armonizacion", "approve_harmonization", "2028-08-07")
    act(genova, "corporacion", "harmonization", "armonizacion", "send_harmonization_for_sanction", "2028-08-08")
    act(genova, "ejecutivo", "harmonization", "armonizacion", "sanction_harmonization", "2028-08-10")
    act(genova, "ejecutivo", "harmonization", "armonizacion", "publish_harmonization", "2028-08-14")
    harm = next(p for p in genova.plan.procedures if p.machine == "harmonization")
    assert harm.state == "harm_published"
    assert harm.data["debates"] == {"committee": ["2028-08-02"], "committee_approved": "2028-08-02",
                                    "plenary": ["2028-08-07"]}
    assert (genova.plan.event_dates or {}).get("debates", {}).get("plenary") == ["2028-05-15"]  # the plan's own
    events = db_session.scalars(select(PlanEvent).filter_by(plan_id=genova.plan.id, machine="harmonization")
                                 .order_by(PlanEvent.id)).all()
    assert [e.trigger for e in events][-1] == "publish_harmonization" and all(e.legal_basis for e in events)


def test_budget_cycle_poai_budget_with_mfmp_and_plan_de_compras(genova, db_session):
    with pytest.raises(ActRefused) as refused:
        act(genova, "hacienda", "budget", "2029", "draft_budget", "2028-10-01")
    assert "POAI" in refused.value.message
    act(genova, "planeacion", "poai", "2029", "draft_poai", "2028-09-15")
    with pytest.raises(ActRefused) as refused:
        act(genova, "consejo", "poai", "2029", "approve_poai", "2028-09-20")
    assert "Plan Indicativo" in refused.value.message and "D111 art. 8" in refused.value.legal_basis
    act(genova, "planeacion", "plan_indicativo", "pi", "prepare_pi", "2028-06-01")
    save_matrix(db_session, genova.plan, full_matrix(genova, db_session), genova.planeacion)
    act(genova, "planeacion", "plan_indicativo", "pi", "consolidate_pi", "2028-06-10")
    act(genova, "consejo", "plan_indicativo", "pi", "approve_pi", "2028-06-20")
    act(genova, "planeacion", "project_bank", "banco", "update_bank", "2028-07-01")
    act(genova, "consejo", "poai", "2029", "approve_poai", "2028-09-20")
    act(genova, "hacienda", "budget", "2029", "draft_budget", "2028-10-01")
    act(genova, "ejecutivo", "budget", "2029", "file_budget", "2028-11-02")
    act(genova, "corporacion", "budget", "2029", "assign_budget", "2028-11-03")
    act(genova, "corporacion", "budget", "2029", "record_committee_debate", "2028-11-20",
        payload={"committee_outcome": "approved"})
    act(genova, "corporacion", "budget", "2029", "record_plenary_debate", "2028-11-24")
    act(genova, "corporacion", "budget", "2029", "approve_budget", "2028-11-28")
    act(genova, "ejecutivo", "budget", "2029", "liquidate_budget", "2028-12-05")
    # Sanctioned and liquidated, the acuerdo is published within ten business days (L136 art. 81; P16 reuses T15):
    # 8 December 2028 is a holiday. It was adopted and final, with no publication anywhere.
    from state_machines.calendar import deadline_map
    from workflow_app.services.phase2.procedures import phase2_deadlines_for

    publication = deadline_map(phase2_deadlines_for(db_session, genova.plan))["budget_publication:2029"]
    assert publication.act_by == date(2028, 12, 20) and "L136 art. 81" in publication.legal_basis
    act(genova, "ejecutivo", "paa", "2029", "publish_paa", "2029-01-25", today="2029-01-25")
    states = {(p.machine, p.subject): p.state for p in genova.plan.procedures}
    assert states[("budget", "2029")] == "budget_adopted" and states[("paa", "2029")] == "paa_published"
    published = act(genova, "ejecutivo", "budget", "2029", "publish_budget", "2029-01-25", today="2029-01-25")
    assert published.to_state == "budget_published" and "L136 art. 81" in published.legal_basis
    assert "late_budget_publication" in (genova.plan.flags or [])  # a month late: a warning, never a block
    done = {h.milestone.hito for h in plan_phase2_milestones(db_session, genova.plan)[0] if h.is_done}
    assert {15, 16, 17, 18, 19, 20, 21, 22} <= done


def test_the_decree_rule_waits_for_the_statute_and_the_end_of_the_extension(genova, db_session):
    act(genova, "planeacion", "plan_indicativo", "pi", "prepare_pi", "2028-06-01")
    save_matrix(db_session, genova.plan, full_matrix(genova, db_session), genova.planeacion)
    act(genova, "planeacion", "plan_indicativo", "pi", "consolidate_pi", "2028-06-10")
    act(genova, "consejo", "plan_indicativo", "pi", "approve_pi", "2028-06-20")
    act(genova, "planeacion", "project_bank", "banco", "update_bank", "2028-07-01")
    act(genova, "planeacion", "poai", "2029", "draft_poai", "2028-09-15")
    act(genova, "consejo", "poai", "2029", "approve_poai", "2028-09-20")
    act(genova, "hacienda", "budget", "2029", "draft_budget", "2028-10-01")
    act(genova, "ejecutivo", "budget", "2029", "file_budget", "2028-11-02")
    with pytest.raises(ActRefused) as refused:
        act(genova, "ejecutivo", "budget", "2029", "enact_budget_by_decree", "2028-12-12")
    assert "no copia" in refused.value.message
    db_session.add(BudgetStatute(entity_id=genova.plan.entity_id, act="Acuerdo 10 de 2020", copies_d111_art59=True))
    db_session.commit()
    with pytest.raises(ActRefused) as refused:  # 30 Nov + 10 days = Sunday 10 Dec → Monday 11 Dec 2028
        act(genova, "ejecutivo", "budget", "2029", "enact_budget_by_decree", "2028-12-11")
    assert "D111 art. 59" in refused.value.legal_basis
    act(genova, "ejecutivo", "budget", "2029", "enact_budget_by_decree", "2028-12-12")


def test_manual_phase2_hitos_are_checked_with_a_note(genova, db_session):
    check_phase2_milestone(db_session, genova.plan, 1, True, "Reunión de alistamiento con el DNP", genova.planeacion)
    hitos, progress = plan_phase2_milestones(db_session, genova.plan)
    assert progress == pytest.approx(1.5) and next(h for h in hitos if h.milestone.hito == 1).is_done


def test_the_sweep_reminds_and_escalates_phase2_terms(genova, db_session):
    from notifications.sweep import run_sweep

    adviser = make_user(db_session, "asesor63302@prueba.co", Role.ASESOR, genova.plan.entity)
    report = run_sweep(date(2029, 2, 1))  # 31 Jan 2029 passed: PAA and planes de acción 2029 overdue
    assert report.escalations >= 1  # to the adviser: the PAA's holders (executive, planning) are told it is overdue
    told = db_session.scalars(select(Notification).where(Notification.plan_id == genova.plan.id,
                                                         Notification.step_key == "paa_publication:2029")).all()
    assert {n.kind for n in told} >= {"overdue", "escalation"}
    assert {n.user_id for n in told if n.kind == "escalation"} == {adviser.id}
    assert all("D1082" in n.legal_basis for n in told)
    assert any(line.procedure.machine == "paa" for line in phase2_lines(db_session, genova.plan, date(2029, 2, 1)))


def test_a_phase2_reminder_reads_atendida_once_its_act_is_recorded(genova, db_session):
    """QA: a Phase II reminder stayed «Nueva» (and in the menu's figure and the daily digest) after its act was
    recorded: only the route's duties were asked whether they were still owed."""
    from notifications.centre import ATTENDED, NEW, status_of, unread_count
    from notifications.digest import settled_notices
    from notifications.sweep import run_sweep

    run_sweep(date(2029, 1, 30))  # the PAA 2029 is due on 31 January (D1082 art. 2.2.1.1.1.4.3)
    told = db_session.scalars(select(Notification).where(Notification.plan_id == genova.plan.id,
                                                         Notification.user_id == genova.ejecutivo.id,
                                                         Notification.step_key == "paa_publication:2029")).all()
    other = db_session.scalars(select(Notification).where(Notification.plan_id == genova.plan.id,  # planning's
                                                          Notification.step_key == "accion_publication:2029")).all()
    assert told and other and {n.kind for n in told} == {"reminder"}
    assert {status_of(n, date(2029, 1, 30)) for n in told} == {NEW}
    unread = unread_count(genova.ejecutivo, db_session, date(2029, 1, 30))
    assert settled_notices(db_session, told + other, date(2029, 1, 30)) == set()
    act(genova, "ejecutivo", "paa", "2029", "publish_paa", "2029-01-30", today="2029-01-30")
    db_session.expire_all()
    told = [db_session.get(Notification, n.id) for n in told]
    assert {status_of(n, date(2029, 1, 30)) for n in told} == {ATTENDED}
    assert {status_of(db_session.get(Notification, n.id), date(2029, 1, 30)) for n in other} == {NEW}  # still owed
    assert unread_count(genova.ejecutivo, db_session, date(2029, 1, 30)) == unread - len(told)
    assert settled_notices(db_session, told + other, date(2029, 1, 30)) == {n.id for n in told}  # not in the digest


def test_the_portal_shows_the_planes_de_accion_the_reports_to_citizens_and_a_budget_enacted_by_decree(
        genova, db_session, client, set_today):
    """QA: the portal's Phase II had no «Planes de acción» (only their PDF in the document list), no informe anual
    and no rendición de cuentas (L1474 arts. 74, 78; L1712 arts. 9, 11), and a budget enacted by decree (D111 art.
    59) read «Presupuesto adoptado y liquidado», as one the concejo approved."""
    act(genova, "planeacion", "plan_indicativo", "pi", "prepare_pi", "2028-06-01")
    save_matrix(db_session, genova.plan, full_matrix(genova, db_session), genova.planeacion)
    act(genova, "planeacion", "plan_indicativo", "pi", "consolidate_pi", "2028-06-10")
    act(genova, "consejo", "plan_indicativo", "pi", "approve_pi", "2028-06-20")
    act(genova, "planeacion", "project_bank", "banco", "update_bank", "2028-07-01")
    for year in ("2029", "2030"):
        act(genova, "planeacion", "poai", year, "draft_poai", f"{int(year) - 1}-09-15", today="2029-09-15")
        act(genova, "consejo", "poai", year, "approve_poai", f"{int(year) - 1}-09-20", today="2029-09-20")
        act(genova, "hacienda", "budget", year, "draft_budget", f"{int(year) - 1}-10-01", today="2029-10-01")
        act(genova, "ejecutivo", "budget", year, "file_budget", f"{int(year) - 1}-11-02", today="2029-11-02")
    db_session.add(BudgetStatute(entity_id=genova.plan.entity_id, act="Acuerdo 10 de 2020", copies_d111_art59=True))
    db_session.commit()
    act(genova, "ejecutivo", "budget", "2029", "enact_budget_by_decree", "2028-12-12")
    act(genova, "corporacion", "budget", "2030", "assign_budget", "2029-11-03", today="2029-11-03")
    act(genova, "corporacion", "budget", "2030", "record_committee_debate", "2029-11-20", today="2029-11-20",
        payload={"committee_outcome": "approved"})
    act(genova, "corporacion", "budget", "2030", "record_plenary_debate", "2029-11-26", today="2029-11-26")
    act(genova, "corporacion", "budget", "2030", "approve_budget", "2029-11-28", today="2029-11-28")
    act(genova, "ejecutivo", "budget", "2030", "liquidate_budget", "2029-12-05", today="2029-12-05")
    act(genova, "ejecutivo", "citizen_report", "2028-2", "hold_citizen_report", "2028-11-20")
    act(genova, "consejo", "action_plans", "2029", "approve_action_plans", "2029-01-20")
    act(genova, "planeacion", "action_plans", "2029", "publish_action_plans", "2029-01-28")
    act(genova, "ejecutivo", "annual_report", "2029", "present_annual_report", "2029-03-01")
    set_today("2030-01-10")
    page = " ".join(client.get("/publico/63302").get_data(as_text=True).split())
    section = page[page.index('id="h-fase2"'):page.index('id="h-docs"')]
    assert ("Vigencia 2029: <strong>Presupuesto expedido por decreto: el Concejo de Génova no lo decidió en su "
            "plazo</strong> (Decreto 111 de 1996, art. 59)." in section)
    assert "Expedido por decreto del alcalde: rige el proyecto presentado: 12 de diciembre de 2028 (<a href=" in section
    assert ("Vigencia 2030: <strong>Presupuesto adoptado y liquidado</strong>. Proyecto radicado en el Concejo de "
            "Génova con el Marco Fiscal de Mediano Plazo: 2 de noviembre de 2029" in section)
    assert "Sancionado y liquidado: 5 de diciembre de 2029 (<a href=" in section  # public by law (L1712 art. 9 b)
    assert "<h3>Planes de acción</h3>" in section and "a más tardar el 31 de enero" in section
    assert ("Planes de acción 2029: <strong>Planes de acción publicados</strong>. Aprobados por el Consejo de "
            "Gobierno: 20 de enero de 2029" in section)
    assert re.search(r"Publicados en la página web: 28 de enero de 2029 \(<a href=\"/publico/63302/"
                     r"documentos/\d+\">Planes de acción publicados — Planes de acción 2029</a>, PDF\)", section)
    assert "Planes de acción 2030: Planes de acción por aprobar." in section  # due and not yet published: said too
    assert "<h3>Informe anual de ejecución del plan</h3>" in section
    assert "Informe anual de ejecución, presentado en 2029: <strong>Informe anual presentado al Concejo" in section
    assert "Presentado al Concejo de Génova: 1 de marzo de 2029 (<a href=" in section
    assert "<h3>Rendición de cuentas a la ciudadanía</h3>" in section
    assert ("Rendición de cuentas semestral, segundo semestre de 2028: <strong>Rendición de cuentas del semestre "
            "realizada</strong>. Realizada con ediles, organizaciones sociales y veedurías: 20 de noviembre de 2028"
            in section)
    assert "Rendición de cuentas semestral, primer semestre de 2030: Rendición de cuentas del semestre por realizar" in section
    assert "segundo semestre de 2030" not in section  # not begun on 10 January 2030
