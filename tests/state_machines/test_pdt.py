"""The main machine ``pdt_approval``: the table over every (state, trigger, role), and dated legal scenarios.

Dates follow the worked examples of ``shared/domain/calendar-contract.md``; deadlines are built by hand here
(the calendar has its own tests), exactly as the service passes them in ``PlanSnapshot.deadlines``.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from state_machines.approval import pdt
from state_machines.approval.concepts import Answer, ConceptContent, RecommendationRef
from state_machines.approval.pdt import PDT_MACHINE, PDT_STATES, STATE_LABELS, PlanSnapshot
from state_machines.approval.submachines import SUBMACHINES, AmendmentSnapshot
from state_machines.core.diagram import mermaid
from state_machines.core.machine import Deadline, TransitionRefused
from state_machines.core.roles import Role
from state_machines.corporation.debates import DebateRecord
from state_machines.corporation.sanction import SanctionRecord

E, P, CTP, CAR, C, S = Role.EJECUTIVO, Role.PLANEACION, Role.CTP, Role.CAR, Role.CORPORACION, Role.SISTEMA
SPANISH = re.compile(r"\b(el|la|los|las|de|del|no|su|en|al)\b", re.IGNORECASE)


def dl(latest: date, earliest: date | None = None, act_by: date | None = None) -> Deadline:
    """A calendar deadline: overdue from the day after ``latest`` (calendar-contract.md)."""
    earliest = earliest or latest
    return Deadline(earliest=earliest, latest=latest, act_by=act_by or earliest,
                    overdue_from=latest + timedelta(days=1))


# The expected table, written from legal-path.md §b.2 and §c independently of pdt.py:
# (state, trigger) -> (dest, roles). Anything not listed must be refused.
EXPECTED: dict[tuple[str, str], tuple[str, set[Role]]] = {
    ("elected", "take_office"): ("in_office", {E}),
    # Issue 18: the posesión the law places on the period's first day, recorded by the system (AL02 art. 1).
    ("elected", "presume_office"): ("in_office", {S}),
    ("in_office", "start_drafting"): ("drafting", {E, P}),
    ("drafting", "submit_to_consejo_de_gobierno"): ("submitted_to_consejo_de_gobierno", {E, P}),
    ("submitted_to_consejo_de_gobierno", "consolidate"): ("consolidated", {E, P}),
    ("consolidated", "submit_to_ctp"): ("submitted_to_ctp", {E}),
    ("submitted_to_ctp", "record_ctp_concept"): ("ctp_stage_closed", {CTP}),
    ("submitted_to_ctp", "deem_ctp_requirement_fulfilled"): ("ctp_stage_closed", {S}),
    ("ctp_stage_closed", "consider_concepts"): ("adjusting", {E, P}),
    ("adjusting", "schedule_hearing"): ("adjusting", {E, P}),
    ("filed_with_corporacion", "schedule_hearing"): ("filed_with_corporacion", {E, P}),
    ("in_debate", "schedule_hearing"): ("in_debate", {E, P}),
    ("adjusting", "convoke_sessions"): ("adjusting", {E}),
    ("filed_with_corporacion", "convoke_sessions"): ("filed_with_corporacion", {E}),
    ("in_debate", "convoke_sessions"): ("in_debate", {E}),
    ("objected", "convoke_sessions"): ("objected", {E}),
    # L136 art. 23 par. 1: the corporation records the extension of an ordinary period (issue 20).
    ("filed_with_corporacion", "extend_sessions"): ("filed_with_corporacion", {C}),
    ("in_debate", "extend_sessions"): ("in_debate", {C}),
    ("objected", "extend_sessions"): ("objected", {C}),
    # L136 art. 23 par. 1 while the approved project awaits the sanction: where the objections may be decided (and the
    # Concejo it keeps "reunido" need not be convoked for them, L136 art. 78 inc. 3).
    ("approved_by_corporacion", "extend_sessions"): ("approved_by_corporacion", {C}),
    ("sanction_pending", "extend_sessions"): ("sanction_pending", {C}),
    # L2200 art. 100 inc. 4: the Asamblea entered recess within the term to object; the governor publishes.
    ("objected", "publish_objected_project"): ("objected", {E}),
    ("illegality_insisted", "record_insistence_receipt"): ("illegality_insisted", {E}),  # L2200 art. 101
    ("adjusting", "file_with_corporacion"): ("filed_with_corporacion", {E}),
    ("filed_with_corporacion", "modify_by_executive"): ("filed_with_corporacion", {E}),
    ("in_debate", "modify_by_executive"): ("in_debate", {E}),
    ("filed_with_corporacion", "assign_to_committee"): ("in_debate", {C}),
    ("in_debate", "record_committee_debate"): ("in_debate", {C}),
    ("in_debate", "continue_committee_debate"): ("in_debate", {C}),
    ("in_debate", "record_plenary_debate"): ("in_debate", {C}),
    ("in_debate", "continue_plenary_debate"): ("in_debate", {C}),
    ("in_debate", "propose_amendment"): ("in_debate", {C}),
    ("in_debate", "publish_ponencia"): ("in_debate", {C}),  # L2200 art. 102 (issue 20)
    ("in_debate", "approve_plan"): ("approved_by_corporacion", {C}),
    ("in_debate", "enable_decree_adoption"): ("decree_eligible", {S}),
    # D1222 art. 75; L136 arts. 73, 75; L2200 art. 98; D1222 art. 76 (issue 20): third debate, denial, archive
    ("in_debate", "record_third_debate"): ("in_debate", {C}),
    ("in_debate", "deny_in_first_debate"): ("in_debate", {C}),
    ("in_debate", "reconsider_first_debate"): ("in_debate", {C}),
    ("in_debate", "archive_project"): ("project_archived", {C}),
    ("project_archived", "enable_decree_adoption"): ("decree_eligible", {S}),
    ("in_debate", "vote_down"): ("decree_eligible", {C}),
    ("decree_eligible", "adopt_by_decree"): ("adopted_by_decree", {E}),
    ("approved_by_corporacion", "send_for_sanction"): ("sanction_pending", {C}),
    ("sanction_pending", "sanction"): ("sanctioned", {E}),
    ("sanction_pending", "object"): ("objected", {E}),
    # The last stretch (issue 20): L136 arts. 78-82; L2200 arts. 100-103.
    ("objected", "reject_objections"): ("sanction_due", {C}),
    ("objected", "insist_on_project"): ("illegality_insisted", {C}),
    ("objected", "accept_objections"): ("sanction_pending", {C}),
    ("sanction_due", "sanction"): ("sanctioned", {E}),
    ("sanction_due", "sanction_by_president"): ("sanctioned", {C}),
    ("sanction_pending", "sanction_by_president"): ("sanctioned", {C}),  # L2200 art. 100 inc. 3
    ("illegality_insisted", "send_to_tribunal"): ("before_tribunal", {E}),
    ("before_tribunal", "record_tribunal_unfounded"): ("sanction_due", {E, C}),
    ("before_tribunal", "record_tribunal_partial"): ("tribunal_reconsideration", {E, C}),  # L136 art. 80
    ("tribunal_reconsideration", "return_to_tribunal"): ("before_tribunal", {E, C}),
    ("before_tribunal", "record_tribunal_articles_archived"): ("sanction_due", {E, C}),
    ("before_tribunal", "record_tribunal_archive"): ("archived", {E, C}),
    ("sanctioned", "send_copy_to_governor"): ("sanctioned", {E, P}),
    ("published", "send_copy_to_governor"): ("published", {E, P}),
    # A publication in force at once (issue 18) leaves the copy due within 5 days of the sanction (L136 art. 82)
    ("in_force", "send_copy_to_governor"): ("in_force", {E, P}),
    ("sanctioned", "record_governor_review"): ("sanctioned", {E, P}),
    ("published", "record_governor_review"): ("published", {E, P}),
    ("in_force", "record_governor_review"): ("in_force", {E, P}),
    ("sanctioned", "publish"): ("published", {E}),
    # L136 art. 79; L2200 art. 100 inc. 3: the president who sanctioned "procederá a sancionarlo y publicarlo".
    ("sanctioned", "publish_by_president"): ("published", {C}),
    ("adopted_by_decree", "publish"): ("published", {E}),
    ("published", "enter_into_force"): ("in_force", {S}),
}
TRIGGERS = sorted({t for _, t in EXPECTED})


#: Both debates on file: committee approved on 1 May 2020, plenary on 10 May 2020 (nine days later).
DEBATED_2020 = DebateRecord((date(2020, 5, 1),), date(2020, 5, 1), (date(2020, 5, 10),))
REC = RecommendationRef("CTP", 1, "Incluir metas de agua potable rural")
#: The debate record each debate act needs to pass its own guards (the others pass with ``DEBATED_2020``).
DEBATES_FOR = {
    "record_committee_debate": DebateRecord(),
    "continue_committee_debate": DebateRecord((date(2020, 5, 1),)),
    "record_plenary_debate": DebateRecord((date(2020, 5, 1),), date(2020, 5, 1)),
    "deny_in_first_debate": DebateRecord((date(2020, 5, 1),)),
    "reconsider_first_debate": DebateRecord((date(2020, 5, 1),), committee_denied_on=date(2020, 5, 1)),
    "archive_project": DebateRecord((date(2020, 5, 1),)),
}


#: The last stretch's record each act needs to pass its own guards (L136 arts. 79-82).
SANCTION_FOR = {
    "reject_objections": SanctionRecord(grounds=frozenset({"inconveniencia"})),
    "insist_on_project": SanctionRecord(grounds=frozenset({"ilegalidad"})),
    "record_governor_review": SanctionRecord(governor_copy_sent=date(2020, 5, 21)),
    # L136 art. 80: the objected articles are archived by the definitive ruling, after the reconsideration
    "record_tribunal_articles_archived": SanctionRecord(grounds=frozenset({"ilegalidad"}), reconsidered=True),
    "publish_by_president": SanctionRecord(sanctioned_by="presidente", president_after="rechazo"),
}


def permissive(state: str, trigger: str | None = None, **changes) -> PlanSnapshot:
    """A snapshot in which every guard of the table passes (used to test the table itself); the debate acts
    each need their own debate record (``DEBATES_FOR``)."""
    far = date(2099, 12, 31)
    past = date(2020, 1, 1)
    base = PlanSnapshot(
        state=state, entity_kind="municipio", today=date(2020, 6, 1), regime="d683_2020",
        d683_articles=frozenset({"art1", "art2"}),
        deadlines={key: dl(past) for key in ("consolidation", "ctp_presentation", "ctp_concept", "filing",
                                            "corporation_decision", "car_concept:CRQ",
                                            "sanction_after_rejection")}
        | {"executive_modifications": dl(far)},
        car_reviews={"CRQ": "concept_received"}, ctp_review_state="concept_issued",
        has_legal_review_note=True, has_evidence=True, car_wait_justified=False, corporation_voted_down=True,
        hearings=("held",), concept=ConceptContent("favorable_con_recomendaciones", (REC.text,)),
        recommendations=(REC,), answers={REC.key: Answer("aceptada", "Se incluye en el eje 2.")},
        debates=DEBATES_FOR.get(trigger, DEBATED_2020), in_force_on=date(2020, 5, 20), posesion_on=past,
        sanction=SANCTION_FOR.get(trigger, SanctionRecord(grounds=frozenset({"ilegalidad"}))), objection_grounds=frozenset({"ilegalidad"}),
        article_count=12, governor_review="ajustado",
        approved_on=date(2020, 5, 15),
    )
    if trigger == "publish_ponencia":  # L2200 art. 102: an ordenanza's step (issue 20)
        base = replace(base, entity_kind="departamento", act_on=date(2024, 6, 1))
    if trigger == "publish_objected_project":  # L2200 art. 100 inc. 4: an ordenanza's step, while owed
        base = replace(base, entity_kind="departamento", approved_on=date(2024, 5, 15), act_on=date(2024, 6, 1),
                       deadlines={**base.deadlines, "objected_publication": dl(far)})
    if trigger == "record_insistence_receipt":  # L2200 art. 101: an ordenanza's 48 hours from the receipt
        base = replace(base, entity_kind="departamento", approved_on=date(2024, 5, 15), act_on=date(2024, 6, 1))
    if trigger == "record_third_debate":  # D1222 art. 75: an ordenanza approved before 8 February 2022
        base = replace(base, entity_kind="departamento", act_on=date(2020, 5, 12))
    if trigger == "sanction_by_president" and state == "sanction_pending":  # L2200 art. 100 inc. 3: an ordenanza
        base = replace(base, entity_kind="departamento", approved_on=date(2024, 5, 15), act_on=date(2024, 6, 1),
                       deadlines={**base.deadlines, "objection_term": dl(past)})
    return replace(base, **changes)


def restrictive(state: str) -> PlanSnapshot:
    """A snapshot in which every guard of the table fails."""
    today = date(2024, 3, 10)
    return PlanSnapshot(
        state=state, entity_kind="municipio", today=today, regime="ordinary",
        deadlines={"ctp_concept": dl(date(2024, 3, 28)), "corporation_decision": dl(date(2024, 5, 31)),
                   "filing": dl(date(2024, 1, 31)), "car_concept:CRQ": dl(date(2024, 3, 21))},
        car_reviews={"CRQ": "copy_sent"}, ctp_review_state="presented",
        amendments=(AmendmentSnapshot("M1", "proposed", ("Concejal A",)),),
        has_legal_review_note=False, has_evidence=False, corporation_voted_down=False,
        recommendations=(REC,), debates=DebateRecord((date(2024, 3, 9),), date(2024, 3, 9)),
    )


# -------------------------------------------------------------------------------------------------------------
# The table
# -------------------------------------------------------------------------------------------------------------

def test_table_has_exactly_the_transitions_of_the_legal_path():
    rows = {(s, t.trigger): (t.dest_from(s), set(t.roles)) for t in PDT_MACHINE.transitions for s in t.sources}
    assert rows == EXPECTED


def expected_verdict(state: str, trigger: str, role: Role) -> str:
    """What the legal path says about one (state, trigger, role): a dest, or a refusal code."""
    expected = EXPECTED.get((state, trigger))
    if expected is None:
        return "wrong_state"
    return expected[0] if role in expected[1] else "role_not_allowed"


@pytest.mark.parametrize("state", list(PDT_STATES))
def test_every_state_trigger_role_is_allowed_only_where_the_table_says(state):
    mismatches = []
    for trigger in TRIGGERS:
        snapshot = permissive(state, trigger)
        for role in Role:
            expected = expected_verdict(state, trigger, role)
            try:
                outcome = PDT_MACHINE.fire(snapshot, trigger, role)
            except TransitionRefused as refused:
                got = refused.code
                assert refused.reason and SPANISH.search(refused.reason), refused
                assert (refused.trigger, refused.state, refused.role) == (trigger, state, role)
            else:
                got = outcome.dest
                assert (outcome.source, outcome.trigger) == (state, trigger) and outcome.legal_basis
            if got != expected:
                mismatches.append((trigger, role.value, expected, got))
    assert mismatches == []


@pytest.mark.parametrize("state,trigger", sorted(EXPECTED))
def test_every_guarded_act_is_refused_with_its_reason_when_its_guard_fails(state, trigger):
    row = PDT_MACHINE.row(state, trigger)
    role = sorted(row.roles)[0]
    if not row.guards:
        assert PDT_MACHINE.fire(restrictive(state), trigger, role).dest == EXPECTED[(state, trigger)][0]
        return
    with pytest.raises(TransitionRefused) as refused:
        PDT_MACHINE.fire(restrictive(state), trigger, role)
    assert refused.value.code == "guard_failed"
    assert SPANISH.search(refused.value.reason)
    assert re.search(r"(L152|D1865|D683|L136|L2200|L1909|CPACA|L4-1913|CE-2127|TAB)", refused.value.legal_basis)


def test_unknown_trigger_is_refused_with_its_own_code():
    with pytest.raises(TransitionRefused) as refused:
        PDT_MACHINE.fire(permissive("in_debate"), "to_in_force", E)
    assert refused.value.code == "unknown_trigger"
    assert refused.value.reason


def test_pytransitions_shortcuts_do_not_exist():
    assert not hasattr(PDT_MACHINE._machine, "to_in_force")
    assert "to_in_force" not in PDT_MACHINE._machine.events


def test_role_is_checked_before_guards():
    with pytest.raises(TransitionRefused) as refused:
        PDT_MACHINE.fire(restrictive("adjusting"), "file_with_corporacion", C)
    assert refused.value.code == "role_not_allowed"


def test_unknown_role_string_is_denied():
    with pytest.raises(TransitionRefused) as refused:
        PDT_MACHINE.fire(permissive("elected"), "take_office", "alcalde")
    assert refused.value.code == "role_not_allowed"


def test_role_value_strings_are_accepted():
    assert PDT_MACHINE.fire(permissive("elected"), "take_office", "ejecutivo").dest == "in_office"


def test_advisers_admins_and_team_members_never_fire_legal_transitions():
    for machine in [PDT_MACHINE, *SUBMACHINES.values()]:
        for t in machine.transitions:
            assert not t.roles & {Role.ASESOR, Role.ADMIN, Role.EQUIPO}, (machine.name, t.trigger)


def test_sistema_fires_only_automatic_legal_effects():
    automatic = {("pdt_approval", "deem_ctp_requirement_fulfilled"), ("pdt_approval", "enable_decree_adoption"),
                 ("pdt_approval", "enter_into_force"), ("pdt_approval", "presume_office"), ("car_review", "mark_car_overdue"),
                 ("ctp_review", "deem_fulfilled")}
    for machine in [PDT_MACHINE, *SUBMACHINES.values()]:
        for t in machine.transitions:
            if Role.SISTEMA in t.roles:
                assert (machine.name, t.trigger) in automatic
                assert t.roles == {Role.SISTEMA}, "an automatic effect is never also a person's act"


def test_every_guard_docstring_cites_its_norm():
    norm = re.compile(r"(L152|D1865|D683|L136|L1909|L2200|D1222|CPACA|L4-1913|CE-2127|TAB-[a-e])")
    for machine in [PDT_MACHINE, *SUBMACHINES.values()]:
        for t in machine.transitions:
            assert norm.search(t.legal_basis), (machine.name, t.trigger)
            for guard in t.guards:
                assert guard.__name__.startswith(("is_", "has_")), guard.__name__
                assert guard.__doc__ and norm.search(guard.__doc__), guard.__name__


def test_state_labels_are_spanish_phrases_for_every_state():
    assert set(STATE_LABELS) == set(PDT_STATES)
    assert STATE_LABELS["filed_with_corporacion"] == "Radicado en el concejo o asamblea"
    assert all(label and label[0].isupper() for label in STATE_LABELS.values())


def test_available_shows_disabled_acts_with_their_reason():
    snapshot = restrictive("adjusting")
    available = dict((t.trigger, v) for t, v in PDT_MACHINE.available(snapshot, E))
    assert set(available) == {"schedule_hearing", "convoke_sessions", "file_with_corporacion"}
    assert available["schedule_hearing"].ok
    assert not available["file_with_corporacion"].ok and "CTP" in available["file_with_corporacion"].reason
    assert [t.trigger for t in PDT_MACHINE.allowed(snapshot, E)] == ["schedule_hearing"]
    assert PDT_MACHINE.available(snapshot, Role.ASESOR) == []


def test_firing_does_not_modify_the_snapshot():
    snapshot = permissive("elected")
    PDT_MACHINE.fire(snapshot, "take_office", E)
    assert snapshot.state == "elected"


def test_snapshot_refuses_unknown_values():
    with pytest.raises(ValueError):
        PlanSnapshot(state="elected", entity_kind="distrito capital", today=date(2024, 1, 1))
    with pytest.raises(ValueError):
        PlanSnapshot(state="elected", entity_kind="municipio", today=date(2024, 1, 1), d683_articles={"art1"})
    with pytest.raises(ValueError):
        PlanSnapshot(state="elected", entity_kind="municipio", today=date(2020, 1, 1), regime="d683_2020",
                     d683_articles={"art3"})


# -------------------------------------------------------------------------------------------------------------
# Scenarios (2024 municipio: calendar-contract.md worked example 1)
# -------------------------------------------------------------------------------------------------------------

DEADLINES_2024 = {
    "consolidation": dl(date(2024, 3, 1), earliest=date(2024, 2, 29)),
    "ctp_presentation": dl(date(2024, 3, 1), earliest=date(2024, 2, 29)),
    "car_concept:CRQ": dl(date(2024, 3, 21)),
    "ctp_concept": dl(date(2024, 4, 1), earliest=date(2024, 3, 28), act_by=date(2024, 3, 27)),
    "filing": dl(date(2024, 4, 30)),
    "corporation_decision": dl(date(2024, 5, 31), earliest=date(2024, 5, 30)),
}


#: Committee approved Wednesday 15 May 2024, plenary Monday 20 May 2024 (from 19 May: three full days between).
DEBATED_2024 = DebateRecord((date(2024, 5, 15),), date(2024, 5, 15), (date(2024, 5, 20),))


def plan_2024(state: str, today: date, **changes) -> PlanSnapshot:
    """A 2024 municipio with a favorable CTP concept on file, both debates held and published on 27 May 2024
    (what the acts before ``state`` would have left); ``changes`` override any of it."""
    base = dict(concept=ConceptContent("favorable"), debates=DEBATED_2024, in_force_on=date(2024, 5, 27))
    return PlanSnapshot(state=state, entity_kind="municipio", today=today, deadlines=DEADLINES_2024,
                        **(base | changes))


def refusal(snapshot: PlanSnapshot, trigger: str, role: Role) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as refused:
        PDT_MACHINE.fire(snapshot, trigger, role)
    return refused.value


def test_ctp_silence_cannot_be_deemed_fulfilled_the_day_before_overdue_from():
    refused = refusal(plan_2024("submitted_to_ctp", date(2024, 4, 1)), "deem_ctp_requirement_fulfilled", S)
    assert refused.code == "guard_failed"
    assert refused.legal_basis == "L152 art. 39 num. 6"
    assert "2 de abril de 2024" in refused.reason


def test_ctp_silence_is_deemed_fulfilled_on_overdue_from():
    outcome = PDT_MACHINE.fire(plan_2024("submitted_to_ctp", date(2024, 4, 2)), "deem_ctp_requirement_fulfilled", S)
    assert outcome.dest == "ctp_stage_closed"
    assert outcome.legal_basis == "L152 art. 39 num. 6"


def test_ctp_cannot_be_deemed_silent_without_a_presentation_date():
    snapshot = PlanSnapshot(state="submitted_to_ctp", entity_kind="municipio", today=date(2030, 1, 1))
    assert refusal(snapshot, "deem_ctp_requirement_fulfilled", S).code == "guard_failed"


def test_ctp_may_deliver_its_concept_any_day_of_its_month():
    outcome = PDT_MACHINE.fire(plan_2024("submitted_to_ctp", date(2024, 3, 5)), "record_ctp_concept", CTP)
    assert outcome.dest == "ctp_stage_closed"


def test_corporation_silence_enables_decree_adoption_only_from_overdue_from():
    refused = refusal(plan_2024("in_debate", date(2024, 5, 31)), "enable_decree_adoption", S)
    assert refused.code == "guard_failed" and refused.legal_basis.startswith("L152 art. 40")
    outcome = PDT_MACHINE.fire(plan_2024("in_debate", date(2024, 6, 1)), "enable_decree_adoption", S)
    assert outcome.dest == "decree_eligible"


def test_a_project_never_assigned_opens_the_decree_only_under_the_filing_reading(monkeypatch):
    """L152 art. 40 counts the month from the filing; legal-path.md T11 writes the power shift from ``in_debate``.
    Written behaviour: a project left ``filed_with_corporacion`` opens no decree. Under the reading of CE-1999 and
    CE-2127 (``DECREE_WHEN_NEVER_ASSIGNED``) the month's end opens it, and not a day before."""
    unassigned = plan_2024("filed_with_corporacion", date(2024, 6, 1))
    refused = refusal(unassigned, "enable_decree_adoption", S)
    assert refused.code == "wrong_state" and "Radicado en el concejo" not in refused.reason.split("Solo procede")[1]
    assert PDT_MACHINE.row("filed_with_corporacion", "enable_decree_adoption") is None

    monkeypatch.setattr(pdt, "DECREE_WHEN_NEVER_ASSIGNED", True)
    assert PDT_MACHINE.fire(unassigned, "enable_decree_adoption", S).dest == "decree_eligible"
    early = refusal(plan_2024("filed_with_corporacion", date(2024, 5, 31)), "enable_decree_adoption", S)
    assert early.code == "guard_failed" and early.legal_basis.startswith("L152 art. 40")
    assert refusal(unassigned, "enable_decree_adoption", C).code == "role_not_allowed"
    # The corporation's own acts from the filing are untouched.
    assert PDT_MACHINE.fire(unassigned, "assign_to_committee", C).dest == "in_debate"


def test_a_rule_for_a_source_must_name_one_of_the_rows_sources():
    from state_machines.core.machine import LegalMachine, Transition

    with pytest.raises(ValueError, match="rules for sources not listed"):
        LegalMachine("m", {"a": "A", "b": "B"}, "a", [Transition(
            trigger="go", source="a", dest="b", roles=frozenset({S}), guards=(), legal_basis="L152 art. 40",
            label="Ir", source_when=(("b", lambda: True),))], final_states={"b"})


def test_a_computed_destination_is_declared_drawn_and_chosen_by_its_predicate():
    """A row whose destination depends on what the act brings (a ruling's outcome): every destination is a declared
    state, each is drawn, and the first predicate that holds chooses it; none holding, the default."""
    from dataclasses import dataclass as _dataclass

    from state_machines.core.diagram import mermaid
    from state_machines.core.machine import LegalMachine, Transition

    @_dataclass(frozen=True)
    class Snap:
        state: str
        outcome: str = ""

    row = dict(trigger="rule", source="a", roles=frozenset({S}), guards=(), legal_basis="L136 art. 80", label="Fallar")
    m = LegalMachine("m", {"a": "A", "b": "B", "c": "C"}, "a", [Transition(
        dest="b", dest_when=(("c", lambda s: s.outcome == "fundadas"),), **row)], final_states={"b", "c"})
    assert m.fire(Snap("a", "fundadas"), "rule", S).dest == "c"
    assert m.fire(Snap("a", "infundadas"), "rule", S).dest == "b"
    assert "a --> b: Fallar" in mermaid(m) and "a --> c: Fallar" in mermaid(m)
    with pytest.raises(ValueError, match="unknown dest 'x'"):
        LegalMachine("m", {"a": "A", "b": "B"}, "a", [Transition(
            dest="b", dest_when=(("x", lambda s: True),), **row)], final_states={"b"})


def test_corporation_voting_down_the_plan_enables_decree_adoption_at_once():
    snapshot = plan_2024("in_debate", date(2024, 5, 10), corporation_voted_down=True)
    assert PDT_MACHINE.fire(snapshot, "vote_down", C).dest == "decree_eligible"
    assert refusal(plan_2024("in_debate", date(2024, 5, 10)), "vote_down", C).code == "guard_failed"


def test_executive_adopts_by_decree_only_from_decree_eligible():
    for state in ("in_debate", "approved_by_corporacion", "filed_with_corporacion", "sanction_pending"):
        assert refusal(plan_2024(state, date(2024, 6, 3)), "adopt_by_decree", E).code == "wrong_state"
    outcome = PDT_MACHINE.fire(plan_2024("decree_eligible", date(2024, 6, 3)), "adopt_by_decree", E)
    assert outcome.dest == "adopted_by_decree"
    assert "event:adopted" in outcome.effects and "start_piscc" not in outcome.effects


def test_concejo_cannot_approve_plan_with_amendment_approved_without_mayor_acceptance():
    amendments = (AmendmentSnapshot("M1", "approved", ("Concejal A",)),
                  AmendmentSnapshot("M2", "approved", ("Concejal B",)))
    snapshot = plan_2024("in_debate", date(2024, 5, 20), amendments=amendments, has_acceptance_for={"M1"})
    refused = refusal(snapshot, "approve_plan", C)
    assert refused.code == "guard_failed" and refused.legal_basis == "L152 art. 40"
    assert "M2" in refused.reason and "M1" not in refused.reason
    accepted = replace(snapshot, has_acceptance_for=frozenset({"M1", "M2"}))
    assert PDT_MACHINE.fire(accepted, "approve_plan", C).dest == "approved_by_corporacion"


def test_plan_is_not_approved_while_an_amendment_awaits_decision():
    snapshot = plan_2024("in_debate", date(2024, 5, 20),
                         amendments=(AmendmentSnapshot("M3", "accepted_by_executive", ("Concejal A",)),))
    assert "M3" in refusal(snapshot, "approve_plan", C).reason
    settled = replace(snapshot, amendments=(AmendmentSnapshot("M3", "refused_by_executive", ("Concejal A",)),))
    assert PDT_MACHINE.fire(settled, "approve_plan", C).dest == "approved_by_corporacion"


def test_approval_after_the_corporation_month_is_flagged_not_blocked():
    outcome = PDT_MACHINE.fire(plan_2024("in_debate", date(2024, 6, 1)), "approve_plan", C)
    assert "flag:late_corporation_decision" in outcome.effects
    outcome = PDT_MACHINE.fire(plan_2024("in_debate", date(2024, 5, 31)), "approve_plan", C)
    assert "flag:late_corporation_decision" not in outcome.effects


def test_filing_before_the_ctp_stage_closed_is_refused():
    refused = refusal(plan_2024("submitted_to_ctp", date(2024, 3, 15)), "file_with_corporacion", E)
    assert refused.code == "wrong_state"
    assert "Presentado al CTP" in refused.reason
    still_open = plan_2024("adjusting", date(2024, 3, 15), ctp_review_state="presented")
    refused = refusal(still_open, "file_with_corporacion", E)
    assert refused.code == "guard_failed" and refused.legal_basis.startswith("L152 art. 39 num. 6")


def test_filing_inside_the_four_months_needs_no_legal_review_note():
    outcome = PDT_MACHINE.fire(plan_2024("adjusting", date(2024, 4, 30), hearings=("held",)),
                               "file_with_corporacion", E)
    assert outcome.dest == "filed_with_corporacion"
    assert outcome.effects == ("freeze_filed_ppi", "event:filed_with_corporacion")


def test_late_filing_needs_a_legal_review_note_and_is_flagged():
    refused = refusal(plan_2024("adjusting", date(2024, 5, 1)), "file_with_corporacion", E)
    assert refused.code == "guard_failed" and refused.legal_basis == "L152 art. 40"
    assert "revisión jurídica" in refused.reason
    outcome = PDT_MACHINE.fire(plan_2024("adjusting", date(2024, 5, 1), has_legal_review_note=True),
                               "file_with_corporacion", E)
    assert "flag:late_filing" in outcome.effects


def test_filing_dated_inside_the_four_months_and_recorded_later_is_not_late():
    """QA, 7 December 2026: filed on 28 April, typed on 26 May, it was refused and then flagged late in public."""
    recorded_later = plan_2024("adjusting", date(2024, 5, 26), act_on=date(2024, 4, 30), hearings=("held",))
    outcome = PDT_MACHINE.fire(recorded_later, "file_with_corporacion", E)
    assert outcome.effects == ("freeze_filed_ppi", "event:filed_with_corporacion")
    dated_late = plan_2024("adjusting", date(2024, 5, 26), act_on=date(2024, 5, 1), hearings=("held",))
    assert "revisión jurídica" in refusal(dated_late, "file_with_corporacion", E).reason


def test_filing_without_any_held_hearing_is_flagged_not_blocked():
    outcome = PDT_MACHINE.fire(plan_2024("adjusting", date(2024, 4, 2), hearings=("cancelled",)),
                               "file_with_corporacion", E)
    assert "flag:no_hearing_held" in outcome.effects


def test_submitting_to_consejo_de_gobierno_starts_car_reviews_and_ctp_formation():
    outcome = PDT_MACHINE.fire(plan_2024("drafting", date(2024, 2, 1)), "submit_to_consejo_de_gobierno", P)
    assert outcome.effects == ("start_car_reviews", "start_ctp_formation")


def test_late_consolidation_and_ctp_submission_are_flagged_from_overdue_from():
    on_time = PDT_MACHINE.fire(plan_2024("submitted_to_consejo_de_gobierno", date(2024, 3, 1)), "consolidate", E)
    assert on_time.effects == ("event:consolidated",)
    late = PDT_MACHINE.fire(plan_2024("submitted_to_consejo_de_gobierno", date(2024, 3, 2)), "consolidate", E)
    assert late.effects == ("event:consolidated", "flag:late_consolidation")
    late = PDT_MACHINE.fire(plan_2024("consolidated", date(2024, 3, 2)), "submit_to_ctp", E)
    assert "flag:late_ctp_submission" in late.effects and "start_ctp_review" in late.effects



def test_an_act_dated_inside_its_term_and_recorded_later_is_not_flagged_late():
    """The act's date decides (L4-1913 art. 62; D1865 art. 3 num. 3): a consolidation dated 1 March 2024, the
    presentation to the CTP dated then and an approval dated 31 May, typed days later, are on time (QA, 7 December
    2026: all three were flagged by the day of typing)."""
    typed_late = plan_2024("submitted_to_consejo_de_gobierno", date(2024, 3, 20))
    on_time = PDT_MACHINE.fire(replace(typed_late, act_on=date(2024, 3, 1)), "consolidate", E)
    assert on_time.effects == ("event:consolidated",)
    late = PDT_MACHINE.fire(replace(typed_late, act_on=date(2024, 3, 2)), "consolidate", E)
    assert "flag:late_consolidation" in late.effects
    ctp = PDT_MACHINE.fire(replace(plan_2024("consolidated", date(2024, 3, 20)), act_on=date(2024, 3, 1)),
                           "submit_to_ctp", E)
    assert "flag:late_ctp_submission" not in ctp.effects
    approval = PDT_MACHINE.fire(replace(plan_2024("in_debate", date(2024, 6, 10)), act_on=date(2024, 5, 31)),
                                "approve_plan", C)
    assert "flag:late_corporation_decision" not in approval.effects

def test_the_system_records_the_posesion_on_its_day_never_before():
    """AL02 art. 1; L152 art. 39: on the period's first day (or the entity's own posesión date) the system records
    the posesión; the day before it is refused, and only the system may do it."""
    snapshot = plan_2024("elected", date(2024, 1, 9), posesion_on=date(2024, 1, 10), has_evidence=False)
    assert "10 de enero de 2024" in refusal(snapshot, "presume_office", S).reason
    moved = PDT_MACHINE.fire(replace(snapshot, today=date(2024, 1, 10)), "presume_office", S)
    assert moved.dest == "in_office"
    assert refusal(replace(snapshot, today=date(2024, 1, 10)), "presume_office", E).code != "guard_failed"
    assert "no se conoce" in refusal(replace(snapshot, posesion_on=None), "presume_office", S).reason.lower()


def test_acts_requiring_evidence_are_refused_without_it():
    refused = refusal(plan_2024("elected", date(2024, 1, 1), has_evidence=False), "take_office", E)
    assert refused.code == "guard_failed" and "acta de posesión" in refused.reason


def test_objected_plan_returns_to_sanction_when_the_corporation_accepts_the_objections():
    snapshot = plan_2024("sanction_pending", date(2024, 6, 5), objection_grounds=frozenset({"inconveniencia"}),
                         article_count=30)
    assert PDT_MACHINE.fire(snapshot, "object", E).dest == "objected"
    assert PDT_MACHINE.fire(replace(snapshot, state="objected"), "accept_objections", C).dest == "sanction_pending"
    assert refusal(replace(snapshot, state="objected"), "sanction", E).code == "wrong_state"


def test_entering_into_force_no_longer_carries_the_copy_to_the_governor():
    """L136 art. 82: the copy is due within 5 days of the sanction, an act of its own (issue 20)."""
    muni = PDT_MACHINE.fire(plan_2024("published", date(2024, 6, 20)), "enter_into_force", S)
    assert muni.effects == ("start_phase2",)  # phase-ii.md §1.2: Phase II opens at T16
    dept = replace(plan_2024("published", date(2024, 6, 20)), entity_kind="departamento")
    assert PDT_MACHINE.fire(dept, "enter_into_force", S).effects == ("start_phase2",)


def test_full_ordinary_route_2024_reaches_in_force():
    steps = [
        ("take_office", E, date(2024, 1, 1)), ("start_drafting", P, date(2024, 1, 5)),
        ("submit_to_consejo_de_gobierno", P, date(2024, 2, 1)), ("consolidate", E, date(2024, 2, 28)),
        ("submit_to_ctp", E, date(2024, 2, 29)), ("deem_ctp_requirement_fulfilled", S, date(2024, 4, 2)),
        ("consider_concepts", P, date(2024, 4, 3)), ("schedule_hearing", P, date(2024, 4, 4)),
        ("file_with_corporacion", E, date(2024, 4, 30)), ("assign_to_committee", C, date(2024, 5, 2)),
        ("propose_amendment", C, date(2024, 5, 10)), ("record_committee_debate", C, date(2024, 5, 15)),
        ("record_plenary_debate", C, date(2024, 5, 20)), ("approve_plan", C, date(2024, 5, 20)),
        ("send_for_sanction", C, date(2024, 5, 22)), ("sanction", E, date(2024, 5, 24)),
        ("publish", E, date(2024, 5, 27)), ("enter_into_force", S, date(2024, 5, 27)),
    ]
    state = "elected"
    events = []
    debates = DebateRecord()  # what the service's ``debate:*`` effects would record
    for trigger, role, today in steps:
        snapshot = plan_2024(state, today, car_reviews={"CRQ": "concept_received"}, debates=debates,
                             article_count=24 if trigger == "send_for_sanction" else None)  # the remission's size
        outcome = PDT_MACHINE.fire(snapshot, trigger, role)
        events += [e for e in outcome.effects if e.startswith("event:")]
        if "debate:committee" in outcome.effects:
            debates = DebateRecord((today,), today)
        if "debate:plenary" in outcome.effects:
            debates = replace(debates, plenary_sessions=(today,))
        state = outcome.dest
    assert state == "in_force"
    assert events == ["event:team_formed", "event:consolidated", "event:submitted_to_ctp_and_car",
                      "event:concepts_considered", "event:filed_with_corporacion", "event:committee_debate",
                      "event:plenary_debate", "event:adopted", "event:published"]


# -------------------------------------------------------------------------------------------------------------
# Departamento with two CARs (T6 waits for the one still inside its 15 business days)
# -------------------------------------------------------------------------------------------------------------

def test_departamento_with_two_cars_waits_only_for_the_one_inside_its_term():
    deadlines = DEADLINES_2024 | {"car_concept:CAR1": dl(date(2024, 3, 21)),
                                  "car_concept:CAR2": dl(date(2024, 4, 8))}
    snapshot = PlanSnapshot(state="ctp_stage_closed", entity_kind="departamento", today=date(2024, 4, 2),
                            deadlines=deadlines, car_reviews={"CAR1": "copy_sent", "CAR2": "copy_sent"})
    refused = refusal(snapshot, "consider_concepts", P)
    assert refused.code == "guard_failed" and refused.legal_basis.startswith("D1865 art. 3")
    assert "CAR2" in refused.reason and "CAR1" not in refused.reason
    assert PDT_MACHINE.fire(replace(snapshot, car_reviews={"CAR1": "copy_sent", "CAR2": "concept_received"}),
                            "consider_concepts", P).dest == "adjusting"
    assert PDT_MACHINE.fire(replace(snapshot, today=date(2024, 4, 9)), "consider_concepts", P).dest == "adjusting"
    assert PDT_MACHINE.fire(replace(snapshot, car_wait_justified=True), "consider_concepts", P).dest == "adjusting"


def test_car_without_receipt_date_counts_as_still_inside_its_term():
    snapshot = plan_2024("ctp_stage_closed", date(2024, 4, 2), car_reviews={"CORANTIOQUIA": "copy_sent"})
    assert "CORANTIOQUIA" in refusal(snapshot, "consider_concepts", E).reason


# -------------------------------------------------------------------------------------------------------------
# Decreto 683 de 2020
# -------------------------------------------------------------------------------------------------------------

DEADLINES_2020_ART1 = {
    "consolidation": dl(date(2020, 3, 2), earliest=date(2020, 2, 29)),
    "ctp_concept": dl(date(2020, 3, 30), earliest=date(2020, 3, 27)),
    "filing": dl(date(2020, 6, 15)),
    "corporation_decision": dl(date(2020, 7, 15)),
}


def d683(state: str, today: date, articles=("art1",), deadlines=None, **changes) -> PlanSnapshot:
    changes.setdefault("debates", DebateRecord((date(2020, 7, 1),), date(2020, 7, 1), (date(2020, 7, 3),)))
    return PlanSnapshot(state=state, entity_kind="departamento", today=today, regime="d683_2020",
                        d683_articles=frozenset(articles), deadlines=deadlines or DEADLINES_2020_ART1, **changes)


def test_d683_art1_allows_filing_until_15_june_2020_without_legal_review_note():
    outcome = PDT_MACHINE.fire(d683("adjusting", date(2020, 6, 12), hearings=("held",)), "file_with_corporacion", E)
    assert outcome.effects == ("freeze_filed_ppi", "event:filed_with_corporacion")
    assert PDT_MACHINE.fire(d683("adjusting", date(2020, 6, 15)), "file_with_corporacion", E).dest == \
        "filed_with_corporacion"


def test_d683_art1_filing_after_15_june_2020_needs_legal_review_note():
    refused = refusal(d683("adjusting", date(2020, 6, 16)), "file_with_corporacion", E)
    assert refused.code == "guard_failed" and refused.legal_basis.startswith("D683 art. 1")
    assert "15 de junio de 2020" in refused.reason


def test_ordinary_2020_plan_filed_in_may_needs_legal_review_note():
    ordinary = PlanSnapshot(state="adjusting", entity_kind="municipio", today=date(2020, 5, 20),
                            deadlines={"filing": dl(date(2020, 4, 30))})
    assert refusal(ordinary, "file_with_corporacion", E).legal_basis == "L152 art. 40"


def test_d683_art3_decree_adoption_only_from_16_july_2020_and_art4_starts_piscc():
    refused = refusal(d683("in_debate", date(2020, 7, 15)), "enable_decree_adoption", S)
    assert refused.code == "guard_failed" and refused.legal_basis.startswith("D683 art. 3")
    assert PDT_MACHINE.fire(d683("in_debate", date(2020, 7, 16)), "enable_decree_adoption", S).dest == \
        "decree_eligible"
    outcome = PDT_MACHINE.fire(d683("decree_eligible", date(2020, 7, 17)), "adopt_by_decree", E)
    assert outcome.effects == ("freeze_adopted_ppi", "event:adopted", "start_piscc")
    # D1222 art. 75: an ordenanza of 2020 is approved in three debates, on three different days
    three = DebateRecord((date(2020, 7, 1),), date(2020, 7, 1), (date(2020, 7, 3),), third_sessions=(date(2020, 7, 6),))
    approved = PDT_MACHINE.fire(d683("in_debate", date(2020, 7, 10), debates=three), "approve_plan", C)
    assert "start_piscc" in approved.effects


ART2_DEADLINES = {
    "filing": dl(date(2020, 4, 30)),
    "executive_modifications": dl(date(2020, 6, 15)),
    "corporation_decision": dl(date(2020, 7, 15)),
}


def test_d683_art2_executive_may_modify_the_filed_plan_until_15_june_2020():
    snapshot = d683("in_debate", date(2020, 6, 15), articles=("art2",), deadlines=ART2_DEADLINES)
    outcome = PDT_MACHINE.fire(snapshot, "modify_by_executive", E)
    assert (outcome.source, outcome.dest, outcome.effects) == ("in_debate", "in_debate", ("publish_modification",))
    assert outcome.legal_basis == "D683 art. 2"
    assert PDT_MACHINE.fire(replace(snapshot, state="filed_with_corporacion"), "modify_by_executive", E).dest == \
        "filed_with_corporacion"


def test_d683_art2_executive_modification_refused_after_15_june_2020():
    snapshot = d683("in_debate", date(2020, 6, 16), articles=("art2",), deadlines=ART2_DEADLINES)
    refused = refusal(snapshot, "modify_by_executive", E)
    assert refused.code == "guard_failed" and refused.legal_basis == "D683 art. 2"


def test_executive_modification_refused_for_plans_without_d683_art2():
    art1_only = d683("in_debate", date(2020, 6, 1), articles=("art1",), deadlines=ART2_DEADLINES)
    assert refusal(art1_only, "modify_by_executive", E).code == "guard_failed"
    ordinary = PlanSnapshot(state="in_debate", entity_kind="municipio", today=date(2020, 6, 1),
                            deadlines=ART2_DEADLINES)
    assert refusal(ordinary, "modify_by_executive", E).legal_basis == "D683 art. 2"
    art2 = d683("in_debate", date(2020, 6, 1), articles=("art2",), deadlines=ART2_DEADLINES)
    assert refusal(art2, "modify_by_executive", C).code == "role_not_allowed"


# -------------------------------------------------------------------------------------------------------------
# Diagram generated from the table
# -------------------------------------------------------------------------------------------------------------

def test_mermaid_diagram_is_generated_from_the_table_with_every_state_and_edge():
    text = mermaid(PDT_MACHINE)
    assert text.startswith("stateDiagram-v2\n")
    for state, label in PDT_STATES.items():
        assert f'state "{label}" as {state}' in text
    for t in PDT_MACHINE.transitions:
        for source in t.sources:
            assert f"    {source} --> {t.dest_from(source)}: {t.label}" in text
    assert "[*] --> elected" in text and "in_force --> [*]" in text
    assert "class " + "in_debate" not in text


def test_mermaid_highlights_the_current_state():
    text = mermaid(PDT_MACHINE, current="in_debate", show_roles=True)
    assert "classDef current" in text
    assert text.rstrip().endswith("class in_debate current")
    assert "[corporación]" in text
    with pytest.raises(ValueError):
        mermaid(PDT_MACHINE, current="nowhere")


@pytest.mark.parametrize("name", sorted(SUBMACHINES))
def test_every_submachine_has_a_generated_diagram(name):
    machine = SUBMACHINES[name]
    text = mermaid(machine, current=machine.initial)
    assert f"[*] --> {machine.initial}" in text and f"class {machine.initial} current" in text
    assert all(f" as {s}" in text for s in machine.states)


def test_every_milestone_event_emitted_is_a_hito_of_the_dnp_table():
    import csv
    from pathlib import Path

    hitos = Path(__file__).resolve().parents[2] / "workflow_app" / "reference_data" / "hitos.csv"
    with hitos.open(encoding="utf-8") as f:
        known = {row["source_of_truth"] for row in csv.DictReader(f) if row["source_of_truth"].startswith("event:")}
    emitted = {e for m in [PDT_MACHINE, *SUBMACHINES.values()] for e in m.initial_effects if e.startswith("event:")}
    emitted |= {e for m in [PDT_MACHINE, *SUBMACHINES.values()] for t in m.transitions for e in t.effects
                if e.startswith("event:")}
    assert emitted <= known, emitted - known
    # Hito 2 (leader account) is an account act, not a legal one: every other legal hito has its transition.
    assert known - emitted == {"event:leader_account_enabled"}


# -------------------------------------------------------------------------------------------------------------
# Debates as the law orders them (L136 art. 73; L2200 art. 97), concepts, answers, vigencia (issue 13)
# -------------------------------------------------------------------------------------------------------------

def in_debate(today: date, debates: DebateRecord, **changes) -> PlanSnapshot:
    return plan_2024("in_debate", today, debates=debates, **changes)


def test_approval_without_both_debates_is_refused_with_its_reason_and_norm():
    for debates, missing in ((DebateRecord(), "primer debate"),
                             (DebateRecord((date(2024, 5, 15),)), "primer debate"),
                             (DebateRecord((date(2024, 5, 15),), date(2024, 5, 15)), "segundo debate")):
        refused = refusal(in_debate(date(2024, 5, 21), debates), "approve_plan", C)
        assert refused.code == "guard_failed" and missing in refused.reason
        assert "L136 art. 73" in refused.legal_basis and "L152 art. 40" in refused.legal_basis
    assert PDT_MACHINE.fire(in_debate(date(2024, 5, 21), DEBATED_2024), "approve_plan", C).dest == \
        "approved_by_corporacion"


def test_a_second_committee_debate_is_refused_and_a_continuation_is_offered_instead():
    opened = DebateRecord((date(2024, 5, 14),))
    refused = refusal(in_debate(date(2024, 5, 15), opened), "record_committee_debate", C)
    assert refused.code == "guard_failed" and "continuación" in refused.reason and refused.legal_basis == "L136 art. 73"
    outcome = PDT_MACHINE.fire(in_debate(date(2024, 5, 15), opened), "continue_committee_debate", C)
    assert outcome.dest == "in_debate" and outcome.effects == ("debate:committee_continued",)
    approved = DebateRecord((date(2024, 5, 14), date(2024, 5, 15)), date(2024, 5, 15))
    assert "ya aprobó" in refusal(in_debate(date(2024, 5, 16), approved), "continue_committee_debate", C).reason
    assert "continuación" in refusal(in_debate(date(2024, 5, 21), DEBATED_2024), "record_plenary_debate", C).reason


def test_municipal_plenary_two_days_after_the_committee_approval_is_refused():
    approved = DebateRecord((date(2024, 5, 23),), date(2024, 5, 23))  # Thursday 23 May 2024 (legal notes, §2)
    for day in (date(2024, 5, 23), date(2024, 5, 25), date(2024, 5, 26)):
        refused = refusal(in_debate(day, approved), "record_plenary_debate", C)
        assert refused.code == "guard_failed" and "27 de mayo de 2024" in refused.reason
        assert refused.legal_basis == "L136 art. 73; TAB-3d"
    assert PDT_MACHINE.fire(in_debate(date(2024, 5, 27), approved), "record_plenary_debate", C).effects == \
        ("debate:plenary", "event:plenary_debate")
    # The act's own date counts, not the day it is typed in.
    late_entry = in_debate(date(2024, 6, 3), approved, act_on=date(2024, 5, 24))
    assert refusal(late_entry, "record_plenary_debate", C).code == "guard_failed"


def test_plenary_before_the_committee_approved_is_refused():
    refused = refusal(in_debate(date(2024, 5, 27), DebateRecord((date(2024, 5, 15),))), "record_plenary_debate", C)
    assert "después de que la comisión apruebe" in refused.reason


def test_departmental_debates_only_need_different_days_per_ley_2200():
    approved = DebateRecord((date(2028, 5, 10),), date(2028, 5, 10), ponencia_plenary_on=date(2028, 5, 10))
    dept = replace(in_debate(date(2028, 5, 10), approved), entity_kind="departamento")
    refused = refusal(dept, "record_plenary_debate", C)
    assert refused.legal_basis == "L2200 art. 97" and "distintos días" in refused.reason
    assert PDT_MACHINE.fire(replace(dept, today=date(2028, 5, 11)), "record_plenary_debate", C).dest == "in_debate"


def test_ctp_concept_without_its_content_is_refused():
    snapshot = plan_2024("submitted_to_ctp", date(2024, 3, 5))
    for concept, words in ((None, "sentido"), (ConceptContent("tibio"), "sentido"),
                           (ConceptContent("favorable_con_recomendaciones"), "al menos una recomendación"),
                           (ConceptContent("parcial", ("Revisar el eje 2",)), "qué partes")):
        refused = refusal(replace(snapshot, concept=concept), "record_ctp_concept", CTP)
        assert words in refused.reason and refused.legal_basis == "L152 art. 39 num. 6"
    partial = replace(snapshot, concept=ConceptContent("parcial", (), ("Eje 1: agua potable",)))
    assert PDT_MACHINE.fire(partial, "record_ctp_concept", CTP).dest == "ctp_stage_closed"


def test_considering_the_concepts_needs_an_answer_with_reason_for_every_recommendation():
    recs = (REC, RecommendationRef("CTP", 2, "Priorizar vías terciarias"), RecommendationRef("CRQ", 1, "Cuenca"))
    base = plan_2024("ctp_stage_closed", date(2024, 4, 3), recommendations=recs,
                     car_reviews={"CRQ": "concept_received"})
    one = {REC.key: Answer("aceptada", "Meta incluida")}
    refused = refusal(replace(base, answers=one), "consider_concepts", P)
    assert "CTP-2, CRQ-1" in refused.reason and refused.legal_basis == "D1865 art. 3 num. 4; L152 art. 39 num. 6"
    all_three = one | {"CTP-2": Answer("parcialmente", "Por costo"), "CRQ-1": Answer("no_aceptada", "  ")}
    assert "razón" in refusal(replace(base, answers=all_three), "consider_concepts", P).reason
    all_three["CRQ-1"] = Answer("no_aceptada", "Fuera de la jurisdicción del municipio")
    assert PDT_MACHINE.fire(replace(base, answers=all_three), "consider_concepts", P).effects[0] == "record_answers"


def test_enter_into_force_is_refused_before_the_day_the_act_binds():
    refused = refusal(plan_2024("published", date(2024, 5, 27), in_force_on=date(2024, 5, 28)), "enter_into_force", S)
    assert refused.code == "guard_failed" and "28 de mayo de 2024" in refused.reason
    assert "CPACA art. 65" in refused.legal_basis
    assert refusal(plan_2024("published", date(2024, 5, 27), in_force_on=None), "enter_into_force", S).code == \
        "guard_failed"


def test_ppi_edit_after_filing_is_refused_unless_an_approved_amendment_brings_it():
    from state_machines.approval.pdt import ppi_change_verdict
    assert ppi_change_verdict("adjusting").ok
    refused = ppi_change_verdict("in_debate")
    assert not refused.ok and "congelado" in refused.reason and refused.legal_basis == "L152 art. 40"
    assert not ppi_change_verdict("in_debate", "accepted_by_executive", "1").ok
    assert ppi_change_verdict("in_debate", "approved", "1").ok
    adopted = ppi_change_verdict("published", "approved", "1")
    assert not adopted.ok and "L152 arts. 40, 45" == adopted.legal_basis


def test_a_hearing_of_an_adopted_plan_takes_no_new_proposals():
    from state_machines.approval.pdt import PDT_STATES, hearing_proposals_verdict
    for state in PDT_STATES:
        verdict = hearing_proposals_verdict(state)
        adopted = state in {"approved_by_corporacion", "adopted_by_decree", "sanction_pending", "objected",
                            "sanction_due", "illegality_insisted", "before_tribunal",
                            "tribunal_reconsideration", "archived",
                            "sanctioned", "published", "in_force"}
        assert verdict.ok is not adopted, state
        if adopted:
            assert "adoptado" in verdict.reason and verdict.legal_basis == "L1909 art. 22"


def test_an_ordenanza_debate_waits_for_the_published_ponencia_from_8_february_2022():
    """L2200 art. 102: "no se podrá dar el debate respectivo" until the project and the ponencia are published;
    a 2020 ordenanza (Decreto 1222 then) and an acuerdo are not asked for it."""
    dept = replace(in_debate(date(2028, 5, 10), DebateRecord()), entity_kind="departamento")
    refused = refusal(dept, "record_committee_debate", C)
    assert refused.legal_basis == "L2200 art. 102" and "ponencia" in refused.reason
    published = replace(dept, debates=DebateRecord(ponencia_committee_on=date(2028, 5, 10)))
    assert PDT_MACHINE.fire(published, "record_committee_debate", C).dest == "in_debate"
    after = replace(dept, debates=DebateRecord(ponencia_committee_on=date(2028, 5, 11)))
    assert refusal(after, "record_committee_debate", C).legal_basis == "L2200 art. 102"
    before_l2200 = replace(dept, today=date(2022, 2, 7))
    assert PDT_MACHINE.fire(before_l2200, "record_committee_debate", C).dest == "in_debate"
    assert PDT_MACHINE.fire(replace(dept, today=date(2022, 2, 8), debates=DebateRecord(
        ponencia_committee_on=date(2022, 2, 8))), "record_committee_debate", C).dest == "in_debate"
    assert refusal(replace(dept, today=date(2022, 2, 8)), "record_committee_debate", C).legal_basis == \
        "L2200 art. 102"
    muni = replace(dept, entity_kind="municipio")
    assert PDT_MACHINE.fire(muni, "record_committee_debate", C).dest == "in_debate"
    assert refusal(muni, "publish_ponencia", C).legal_basis == "L2200 art. 102"


def test_the_remission_for_sanction_states_the_projects_size_where_the_term_depends_on_it():
    """L136 art. 78: 5, 10 or 20 days to object by the number of articles, counted from the remission: without
    the count the term had no date (no notice, no reminder, no consequence of silence). Bogotá's single term
    (DL1421 art. 23) needs none."""
    snapshot = plan_2024("approved_by_corporacion", date(2024, 5, 22), has_evidence=True)
    refused = refusal(snapshot, "send_for_sanction", C)
    assert refused.legal_basis == "L136 art. 78"
    assert "hasta 20 artículos: 5 días hábiles; de 21 a 50 artículos: 10 días hábiles" in refused.reason
    assert PDT_MACHINE.fire(replace(snapshot, article_count=24), "send_for_sanction", C).dest == "sanction_pending"


def test_the_president_who_sanctioned_publishes_and_nobody_else_does():
    """L136 art. 79; L2200 art. 100 inc. 3: «procederá a sancionarlo y publicarlo» (legal-path.md T14). After the
    Tribunal (DL1421 art. 25: «sancionará») and after the executive's own sanction, the executive publishes
    (QA, 7 December 2026: only the mayor could publish what the president sanctioned)."""
    base = replace(permissive("sanctioned", "publish_by_president"), has_evidence=True)
    assert PDT_MACHINE.fire(base, "publish_by_president", C).dest == "published"
    silence = replace(base, sanction=SanctionRecord(sanctioned_by="presidente", president_after="silencio"))
    assert PDT_MACHINE.fire(silence, "publish_by_president", C).dest == "published"
    own = refusal(replace(base, sanction=SanctionRecord(sanctioned_by="ejecutivo")), "publish_by_president", C)
    assert own.code == "guard_failed" and "L136 art. 81" in own.legal_basis
    tribunal = replace(base, sanction=SanctionRecord(sanctioned_by="presidente", president_after="tribunal"))
    assert refusal(tribunal, "publish_by_president", C).legal_basis == "DL1421 art. 25"
    assert PDT_MACHINE.fire(base, "publish", E).dest == "published"  # the executive may still publish



def test_the_committed_route_diagram_is_the_one_the_table_generates():
    """docs/ruta-pdt.mmd is «generated from the same table» (README): it had fallen 38 transitions behind. After
    changing the table, ``flask --app wsgi pdt diagram`` rewrites it."""
    from pathlib import Path

    committed = (Path(__file__).resolve().parents[2] / "docs" / "ruta-pdt.mmd").read_text(encoding="utf-8")
    assert committed == mermaid(PDT_MACHINE, show_roles=True)
