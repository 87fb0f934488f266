"""Phase II acts before the corporation once the plan is in force (phase-ii.md §1.2: "P8 and P16 reuse legal-path
T8–T16"): the budget's two debates, the decree rule and the objection read by the act's date."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from state_machines.calendar import BudgetStatute, Phase2Facts, deadline_map, phase2_deadlines
from state_machines.core.machine import TransitionRefused
from state_machines.core.roles import Role
from state_machines.corporation.debates import DebateRecord
from state_machines.phase2 import BUDGET_MACHINE, Phase2Snapshot

E, C = Role.EJECUTIVO, Role.CORPORACION


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
    assert exc.code == "wrong_state" and "en debate" in exc.reason
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
