"""Phase II terms (phase-ii.md §2): each key's dates, and its acts flagged late only from ``overdue_from``."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from state_machines.calendar import BudgetStatute, Phase2Facts, deadline_map, phase2_deadlines
from state_machines.core.roles import Role
from state_machines.phase2 import (
    ACCION_MACHINE,
    ANNUAL_REPORT_MACHINE,
    BUDGET_MACHINE,
    HARMONIZATION_MACHINE,
    POAI_MACHINE,
    Phase2Snapshot,
)

ONE = timedelta(days=1)
MUNI = Phase2Facts("municipio", "6", date(2024, 1, 1), date(2024, 5, 31),
                   harmonization_sanctioned_on=date(2024, 10, 1), budget_filed_on={2025: date(2024, 11, 5)},
                   budget_sanctioned_on={2025: date(2024, 12, 5)})
DEPT = Phase2Facts("departamento", None, date(2024, 1, 1), date(2024, 5, 31),
                   harmonization_decreed_on=date(2024, 9, 10))


def terms(facts=MUNI):
    return deadline_map(phase2_deadlines(facts))


@pytest.mark.parametrize("key, act_by, latest", [
    ("pi_approval", date(2024, 7, 31), date(2024, 7, 31)),  # in force 31 May + 2 months (proposal)
    ("harmonization", date(2024, 12, 31), date(2024, 12, 31)),
    ("harmonization_publication", date(2024, 10, 16), date(2024, 10, 16)),  # 10 business days (14 Oct holiday)
    ("accion_publication:2025", date(2025, 1, 31), date(2025, 1, 31)),
    ("accion_publication:2026", date(2026, 1, 30), date(2026, 2, 2)),  # Saturday: Friday before, Monday after
    ("paa_publication:2027", date(2027, 1, 29), date(2027, 2, 1)),  # Sunday
    ("paa_update:2025", date(2025, 12, 31), date(2025, 12, 31)),
    ("budget_filing:2025", date(2024, 11, 18), date(2024, 11, 18)),  # 10th business day from 1 Nov (cat. 6)
    ("poai_approval:2025", date(2024, 11, 1), date(2024, 11, 1)),
    # The sanctioned acuerdo of 5 December 2024 (Thursday), published within ten business days (L136 art. 81).
    ("budget_publication:2025", date(2024, 12, 19), date(2024, 12, 19)),
    ("budget_decision:2025", date(2024, 11, 29), date(2024, 12, 10)),  # 30 Nov (Sat) or 10 days' extension
    ("budget_repetition:2025", date(2024, 12, 31), date(2024, 12, 31)),
    ("annual_report:2025", date(2025, 1, 31), date(2025, 2, 3)),  # 1 Feb 2025, a Saturday (cat. 6 sessions)
    ("citizen_report:2024-1", date(2024, 6, 28), date(2024, 7, 2)),  # 30 Jun (Sun), 1 Jul holiday
])
def test_each_municipal_phase2_term_has_its_dates(key, act_by, latest):
    d = terms()[key]
    assert (d.act_by, d.latest, d.overdue_from) == (act_by, latest, latest + ONE)
    assert d.legal_basis and d.explanation


def test_department_terms_filing_on_1_october_decree_publication_and_semiannual_evaluation():
    d = terms(DEPT)
    assert d["budget_filing:2025"].earliest == date(2024, 10, 1)
    assert d["harmonization_publication"].latest == date(2024, 9, 10)
    # 30 Jun 2025 is a holiday (San Pedro y San Pablo): Friday before, Tuesday after
    assert (d["dept_evaluation:2024-2"].act_by, d["dept_evaluation:2024-2"].latest) == (date(2025, 6, 27),
                                                                                       date(2025, 7, 1))
    assert not any(k.startswith("annual_report") for k in d)  # departamentos: no date (verify L2200)


def test_year_one_january_items_are_not_due_when_the_plan_entered_into_force_later():
    keys = terms()
    assert "paa_publication:2024" not in keys and "accion_publication:2024" not in keys
    assert "annual_report:2024" not in keys


def test_the_statute_moves_the_filing_window_and_the_pi_target():
    facts = replace(MUNI, statute=BudgetStatute(filing_business_days=1, pi_approval_months=3))
    d = terms(facts)
    assert d["budget_filing:2025"].latest == date(2024, 11, 1)
    assert d["pi_approval"].latest == date(2024, 9, 2)  # 31 Aug 2024 is a Saturday


def test_a_municipio_without_category_has_no_budget_terms():
    d = terms(replace(MUNI, category=None))
    assert not any(k.startswith(("budget_filing", "budget_decision", "poai_approval")) for k in d)


# --- both sides of each boundary, through the act's late flag ----------------------------------------------

def _fire_on(machine, state, trigger, role, subject, key, day, **kw):
    s = Phase2Snapshot(state=state, today=day, machine=machine.name, subject=subject, deadlines=terms(), **kw)
    return machine.fire(s, trigger, role).effects


@pytest.mark.parametrize("machine, state, trigger, role, subject, key, flag, extra", [
    (ACCION_MACHINE, "accion_approved", "publish_action_plans", Role.PLANEACION, "2026",
     "accion_publication:2026", "flag:late_action_plans", {}),
    (ANNUAL_REPORT_MACHINE, "report_due", "present_annual_report", Role.EJECUTIVO, "2025", "annual_report:2025",
     "flag:late_annual_report", {}),
    (HARMONIZATION_MACHINE, "harm_sanctioned", "publish_harmonization", Role.EJECUTIVO, "armonizacion",
     "harmonization_publication", "flag:late_harmonization_publication", {}),
    (POAI_MACHINE, "poai_drafted", "approve_poai", Role.CONSEJO_DE_GOBIERNO, "2025", "poai_approval:2025",
     "flag:late_poai", {"procedures": {"plan_indicativo:pi": "pi_approved", "project_bank:banco": "bank_updated"}}),
    (BUDGET_MACHINE, "budget_drafted_with_mfmp", "file_budget", Role.EJECUTIVO, "2025", "budget_filing:2025",
     "flag:late_budget_filing", {}),
    (BUDGET_MACHINE, "budget_adopted", "publish_budget", Role.EJECUTIVO, "2025", "budget_publication:2025",
     "flag:late_budget_publication", {}),
])
def test_a_soft_term_flags_the_act_only_from_the_day_after_its_latest_day(machine, state, trigger, role, subject,
                                                                         key, flag, extra):
    d = terms()[key]
    assert flag not in _fire_on(machine, state, trigger, role, subject, key, d.latest, **extra)
    assert flag in _fire_on(machine, state, trigger, role, subject, key, d.overdue_from, **extra)


def test_a_budget_enacted_by_decree_is_published_with_its_issue_and_only_an_adopted_one_is_owed():
    """P16 reuses legal-path T15: the budget, once adopted, is published (it was adopted and final, with no
    publication recorded anywhere): an acuerdo within ten business days of its sanction (L136 art. 81), a decree
    with its issue (CPACA art. 65)."""
    decreed = terms(replace(DEPT, budget_decreed_on={2025: date(2024, 12, 12)}))["budget_publication:2025"]
    assert (decreed.act_by, decreed.latest, decreed.overdue_from) == (date(2024, 12, 12), date(2024, 12, 12),
                                                                      date(2024, 12, 13))
    assert "CPACA art. 65" in decreed.legal_basis and "con su expedición" in decreed.explanation
    assert "budget_publication:2025" not in terms(DEPT)  # nothing adopted yet
    assert BUDGET_MACHINE.final_states == {"budget_published"}
