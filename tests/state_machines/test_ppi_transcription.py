"""A plan filed with no investment plan registered is warned at the filing (L152 art. 31), and once adopted its
planning office transcribes the adopted act's investment plan, once (QA 2028: the Gobernación del Quindío's Phase II
was blocked for good)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from state_machines.approval.flags import FLAG_LABELS
from state_machines.approval.pdt import PDT_MACHINE, PlanSnapshot, is_without_ppi
from state_machines.approval.ppi_transcription import TRANSCRIBABLE_STATES, transcription_verdict


def test_the_filing_warns_of_a_missing_investment_plan_only_when_the_service_looked():
    row = PDT_MACHINE.row("adjusting", "file_with_corporacion")
    base = PlanSnapshot(state="adjusting", entity_kind="departamento", today=date(2028, 4, 28), hearings=("held",))
    assert "flag:filed_without_ppi" in row.effects_for(replace(base, has_ppi=False))
    assert "flag:filed_without_ppi" not in row.effects_for(replace(base, has_ppi=True))
    assert "flag:filed_without_ppi" not in row.effects_for(base) and not is_without_ppi(base)
    assert "L152 art. 31" in FLAG_LABELS["filed_without_ppi"] and "L152 art. 31" in FLAG_LABELS["ppi_transcribed"]


def test_the_adopted_investment_plan_is_transcribed_only_after_adoption_and_only_when_none_was_registered():
    assert transcription_verdict("in_force", has_ppi_version=False).ok
    assert transcription_verdict("approved_by_corporacion", has_ppi_version=False).ok
    refused = transcription_verdict("in_force", has_ppi_version=True)
    assert not refused.ok and "no se transcribe otro" in refused.reason and "L152" in refused.legal_basis
    for state in ("adjusting", "filed_with_corporacion", "decree_eligible", "archived"):
        verdict = transcription_verdict(state, has_ppi_version=False)
        assert not verdict.ok and state not in TRANSCRIBABLE_STATES and "L152 art. 31" == verdict.legal_basis
