"""Phase II machines (phase-ii.md §1.2, P1–P22): roles, guards with their norms, the harmonisation's debates."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from state_machines.calendar import BudgetStatute, Phase2Facts, deadline_map, phase2_deadlines
from state_machines.core.machine import SAME, TransitionRefused
from state_machines.core.roles import Role
from state_machines.corporation.debates import DebateRecord
from state_machines.phase2 import (
    ACCION_MACHINE,
    BUDGET_MACHINE,
    CITIZEN_REPORT_MACHINE,
    DEPT_EVALUATION_MACHINE,
    HARMONIZATION_MACHINE,
    PAA_MACHINE,
    PHASE2_MACHINES,
    PLAN_INDICATIVO_MACHINE,
    POAI_MACHINE,
    MatrixRow,
    Phase2Snapshot,
    check_matrix,
    phase2_opening,
    target_problem,
    target_value,
)

E, P, C, H, CG, S = (Role.EJECUTIVO, Role.PLANEACION, Role.CORPORACION, Role.HACIENDA, Role.CONSEJO_DE_GOBIERNO,
                     Role.SISTEMA)
PPI = {("Educación", "Alimentación escolar"): (100, 110, 120, 130),
       ("Vías", "Placa huella rural"): (50, 50, 0, 0)}


def rows():
    return [MatrixRow("Educación", "Alimentación escolar", "Niños atendidos", ("500", "520", "540", "560"),
                      "Secretaría de Educación", (100, 110, 120, 130)),
            MatrixRow("Vías", "Placa huella rural", "Km construidos", ("2", "2", "0", "0"), "Secretaría de Obras",
                      (50, 50, 0, 0))]


def snap(state, machine="plan_indicativo", subject="pi", **kw):
    return Phase2Snapshot(state=state, today=kw.pop("today", date(2024, 8, 1)), machine=machine, subject=subject,
                          **kw)


def refusal(machine, snapshot, trigger, role) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as info:
        machine.fire(snapshot, trigger, role)
    return info.value


# --- every transition names its norm; every guard refusal names its norm -----------------------------------

#: The IDs of legal-path.md §0 and phase-ii.md a Phase II rule may cite (any other string is not a norm).
NORM = re.compile(r"\b(L152|L136|L2200|D1222|DL1421|L56|L1551|L617|L715|L819|L1474|L1712|L1909|D111|D1082|CPACA|"
                  r"L4-1913|AL02|CE-2127|TAB-[a-e]|SEED 00[0-4]|DNP-PI|DNP-KS)\b")


def test_every_phase2_transition_has_a_norm_and_a_spanish_label():
    for machine in PHASE2_MACHINES.values():
        for t in machine.transitions:
            assert NORM.search(t.legal_basis) and t.label[0].isupper(), (machine.name, t.trigger, t.legal_basis)
            assert SISTEMA_NOT_A_PERSON(t)
            for guard in t.guards:  # every refusal names its norm: the guard's docstring cites it
                assert guard.__doc__ and NORM.search(guard.__doc__), (machine.name, t.trigger, guard)


def SISTEMA_NOT_A_PERSON(t) -> bool:
    """No Phase II act is automatic: the law writes an effect only for the budget's decision and objection, and
    both are acts of the executive once the term allows them (phase-ii.md §2)."""
    return S not in t.roles


def test_every_phase2_act_refused_by_its_state_says_what_comes_first_and_its_norm():
    """QA: approving the Plan Indicativo before its consolidation, filing the budget before drafting it, publishing
    the planes de acción before their approval answered only «no procede en el estado actual»: every Phase II act
    that does not leave its procedure's state says, from the table, what must come first (or that the route has
    passed it), with the step and its norm."""
    for machine in PHASE2_MACHINES.values():
        for state in machine.states:
            for trigger in machine.triggers:
                if machine.row(state, trigger) is not None:
                    continue
                role = next(iter(next(t for t in machine.transitions if t.trigger == trigger).roles))
                exc = refusal(machine, snap(state, machine=machine.name), trigger, role)
                assert exc.code == "wrong_state" and NORM.search(exc.legal_basis), (machine.name, state, trigger)
                assert "no procede cuando el trámite está en" not in exc.reason, (machine.name, state, trigger)
                assert ("primero hay que" in exc.reason) != ("ya no procede" in exc.reason), exc.reason
                assert f"«{machine.label(state)}»" in exc.reason, exc.reason


@pytest.mark.parametrize("machine, state, trigger, role, first", [
    (PLAN_INDICATIVO_MACHINE, "pi_preparing", "approve_pi", CG,
     "primero hay que consolidar la matriz del Plan Indicativo (P2; L152 arts. 29, 36; DNP-PI)"),
    (BUDGET_MACHINE, "budget_pending", "file_budget", E,
     "primero hay que elaborar el anteproyecto de presupuesto y el MFMP (P13, P15; L819 art. 5; D111 art. 52)"),
    (ACCION_MACHINE, "accion_pending", "publish_action_plans", P,
     "primero hay que aprobar los planes de acción de las dependencias (P19; L152 art. 41)"),
])
def test_the_qa_refusals_name_the_step_that_comes_first(machine, state, trigger, role, first):
    exc = refusal(machine, snap(state, machine=machine.name, subject="2029"), trigger, role)
    assert first in exc.reason and exc.legal_basis.startswith(("P2", "P13", "P19"))


def test_an_act_two_steps_ahead_says_what_comes_next_and_a_passed_one_says_so():
    exc = refusal(PLAN_INDICATIVO_MACHINE, snap("pi_none"), "approve_pi", CG)
    assert exc.reason.endswith("El trámite está en «Plan Indicativo sin iniciar»: lo siguiente es iniciar la "
                               "preparación del Plan Indicativo.")
    exc = refusal(HARMONIZATION_MACHINE, snap("harm_in_process", machine="harmonization", subject="armonizacion"),
                  "publish_harmonization", E)
    assert "expedir el decreto de armonización" in exc.reason and "sancionar el acuerdo u ordenanza" in exc.reason
    exc = refusal(HARMONIZATION_MACHINE, snap("harm_filed", machine="harmonization", subject="armonizacion"),
                  "decree_harmonization", E)
    assert "ya no procede" in exc.reason and "P7-P8" in exc.legal_basis
    assert all(t.dest != SAME for t in PLAN_INDICATIVO_MACHINE.steps_towards("pi_none", "approve_pi")[0])


def test_a_role_not_listed_is_refused_with_the_acts_norm():
    exc = refusal(PLAN_INDICATIVO_MACHINE, snap("pi_consolidated", matrix=check_matrix(rows(), PPI)), "approve_pi", P)
    assert exc.code == "role_not_allowed" and "Consejo de Gobierno" in exc.reason and "DNP-PI" in exc.legal_basis


# --- plan indicativo (P1–P4) -------------------------------------------------------------------------------

def test_the_plan_indicativo_goes_from_preparation_to_approval_by_the_consejo_de_gobierno():
    m = check_matrix(rows(), PPI)
    assert m.is_consistent and not m.cost_differences
    s = snap("pi_none")
    assert PLAN_INDICATIVO_MACHINE.fire(s, "prepare_pi", P).dest == "pi_preparing"
    out = PLAN_INDICATIVO_MACHINE.fire(replace(s, state="pi_preparing", matrix=m), "consolidate_pi", P)
    assert out.dest == "pi_consolidated" and "event:plan_indicativo_consolidated" in out.effects
    out = PLAN_INDICATIVO_MACHINE.fire(replace(s, state="pi_consolidated", matrix=m), "approve_pi", CG)
    assert out.dest == "pi_approved" and "event:plan_indicativo_approved" in out.effects


def test_a_matrix_that_adds_a_target_is_refused_citing_l152():
    extra = [*rows(), MatrixRow("Cultura", "Casa de la cultura", "Sedes", ("1",), "Cultura", (10,))]
    exc = refusal(PLAN_INDICATIVO_MACHINE, snap("pi_preparing", matrix=check_matrix(extra, PPI)), "consolidate_pi", P)
    assert "Casa de la cultura" in exc.reason and "agrega" in exc.reason and "L152" in exc.legal_basis


def test_a_matrix_that_drops_a_target_is_refused_citing_l152():
    exc = refusal(PLAN_INDICATIVO_MACHINE, snap("pi_preparing", matrix=check_matrix(rows()[:1], PPI)),
                  "consolidate_pi", P)
    assert "Placa huella rural" in exc.reason and "omite" in exc.reason and "L152" in exc.legal_basis


def test_an_empty_or_incomplete_matrix_is_refused():
    exc = refusal(PLAN_INDICATIVO_MACHINE, snap("pi_preparing", matrix=check_matrix([], PPI)), "consolidate_pi", P)
    assert "vacía" in exc.reason
    lacking = [replace(rows()[0], responsible=""), rows()[1]]
    exc = refusal(PLAN_INDICATIVO_MACHINE, snap("pi_preparing", matrix=check_matrix(lacking, PPI)),
                  "consolidate_pi", P)
    assert "dependencia responsable" in exc.reason and "L152 art. 29" in exc.legal_basis


@pytest.mark.parametrize("text, value", [("1.250", Decimal("1250")), ("12,5", Decimal("12.5")), ("80 %", Decimal("80")),
                                         ("80%", Decimal("80")), ("0", Decimal("0")), ("1.250.000,75", Decimal("1250000.75")),
                                         (" 350\u00a0", Decimal("350"))])
def test_a_target_is_a_quantity_written_as_colombia_writes_numbers(text, value):
    assert target_value(text) == value and target_problem(text, 2028) is None


@pytest.mark.parametrize("text, said", [("muchas", "«muchas» no es una meta"), ("1.5", "decimales se escriben con coma"),
                                        ("-3", "no es una meta"), ("10 a 20", "no es una meta"),
                                        ("1,250.5", "no es una meta"), ("", "Escriba la meta de 2028")])
def test_a_word_a_range_or_a_negative_is_not_a_target(text, said):
    assert target_value(text) is None and said in target_problem(text, 2028)


def test_the_matrix_needs_a_number_for_every_year_before_consolidation_and_approval():
    """QA: «muchas» as one line's 2028 target and only the 2031 target on another were consolidated and approved,
    and the portal said «Metas por año: muchas, , , » (phase-ii.md P2: «targets per year»; DNP-PI)."""
    years = (2028, 2029, 2030, 2031)
    wordy = [replace(rows()[0], targets=("muchas", "520", "540", "560")), replace(rows()[1], targets=("", "", "", "4"))]
    m = check_matrix(wordy, PPI, years)
    assert m.bad_targets == (("Educación", "Alimentación escolar", "2028: «muchas»"),)
    assert m.incomplete == (("Vías", "Placa huella rural", "las metas de 2028, 2029 y 2030"),)
    for state, trigger, role in (("pi_preparing", "consolidate_pi", P), ("pi_consolidated", "approve_pi", CG)):
        exc = refusal(PLAN_INDICATIVO_MACHINE, snap(state, matrix=m), trigger, role)
        assert "2028: «muchas»" in exc.reason and "DNP-PI" in exc.legal_basis, trigger
    only_missing = check_matrix([rows()[0], replace(rows()[1], targets=("", "", "", "4"))], PPI, years)
    exc = refusal(PLAN_INDICATIVO_MACHINE, snap("pi_consolidated", matrix=only_missing), "approve_pi", CG)
    assert "Placa huella rural: las metas de 2028, 2029 y 2030" in exc.reason
    assert check_matrix(rows(), PPI, years).incomplete == ()  # «0» is a year's target


def test_names_are_compared_without_case_or_extra_spaces_and_cost_differences_are_only_a_flag():
    loose = [replace(rows()[0], program="  educación ", costs=(1, 2, 3, 4)), rows()[1]]
    m = check_matrix(loose, PPI)
    assert m.is_consistent and m.cost_differences == (("  educación ", "Alimentación escolar"),)
    out = PLAN_INDICATIVO_MACHINE.fire(snap("pi_preparing", matrix=m), "consolidate_pi", P)
    assert "flag:pi_cost_differs" in out.effects


def test_late_pi_approval_is_flagged_on_both_sides_of_the_target():
    facts = Phase2Facts("municipio", "6", date(2024, 1, 1), date(2024, 5, 31))
    dl = deadline_map(phase2_deadlines(facts))
    m = check_matrix(rows(), PPI)
    on_time = snap("pi_consolidated", matrix=m, deadlines=dl, today=dl["pi_approval"].latest)
    late = replace(on_time, today=dl["pi_approval"].overdue_from)
    assert "flag:late_pi_approval" not in PLAN_INDICATIVO_MACHINE.fire(on_time, "approve_pi", CG).effects
    assert "flag:late_pi_approval" in PLAN_INDICATIVO_MACHINE.fire(late, "approve_pi", CG).effects


# --- armonización (P6–P9): the corporation's route reused ---------------------------------------------------

def test_harmonization_goes_through_the_concejo_with_both_debates_sanction_and_publication():
    m = HARMONIZATION_MACHINE
    s = snap("harm_pending", machine="harmonization", subject="armonizacion", today=date(2024, 9, 20))
    assert m.fire(s, "start_harmonization", H).dest == "harm_in_process"
    assert m.fire(replace(s, state="harm_in_process"), "file_harmonization", E).dest == "harm_filed"
    assert m.fire(replace(s, state="harm_filed"), "assign_harmonization", C).dest == "harm_in_debate"
    debating = replace(s, state="harm_in_debate")
    assert m.fire(debating, "record_committee_debate", C).dest == "harm_in_debate"
    exc = refusal(m, debating, "approve_harmonization", C)
    assert "armonización" in exc.reason and "L136 art. 73" in exc.legal_basis
    committee = DebateRecord(committee_sessions=(date(2024, 9, 2),), committee_approved_on=date(2024, 9, 2))
    # L136 art. 73: three full days between the committee's approval and the plenary (the plan's own guard).
    too_soon = replace(debating, debates=committee, act_on=date(2024, 9, 4))
    assert "L136 art. 73" in refusal(m, too_soon, "record_plenary_debate", C).legal_basis
    both = DebateRecord(committee_sessions=(date(2024, 9, 2),), committee_approved_on=date(2024, 9, 2),
                        plenary_sessions=(date(2024, 9, 6),))
    out = m.fire(replace(debating, debates=both, act_on=date(2024, 9, 6)), "approve_harmonization", C)
    assert out.dest == "harm_approved" and "event:harmonization_approved" in out.effects
    assert m.fire(replace(s, state="harm_approved"), "send_harmonization_for_sanction", C).dest == \
        "harm_sanction_pending"
    assert m.fire(replace(s, state="harm_sanction_pending"), "sanction_harmonization", E).dest == "harm_sanctioned"
    out = m.fire(replace(s, state="harm_sanctioned"), "publish_harmonization", E)
    assert out.dest == "harm_published" and "event:harmonization_published" in out.effects


def test_harmonization_by_decree_needs_the_statute_and_is_never_open_to_a_governor():
    s = snap("harm_in_process", machine="harmonization", subject="armonizacion")
    exc = refusal(HARMONIZATION_MACHINE, s, "decree_harmonization", E)
    assert "estatuto" in exc.reason and "BOG20" in exc.legal_basis
    allowed = replace(s, statute=BudgetStatute(harmonization_by_decree=True))
    assert HARMONIZATION_MACHINE.fire(allowed, "decree_harmonization", E).dest == "harm_decreed"
    exc = refusal(HARMONIZATION_MACHINE, replace(allowed, entity_kind="departamento"), "decree_harmonization", E)
    assert "C036" in exc.legal_basis


def test_harmonization_after_31_december_of_year_one_is_flagged_moot_not_refused():
    facts = Phase2Facts("municipio", "6", date(2024, 1, 1), date(2024, 5, 31))
    dl = deadline_map(phase2_deadlines(facts))
    s = snap("harm_in_process", machine="harmonization", subject="armonizacion", deadlines=dl,
             statute=BudgetStatute(harmonization_by_decree=True))
    assert "flag:late_harmonization" not in HARMONIZATION_MACHINE.fire(
        replace(s, today=date(2024, 12, 31)), "decree_harmonization", E).effects
    assert "flag:late_harmonization" in HARMONIZATION_MACHINE.fire(
        replace(s, today=date(2025, 1, 2)), "decree_harmonization", E).effects


# --- POAI, budget, MFMP (P13–P17) -------------------------------------------------------------------------

def test_poai_needs_the_approved_plan_indicativo_and_the_updated_bank():
    s = snap("poai_drafted", machine="poai", subject="2025")
    exc = refusal(POAI_MACHINE, s, "approve_poai", CG)
    assert "Plan Indicativo" in exc.reason and "D111 art. 8" in exc.legal_basis
    s = replace(s, procedures={"plan_indicativo:pi": "pi_approved"})
    exc = refusal(POAI_MACHINE, s, "approve_poai", CG)
    assert "banco" in exc.reason and "L152 art. 49" in exc.legal_basis
    s = replace(s, procedures={"plan_indicativo:pi": "pi_approved", "project_bank:banco": "bank_updated"})
    assert POAI_MACHINE.fire(s, "approve_poai", CG).dest == "poai_approved"


def test_the_budget_is_drafted_from_the_approved_poai_and_filed_with_the_mfmp():
    s = snap("budget_pending", machine="budget", subject="2025")
    exc = refusal(BUDGET_MACHINE, s, "draft_budget", H)
    assert "POAI" in exc.reason and "D111 art. 8" in exc.legal_basis
    s = replace(s, procedures={"poai:2025": "poai_approved"})
    assert BUDGET_MACHINE.fire(s, "draft_budget", H).dest == "budget_drafted_with_mfmp"
    out = BUDGET_MACHINE.fire(replace(s, state="budget_drafted_with_mfmp"), "file_budget", E)
    assert out.dest == "budget_filed" and {"event:mfmp_presented", "event:budget_filed"} <= set(out.effects)


def test_a_budget_is_not_prepared_before_the_year_before_its_vigencia():
    s = snap("budget_pending", machine="budget", subject="2027", procedures={"poai:2027": "poai_approved"},
             today=date(2025, 12, 31))
    assert "L136 art. 91 a) 3" in refusal(BUDGET_MACHINE, s, "draft_budget", H).legal_basis
    assert BUDGET_MACHINE.fire(replace(s, today=date(2026, 1, 2)), "draft_budget", H).dest == \
        "budget_drafted_with_mfmp"


def _budget_deadlines(copies: bool):
    facts = Phase2Facts("municipio", "6", date(2024, 1, 1), date(2024, 5, 31),
                        statute=BudgetStatute(copies_d111_art59=copies),
                        budget_filed_on={2025: date(2024, 11, 5)}, budget_received_on={2025: date(2024, 11, 28)})
    return deadline_map(phase2_deadlines(facts))


def test_the_filed_bill_rules_by_decree_only_where_the_statute_copies_d111_art_59_and_only_after_the_term():
    dl = _budget_deadlines(True)
    decision = dl["budget_decision:2025"]
    assert decision.earliest == date(2024, 11, 30) and decision.latest == date(2024, 12, 10)
    assert decision.effect == "executive_budget_by_decree"
    s = snap("budget_filed", machine="budget", subject="2025", deadlines=dl,
             statute=BudgetStatute(copies_d111_art59=True), today=decision.latest)
    exc = refusal(BUDGET_MACHINE, s, "enact_budget_by_decree", E)
    assert "D111 art. 59" in exc.legal_basis and "10 de diciembre de 2024" in exc.reason
    out = BUDGET_MACHINE.fire(replace(s, today=decision.overdue_from), "enact_budget_by_decree", E)
    assert out.dest == "budget_adopted" and "event:budget_adopted" in out.effects
    without = replace(s, today=decision.overdue_from, statute=BudgetStatute(), deadlines=_budget_deadlines(False))
    exc = refusal(BUDGET_MACHINE, without, "enact_budget_by_decree", E)
    assert "no copia" in exc.reason and "MH174" in exc.legal_basis
    assert _budget_deadlines(False)["budget_decision:2025"].effect == "warning"


def test_an_objection_for_illegality_reaches_the_tribunal_within_five_business_days():
    dl = _budget_deadlines(False)
    term = dl["budget_objection:2025"]
    assert term.latest == date(2024, 12, 5)  # received Thu 28 Nov: 29 Nov, 2, 3, 4, 5 Dec
    s = snap("budget_approved", machine="budget", subject="2025", deadlines=dl, today=date(2024, 12, 9))
    assert BUDGET_MACHINE.fire(replace(s, act_on=term.latest), "object_budget", E).dest == "budget_objected"
    exc = refusal(BUDGET_MACHINE, replace(s, act_on=term.overdue_from), "object_budget", E)
    assert "D111 art. 109" in exc.legal_basis and "venció" in exc.reason


# --- yearly items -------------------------------------------------------------------------------------------

def test_the_plan_de_compras_of_a_vigencia_is_recorded_from_december_before_and_flagged_late_after_31_january():
    facts = Phase2Facts("municipio", "6", date(2024, 1, 1), date(2024, 5, 31))
    dl = deadline_map(phase2_deadlines(facts))
    s = snap("paa_pending", machine="paa", subject="2026", deadlines=dl, today=date(2025, 11, 30))
    assert "L1474 art. 74" in refusal(PAA_MACHINE, s, "publish_paa", P).legal_basis
    term = dl["paa_publication:2026"]  # 31 Jan 2026 is a Saturday
    assert (term.act_by, term.latest) == (date(2026, 1, 30), date(2026, 2, 2))
    assert "flag:late_paa" not in PAA_MACHINE.fire(replace(s, today=term.latest), "publish_paa", P).effects
    assert "flag:late_paa" in PAA_MACHINE.fire(replace(s, today=term.overdue_from), "publish_paa", P).effects


def test_a_plan_de_compras_is_updated_during_its_vigencia_and_not_after_it():
    s = snap("paa_published", machine="paa", subject="2025", today=date(2025, 12, 31))
    assert PAA_MACHINE.fire(s, "update_paa", P).dest == "paa_published"
    closed = replace(s, today=date(2028, 3, 10), act_on=date(2026, 1, 5))
    refused = refusal(PAA_MACHINE, closed, "update_paa", E)
    assert "D1082 art. 2.2.1.1.1.4.4" in refused.legal_basis
    assert "La vigencia 2025 terminó" in refused.reason
    # The act's date decides: an update published on 31 December and recorded later still goes in, and the act is
    # listed (no date yet) for its form to ask the date.
    assert PAA_MACHINE.fire(replace(closed, act_on=date(2025, 12, 31)), "update_paa", E).dest == "paa_published"
    assert PAA_MACHINE.fire(replace(closed, act_on=None), "update_paa", E).dest == "paa_published"


def test_a_plan_de_compras_and_the_planes_de_accion_belong_inside_their_year():
    """L1474 art. 74 (QA, 7 December 2026: the PAA 2024 «publicado el 15 de marzo de 2025»)."""
    late = snap("paa_pending", machine="paa", subject="2024", today=date(2025, 3, 15), act_on=date(2025, 3, 15))
    refused = refusal(PAA_MACHINE, late, "publish_paa", P)
    assert "La vigencia 2024 terminó el 31 de diciembre de 2024" in refused.reason and refused.field == "act_on"
    assert PAA_MACHINE.fire(replace(late, act_on=date(2024, 3, 15)), "publish_paa", P).dest == "paa_published"
    published = snap("accion_approved", machine="action_plans", subject="2024", today=date(2027, 6, 2),
                     act_on=date(2027, 6, 2))
    assert "La vigencia 2024 terminó" in refusal(ACCION_MACHINE, published, "publish_action_plans", P).reason


def test_one_meeting_is_not_both_semesters_rendicion_de_cuentas():
    """L136 art. 91 e) 2, one per semester (phase-ii.md §2, interpretation)."""
    second = snap("citizen_due", machine="citizen_report", subject="2028-2", today=date(2028, 3, 20),
                  act_on=date(2028, 3, 20))
    refused = refusal(CITIZEN_REPORT_MACHINE, second, "hold_citizen_report", E)
    assert "segundo semestre de 2028 se realiza entre el 1 de julio de 2028 y el 31 de diciembre de 2028" in \
        refused.reason and "L136 art. 91 e) 2" in refused.legal_basis
    first = replace(second, subject="2028-1")
    assert CITIZEN_REPORT_MACHINE.fire(first, "hold_citizen_report", E).dest == "citizen_held"
    late = replace(first, today=date(2028, 7, 3), act_on=date(2028, 7, 2))
    assert "primer semestre" in refusal(CITIZEN_REPORT_MACHINE, late, "hold_citizen_report", E).reason


def test_the_departments_evaluation_waits_for_the_semester_to_end():
    s = snap("eval_due", machine="dept_evaluation", subject="2025-1", today=date(2025, 6, 30))
    assert "L715 art. 90" in refusal(DEPT_EVALUATION_MACHINE, s, "publish_dept_evaluation", P).legal_basis
    assert DEPT_EVALUATION_MACHINE.fire(replace(s, today=date(2025, 7, 1)), "publish_dept_evaluation", P).dest == \
        "eval_published"


def test_phase2_opens_single_and_yearly_procedures_from_the_year_in_force():
    opened = phase2_opening("municipio", date(2024, 5, 31), date(2024, 1, 1))
    keys = {(m, s) for m, s, _ in opened}
    assert {("plan_indicativo", "pi"), ("harmonization", "armonizacion"), ("budget", "2025"), ("budget", "2028"),
            ("paa", "2027"), ("annual_report", "2025"), ("citizen_report", "2024-1")} <= keys
    assert ("annual_report", "2024") not in keys and not any(m == "dept_evaluation" for m, _ in keys)
    align = {(m, s) for m, s, d in opened if d.get("align")}
    assert align == {("paa", "2024"), ("action_plans", "2024")}
    dept = phase2_opening("departamento", date(2024, 5, 31), date(2024, 1, 1))
    assert ("dept_evaluation", "2027-2") in {(m, s) for m, s, _ in dept}
    # P21 is the mayor's meeting with ediles (L136 art. 91 e), the municipal regime): a department has no ediles.
    assert not any(m == "citizen_report" for m, _, _ in dept)
    district = phase2_opening("distrito", date(2024, 5, 31), date(2024, 1, 1))
    assert ("citizen_report", "2027-2") in {(m, s) for m, s, _ in district}


def test_state_and_machine_names_fit_their_columns():
    assert all(len(name) <= 30 for name in PHASE2_MACHINES)
    assert all(len(state) <= 40 for m in PHASE2_MACHINES.values() for state in m.states)


def test_phase2_names_the_entitys_own_corporation():
    """Phase II's tables say «el concejo o asamblea», which each entity's pages localize («el Concejo de Génova»,
    «la Asamblea del Quindío»): never the generic «la corporación» (QA, 7 December 2026)."""
    from state_machines.core.wording import Wording, localize

    texts = [m.label(state) for m in PHASE2_MACHINES.values() for state in m.states]
    texts += [t.label for m in PHASE2_MACHINES.values() for t in m.transitions]
    assert not [t for t in texts if "corporación" in t]
    genova = Wording("municipio", "Génova", "alcaldesa")
    quindio = Wording("departamento", "Quindío", "gobernador")
    approved = PHASE2_MACHINES["budget"].label("budget_approved")
    assert localize(approved, genova) == "Presupuesto aprobado por el Concejo de Génova"
    assert localize(approved, quindio) == "Presupuesto aprobado por la Asamblea del Quindío"
    assert localize(PHASE2_MACHINES["annual_report"].label("report_presented"), quindio) == \
        "Informe anual presentado a la Asamblea del Quindío"


def test_a_purchase_plan_update_comes_after_the_plan_it_updates():
    """D1082 art. 2.2.1.1.1.4.4: the 2026 plan published on 28 January 2026 was «updated» on 1 June 2025, and the
    public page said so (QA, 7 December 2026)."""
    from state_machines.phase2 import Phase2Snapshot

    published = Phase2Snapshot(state="paa_published", today=date(2026, 6, 15), machine="paa", subject="2026",
                               published_on=date(2026, 1, 28))
    early = replace(published, act_on=date(2025, 6, 1))
    with pytest.raises(TransitionRefused) as refused:
        PHASE2_MACHINES["paa"].fire(early, "update_paa", Role.PLANEACION)
    assert "28 de enero de 2026" in refused.value.reason and refused.value.field == "act_on"
    assert PHASE2_MACHINES["paa"].fire(replace(published, act_on=date(2026, 6, 1)), "update_paa",
                                       Role.PLANEACION).dest == "paa_published"


def test_the_annual_report_is_titled_by_the_year_it_is_presented():
    """«Informe anual de ejecución 2026» was the report presented in 2026 on 2025's execution, which its term calls
    «del plan 2025» (QA, 7 December 2026)."""
    from state_machines.phase2 import phase2_title

    assert phase2_title("annual_report", "2026") == "Informe anual de ejecución, presentado en 2026"
    assert phase2_title("paa", "2026") == "Plan Anual de Adquisiciones (plan de compras) 2026"

