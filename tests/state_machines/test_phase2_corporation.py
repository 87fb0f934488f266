"""Phase II acts before the corporation once the plan is in force (phase-ii.md §1.2: "P8 and P16 reuse legal-path
T8–T16"): the budget's two debates, the corporation's sessions recorded from the budget and the harmonisation,
the decree rule and the objection read by the act's date, and the Tribunal's ruling with its outcome."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from state_machines import phase2
from state_machines.calendar import BudgetStatute, Phase2Facts, deadline_map, phase2_deadlines
from state_machines.core.diagram import mermaid
from state_machines.core.machine import TransitionRefused
from state_machines.core.roles import Role
from state_machines.corporation.debates import DebateRecord
from state_machines.corporation.sessions import Convocation, Corporation, SessionExtension, SessionRecords
from state_machines.phase2 import BUDGET_MACHINE, HARMONIZATION_MACHINE, Phase2Snapshot

E, C = Role.EJECUTIVO, Role.CORPORACION
GENOVA = Corporation("municipio", "6", date(2028, 1, 1))  # sits in February, May, August and November
QUINDIO = Corporation("departamento", "2", date(2028, 1, 1))


def budget(state, **kw):
    return Phase2Snapshot(state=state, today=kw.pop("today", date(2028, 11, 20)), machine="budget", subject="2029",
                          **kw)


def refusal(machine, snapshot, trigger, role) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as info:
        machine.fire(snapshot, trigger, role)
    return info.value


def deadlines(copies=False, filed=date(2028, 11, 2), received=None, vigencia=2029):
    facts = Phase2Facts("municipio", "6", date(2028, 1, 1), date(2028, 5, 22),
                        statute=BudgetStatute(copies_d111_art59=copies), budget_filed_on={vigencia: filed},
                        budget_received_on={vigencia: received} if received else {})
    return deadline_map(phase2_deadlines(facts))


# --- P16 reuses legal-path T8-T10: the budget's two debates -------------------------------------------------

def test_the_budget_is_approved_in_second_debate_after_the_committees_like_the_harmonisation():
    """QA: a budget was approved with no committee or plenary debate recorded (L136 art. 73; L2200 art. 97)."""
    filed = budget("budget_filed")
    exc = refusal(BUDGET_MACHINE, filed, "approve_budget", C)
    assert exc.code == "wrong_state" and "primero hay que repartir el proyecto de presupuesto" in exc.reason
    assert BUDGET_MACHINE.fire(filed, "assign_budget", C).dest == "budget_in_debate"
    debating = replace(filed, state="budget_in_debate", act_on=date(2028, 11, 28))
    exc = refusal(BUDGET_MACHINE, debating, "approve_budget", C)
    assert "aprobar el proyecto de presupuesto" in exc.reason and "primer debate" in exc.reason
    assert "L136 art. 73" in exc.legal_basis
    committee = DebateRecord(committee_sessions=(date(2028, 11, 20),), committee_approved_on=date(2028, 11, 20))
    assert BUDGET_MACHINE.fire(replace(debating, act_on=date(2028, 11, 20)), "record_committee_debate", C).effects \
        == ("debate:committee",)
    too_soon = replace(debating, debates=committee, act_on=date(2028, 11, 22))  # three full days (L136 art. 73)
    assert "L136 art. 73" in refusal(BUDGET_MACHINE, too_soon, "record_plenary_debate", C).legal_basis
    exc = refusal(BUDGET_MACHINE, replace(debating, debates=committee), "approve_budget", C)
    assert "segundo debate en plenaria" in exc.reason
    both = replace(committee, plenary_sessions=(date(2028, 11, 24),))
    assert BUDGET_MACHINE.fire(replace(debating, debates=both), "approve_budget", C).dest == "budget_approved"
    # A department's two debates on different days (L2200 art. 97), no three-day gap.
    quindio = replace(debating, entity_kind="departamento", debates=committee, act_on=date(2028, 11, 21))
    assert BUDGET_MACHINE.fire(quindio, "record_plenary_debate", C).dest == "budget_in_debate"


def test_the_budgets_debates_and_approval_take_place_in_a_session_of_the_corporation():
    both = DebateRecord(committee_sessions=(date(2028, 11, 20),), committee_approved_on=date(2028, 11, 20),
                        plenary_sessions=(date(2028, 11, 24),))
    s = budget("budget_in_debate", debates=both, corporation=GENOVA, act_on=date(2028, 12, 5), today=date(2028, 12, 6))
    exc = refusal(BUDGET_MACHINE, s, "approve_budget", C)
    assert "está en receso" in exc.reason and exc.field == "act_on" and "L136 art. 24" in exc.legal_basis
    extended = SessionRecords(extensions=(SessionExtension(date(2028, 11, 30), 10, date(2028, 11, 28)),))
    assert BUDGET_MACHINE.fire(replace(s, session_records=extended), "approve_budget", C).dest == "budget_approved"
    convoked = SessionRecords(convocations=(Convocation(date(2028, 12, 4), date(2028, 12, 8), "Presupuesto 2029",
                                                        False),))
    assert BUDGET_MACHINE.fire(replace(s, session_records=convoked), "approve_budget", C).dest == "budget_approved"


# --- the corporation's sessions while the plan is in force ----------------------------------------------------

def test_the_concejo_records_its_extension_from_the_budget_and_the_harmonisation_while_the_plan_is_in_force():
    """L136 art. 23 par. 1 (QA: pdt_approval's extend_sessions answered 409 «estado Vigente» and the budget's
    approval in the extension was refused)."""
    for machine, state in ((BUDGET_MACHINE, "budget_filed"), (BUDGET_MACHINE, "budget_in_debate"),
                           (HARMONIZATION_MACHINE, "harm_in_debate")):
        s = Phase2Snapshot(state=state, today=date(2028, 12, 6), machine=machine.name, subject="x",
                           corporation=GENOVA, act_on=date(2028, 11, 28), extension_days=10)
        out = machine.fire(s, "extend_sessions", C)
        assert out.dest == state and out.effects == ("record_extension",)
        assert "L136 art. 23 par. 1" in out.legal_basis
    s = budget("budget_filed", corporation=GENOVA, today=date(2028, 12, 6))
    assert [t.trigger for t in BUDGET_MACHINE.allowed(s, C) if t.trigger == "extend_sessions"]  # listed on the 6th
    exc = refusal(BUDGET_MACHINE, replace(s, act_on=date(2028, 12, 2), extension_days=10), "extend_sessions", C)
    assert "no está en un período de sesiones ordinarias" in exc.reason and exc.field == "extension_days"
    exc = refusal(BUDGET_MACHINE, replace(s, act_on=date(2028, 11, 28), extension_days=11), "extend_sessions", C)
    assert "de 1 a 10" in exc.reason
    late = replace(s, today=date(2028, 12, 20))  # ten days after the period: nothing left to extend
    assert "extend_sessions" not in {t.trigger for t in BUDGET_MACHINE.allowed(late, C)}
    assert "prorroga" in BUDGET_MACHINE.row("budget_filed", "extend_sessions").guards[1].document


def test_an_asamblea_under_ley_2200_is_convoked_since_it_cannot_extend_its_period():
    s = budget("budget_in_debate", entity_kind="departamento", corporation=QUINDIO, today=date(2028, 12, 2))
    exc = refusal(BUDGET_MACHINE, replace(s, act_on=date(2028, 11, 28), extension_days=5), "extend_sessions", C)
    assert "Ley 2200" in exc.reason and exc.legal_basis == "L2200 art. 23"
    assert "extend_sessions" not in {t.trigger for t in BUDGET_MACHINE.allowed(s, C)}
    conv = Convocation(date(2028, 12, 4), date(2028, 12, 12), "Ordenanza de presupuesto 2029", False,
                       convoked_on=date(2028, 12, 2))
    out = BUDGET_MACHINE.fire(replace(s, act_on=date(2028, 12, 2), convocation=conv), "convoke_sessions", E)
    assert out.dest == "budget_in_debate" and out.effects == ("record_convocation",)
    exc = refusal(BUDGET_MACHINE, replace(s, act_on=date(2028, 12, 2), convocation=replace(conv, purpose=" ")),
                  "convoke_sessions", E)
    assert exc.field == "purpose"
    assert phase2.phase2_session_basis("convoke_sessions", "departamento", None, date(2028, 12, 2)) == \
        "L2200 art. 23"
    assert phase2.phase2_session_basis("convoke_sessions", "municipio", None, date(2028, 7, 1),
                                       for_objections=True) == "L136 art. 78; L136 art. 23 par. 2"
    assert phase2.phase2_session_basis("extend_sessions", "municipio", "bogota", date(2028, 11, 1)) == \
        "DL1421 art. 10"


def test_a_session_act_is_not_a_step_of_its_procedure():
    """An extension decided on 28 November and recorded after a debate of the 29th is not «anterior al último
    acto»; nor does a convocation recorded later bar the procedure's own next act dated before it."""
    data = {"opened_on": "2028-05-22", "file_budget_on": "2028-11-02", "record_committee_debate_on": "2028-11-29",
            "convoke_sessions_on": "2028-12-10"}
    assert phase2.phase2_act_date_problem("budget", data, date(2028, 11, 28), "extend_sessions") is None
    assert phase2.phase2_act_date_problem("budget", data, date(2028, 12, 5)) is None
    assert "entrada en vigencia" in phase2.phase2_act_date_problem("budget", data, date(2028, 5, 1),
                                                                    "convoke_sessions")
    assert phase2.procedure_last_act("budget", data) == (date(2028, 11, 29), "record_committee_debate")


# --- D111 art. 59 and art. 109 read by the act's date ----------------------------------------------------------

def test_the_decree_rule_reads_the_decrees_date_not_the_day_it_is_typed():
    """QA: at 12 December, a decree dated 10 December (inside the Concejo's term) was registered (D111 art. 59)."""
    dl = deadlines(copies=True)
    decision = dl["budget_decision:2029"]
    s = budget("budget_filed", deadlines=dl, statute=BudgetStatute(copies_d111_art59=True), today=date(2028, 12, 14))
    exc = refusal(BUDGET_MACHINE, replace(s, act_on=decision.latest), "enact_budget_by_decree", E)
    assert "Aún corre el plazo" in exc.reason and exc.field == "act_on" and "D111 art. 59" in exc.legal_basis
    out = BUDGET_MACHINE.fire(replace(s, act_on=decision.overdue_from), "enact_budget_by_decree", E)
    assert out.dest == "budget_adopted"
    # Debated but undecided in time: the same rule.
    assert BUDGET_MACHINE.fire(replace(s, state="budget_in_debate", act_on=decision.overdue_from),
                               "enact_budget_by_decree", E).dest == "budget_adopted"


def test_an_objection_sent_on_time_is_offered_the_day_after_its_term_and_refused_by_its_own_date():
    """QA: approved 28 November, term to 5 December; on the 6th the form answered 409 «venció» before a date
    could be typed (D111 art. 109)."""
    dl = deadlines(received=date(2028, 11, 28))
    term = dl["budget_objection:2029"]
    assert term.latest == date(2028, 12, 5)
    s = budget("budget_approved", deadlines=dl, today=date(2028, 12, 6), last_act_on=date(2028, 11, 28))
    assert "object_budget" in {t.trigger for t in BUDGET_MACHINE.allowed(s, E)}  # listed: a date may be typed
    assert BUDGET_MACHINE.fire(replace(s, act_on=date(2028, 12, 5)), "object_budget", E).dest == "budget_objected"
    exc = refusal(BUDGET_MACHINE, replace(s, act_on=date(2028, 12, 6)), "object_budget", E)
    assert "venció el 5 de diciembre de 2028" in exc.reason and exc.field == "act_on"
    # No day within the term is left to date it: its procedure's last act came after the term.
    assert "object_budget" not in {t.trigger for t in BUDGET_MACHINE.allowed(
        replace(s, last_act_on=date(2028, 12, 6)), E)}


# --- the Tribunal's ruling and what each outcome leads to (D111 art. 109; L136 art. 80 by analogy) -----------

def test_the_tribunals_ruling_needs_its_outcome_and_never_reopens_the_objection():
    """QA: after the ruling the budget went back to «aprobado» and could be objected again and again."""
    s = budget("budget_objected", today=date(2028, 12, 20))
    assert "record_tribunal_ruling" in {t.trigger for t in BUDGET_MACHINE.allowed(s, E)}  # its form asks it
    s = replace(s, act_on=date(2028, 12, 20))
    exc = refusal(BUDGET_MACHINE, s, "record_tribunal_ruling", E)
    assert exc.field == "tribunal_ruling" and "D111 art. 109" in exc.legal_basis
    out = BUDGET_MACHINE.fire(replace(s, tribunal_ruling="infundadas"), "record_tribunal_ruling", E)
    assert out.dest == "budget_sanction_due" and out.effects == ("record_tribunal_ruling",)
    due = replace(s, state="budget_sanction_due")
    assert {t.trigger for t in BUDGET_MACHINE.allowed(due, E)} == {"liquidate_budget"}
    assert BUDGET_MACHINE.fire(due, "liquidate_budget", E).dest == "budget_adopted"
    assert not any(t.dest == "budget_approved" for t in BUDGET_MACHINE.transitions if t.trigger != "approve_budget")


def test_founded_objections_archive_the_project_and_the_bill_presented_rules_as_configured(monkeypatch):
    s = budget("budget_objected", tribunal_ruling="fundadas")
    assert BUDGET_MACHINE.fire(s, "record_tribunal_ruling", E).dest == "budget_objection_upheld"
    upheld = replace(s, state="budget_objection_upheld")
    assert {t.trigger for t in BUDGET_MACHINE.allowed(upheld, E)} == {"enact_presented_budget"}
    assert BUDGET_MACHINE.fire(upheld, "enact_presented_budget", E).effects == ("event:budget_adopted",)
    monkeypatch.setattr(phase2, "BUDGET_AFTER_FOUNDED_OBJECTIONS", "anterior")  # D111 art. 114 by analogy
    assert {t.trigger for t in BUDGET_MACHINE.allowed(upheld, E)} == {"repeat_previous_budget"}


def test_a_partly_vitiated_budget_is_reconsidered_once_before_the_definitive_ruling(monkeypatch):
    s = budget("budget_objected", tribunal_ruling="parcial")
    assert BUDGET_MACHINE.fire(s, "record_tribunal_ruling", E).dest == "budget_reconsideration"
    back = replace(s, state="budget_reconsideration", corporation=GENOVA, act_on=date(2029, 1, 10))
    exc = refusal(BUDGET_MACHINE, back, "return_budget_to_tribunal", C)  # January: recess for a category 6
    assert "está en receso" in exc.reason
    assert BUDGET_MACHINE.fire(replace(back, act_on=date(2029, 2, 6)), "return_budget_to_tribunal", C).dest == \
        "budget_objected"
    definitive = replace(s, is_reconsidered=True)  # the part not vitiated is sanctioned (D111 art. 115, analogy)
    assert BUDGET_MACHINE.fire(definitive, "record_tribunal_ruling", E).dest == "budget_sanction_due"
    # An ordenanza's Tribunal «decida definitivamente» at once (L2200 art. 101): no reconsideration.
    assert BUDGET_MACHINE.fire(replace(s, entity_kind="departamento"), "record_tribunal_ruling", E).dest == \
        "budget_sanction_due"
    monkeypatch.setattr(phase2, "BUDGET_PARTIAL_RULING_RETURNS", False)
    assert BUDGET_MACHINE.fire(s, "record_tribunal_ruling", E).dest == "budget_sanction_due"


def test_the_ruling_leaves_its_sanction_term_and_every_outcome_is_drawn():
    facts = Phase2Facts("municipio", "6", date(2028, 1, 1), date(2028, 5, 22), budget_ruled_on={2029: date(2029, 1, 5)})
    term = deadline_map(phase2_deadlines(facts))["budget_ruling_sanction:2029"]
    assert term.act_by == date(2029, 1, 11) and "L136 art. 80" in term.legal_basis  # Monday 8 Jan is a holiday
    text = mermaid(BUDGET_MACHINE)
    for dest in ("budget_sanction_due", "budget_objection_upheld", "budget_reconsideration"):
        assert f"budget_objected --> {dest}: Registrar el fallo del Tribunal" in text
