"""Sub-procedures: car_review, ctp_review, amendment, hearing, ctp_formation (legal-path.md §b.2-b.4)."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from state_machines.approval.concepts import ConceptContent
from state_machines.approval.submachines import (
    AMENDMENT_MACHINE,
    CAR_REVIEW_MACHINE,
    CTP_FORMATION_MACHINE,
    CTP_REVIEW_MACHINE,
    HEARING_MACHINE,
    SUBMACHINES,
    AmendmentSnapshot,
    CarReviewSnapshot,
    CtpFormationSnapshot,
    CtpReviewSnapshot,
    HearingSnapshot,
)
from state_machines.core.machine import Deadline, TransitionRefused
from state_machines.core.roles import Role

E, P, CTP, CAR, C, S = Role.EJECUTIVO, Role.PLANEACION, Role.CTP, Role.CAR, Role.CORPORACION, Role.SISTEMA
SPANISH = re.compile(r"\b(el|la|los|las|de|del|no|su|en|al)\b", re.IGNORECASE)
GUARDED = "guard_failed"  # listed in the law's table, but refused by a guard even on a permissive snapshot


def dl(latest: date) -> Deadline:
    return Deadline(earliest=latest, latest=latest, act_by=latest, overdue_from=latest + timedelta(days=1))


# Expected tables written from legal-path.md, independently of submachines.py: (state, trigger) -> (dest, roles).
EXPECTED = {
    "car_review": {
        ("copy_sent", "receive_concept"): ("concept_received", {CAR}),
        ("concept_overdue", "receive_concept"): ("concept_received", {CAR}),
        ("copy_sent", "mark_car_overdue"): ("concept_overdue", {S}),
        ("concept_received", "forward_to_ctp"): ("forwarded_to_ctp", {E, P}),
        ("forwarded_to_ctp", "forward_to_corporacion"): ("forwarded_to_corporacion", {CTP}),
    },
    "ctp_review": {
        ("presented", "issue_concept"): ("concept_issued", {CTP}),
        ("presented", "issue_partial_concept"): ("concept_issued", {CTP}),
        ("presented", "deem_fulfilled"): ("deemed_fulfilled", {S}),
    },
    "amendment": {
        ("proposed", "accept_in_writing"): ("accepted_by_executive", {E}),
        ("proposed", "refuse_in_writing"): ("refused_by_executive", {E}),
        ("proposed", "approve"): (GUARDED, {C}),
        ("accepted_by_executive", "approve"): ("approved", {C}),
        ("refused_by_executive", "approve"): (GUARDED, {C}),
        ("proposed", "reject"): ("rejected", {C}),
        ("accepted_by_executive", "reject"): ("rejected", {C}),
        ("refused_by_executive", "reject"): ("rejected", {C}),
    },
    "hearing": {
        ("scheduled", "hold"): ("held", {E, P}),
        ("scheduled", "cancel"): ("cancelled", {E, P}),
    },
    "ctp_formation": {
        ("convocation_due", "open_convocation"): ("convocation_open", {E, P}),
        ("convocation_open", "receive_ternas"): ("ternas_received", {E, P}),
        ("ternas_received", "designate_members"): ("members_designated", {E}),
        ("members_designated", "install_ctp"): ("ctp_installed", {E, CTP}),
    },
}

TODAY = date(2024, 4, 10)


def permissive(name: str, state: str):
    """Snapshot of sub-machine ``name`` in which every guard passes (bar the amendment acceptance rule)."""
    return {
        "car_review": lambda: CarReviewSnapshot(state, TODAY, "CRQ", dl(date(2024, 3, 21)),
                                                concept=ConceptContent("favorable")),
        "ctp_review": lambda: CtpReviewSnapshot(state, TODAY, dl(date(2024, 4, 1))),
        "amendment": lambda: AmendmentSnapshot("M1", state, ("Concejal A",)),
        "hearing": lambda: HearingSnapshot(state, TODAY, scheduled_on=TODAY),
        "ctp_formation": lambda: CtpFormationSnapshot(state, "departamento", has_municipal_representatives=True),
    }[name]()


def restrictive(name: str, state: str):
    """Snapshot of sub-machine ``name`` in which every guard fails."""
    return {
        "car_review": lambda: CarReviewSnapshot(state, TODAY, "CRQ", dl(date(2024, 4, 30)), has_evidence=False),
        "ctp_review": lambda: CtpReviewSnapshot(state, TODAY, dl(date(2024, 4, 30)), has_evidence=False),
        "amendment": lambda: AmendmentSnapshot("M1", state, (), has_evidence=False),
        "hearing": lambda: HearingSnapshot(state, TODAY, scheduled_on=TODAY + timedelta(days=3), has_evidence=False),
        "ctp_formation": lambda: CtpFormationSnapshot(state, "departamento", has_evidence=False),
    }[name]()


def fire_code(machine, snapshot, trigger, role):
    try:
        return machine.fire(snapshot, trigger, role).dest
    except TransitionRefused as refused:
        assert refused.reason and SPANISH.search(refused.reason), refused
        assert refused.code in {"unknown_trigger", "wrong_state", "role_not_allowed", "guard_failed"}
        return refused.code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_submachine_table_has_exactly_the_transitions_of_the_legal_path(name):
    machine = SUBMACHINES[name]
    rows = {(s, t.trigger): set(t.roles) for t in machine.transitions for s in t.sources}
    assert rows == {key: roles for key, (_, roles) in EXPECTED[name].items()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_submachine_state_trigger_role_is_allowed_only_where_the_table_says(name):
    machine = SUBMACHINES[name]
    triggers = sorted({t for _, t in EXPECTED[name]})
    mismatches = []
    for state in machine.states:
        for trigger in triggers:
            for role in Role:
                expected = EXPECTED[name].get((state, trigger))
                want = "wrong_state" if expected is None else expected[0] if role in expected[1] else "role_not_allowed"
                got = fire_code(machine, permissive(name, state), trigger, role)
                if got != want:
                    mismatches.append((state, trigger, role.value, want, got))
    assert mismatches == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_guarded_submachine_act_is_refused_when_its_guard_fails(name):
    machine = SUBMACHINES[name]
    for (state, trigger), (_, roles) in EXPECTED[name].items():
        row = machine.row(state, trigger)
        role = sorted(roles)[0]
        want = "guard_failed" if row.guards else row.dest_from(state)
        assert fire_code(machine, restrictive(name, state), trigger, role) == want, (state, trigger)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_unknown_trigger_is_refused_in_every_submachine(name):
    machine = SUBMACHINES[name]
    assert fire_code(machine, permissive(name, machine.initial), "to_" + machine.initial, Role.ADMIN) == \
        "unknown_trigger"


def test_every_submachine_state_has_a_spanish_label():
    for machine in SUBMACHINES.values():
        assert all(label and label[0].isupper() for label in machine.states.values()), machine.name


# -------------------------------------------------------------------------------------------------------------
# car_review
# -------------------------------------------------------------------------------------------------------------

def car(state: str, today: date, code: str, latest: date) -> CarReviewSnapshot:
    return CarReviewSnapshot(state=state, today=today, authority_code=code, deadline=dl(latest),
                             concept=ConceptContent("favorable"))


def test_car_concept_is_marked_overdue_only_after_its_15_business_days():
    refused = pytest.raises(TransitionRefused, CAR_REVIEW_MACHINE.fire,
                            car("copy_sent", date(2024, 3, 21), "CRQ", date(2024, 3, 21)), "mark_car_overdue", S)
    assert refused.value.code == "guard_failed" and refused.value.legal_basis.startswith("D1865 art. 3")
    outcome = CAR_REVIEW_MACHINE.fire(car("copy_sent", date(2024, 3, 22), "CRQ", date(2024, 3, 21)),
                                      "mark_car_overdue", S)
    assert (outcome.dest, outcome.effects) == ("concept_overdue", ("flag:car_overdue",))


def test_car_concept_arriving_late_is_still_received():
    outcome = CAR_REVIEW_MACHINE.fire(car("concept_overdue", date(2024, 4, 15), "CRQ", date(2024, 3, 21)),
                                      "receive_concept", CAR)
    assert outcome.dest == "concept_received"


def test_two_car_reviews_of_a_departamento_progress_independently():
    reviews = {"CAR1": "copy_sent", "CAR2": "copy_sent"}
    latest = {"CAR1": date(2024, 3, 21), "CAR2": date(2024, 4, 8)}
    today = date(2024, 4, 2)
    reviews["CAR1"] = CAR_REVIEW_MACHINE.fire(car(reviews["CAR1"], today, "CAR1", latest["CAR1"]),
                                              "mark_car_overdue", S).dest
    refused = pytest.raises(TransitionRefused, CAR_REVIEW_MACHINE.fire,
                            car(reviews["CAR2"], today, "CAR2", latest["CAR2"]), "mark_car_overdue", S)
    assert "CAR2" in refused.value.reason
    reviews["CAR2"] = CAR_REVIEW_MACHINE.fire(car(reviews["CAR2"], today, "CAR2", latest["CAR2"]),
                                              "receive_concept", CAR).dest
    reviews["CAR2"] = CAR_REVIEW_MACHINE.fire(car(reviews["CAR2"], today, "CAR2", latest["CAR2"]),
                                              "forward_to_ctp", P).dest
    assert reviews == {"CAR1": "concept_overdue", "CAR2": "forwarded_to_ctp"}


def test_car_cannot_be_marked_overdue_without_a_receipt_date():
    snapshot = CarReviewSnapshot(state="copy_sent", today=date(2030, 1, 1), authority_code="CRQ")
    with pytest.raises(TransitionRefused) as refused:
        CAR_REVIEW_MACHINE.fire(snapshot, "mark_car_overdue", S)
    assert refused.value.code == "guard_failed"


def test_only_the_ctp_forwards_unaccepted_car_observations_to_the_corporation():
    snapshot = car("forwarded_to_ctp", TODAY, "CRQ", date(2024, 3, 21))
    assert CAR_REVIEW_MACHINE.fire(snapshot, "forward_to_corporacion", CTP).dest == "forwarded_to_corporacion"
    with pytest.raises(TransitionRefused) as refused:
        CAR_REVIEW_MACHINE.fire(snapshot, "forward_to_corporacion", P)
    assert refused.value.code == "role_not_allowed"


# -------------------------------------------------------------------------------------------------------------
# ctp_review
# -------------------------------------------------------------------------------------------------------------

CTP_DEADLINE = Deadline(earliest=date(2024, 3, 28), latest=date(2024, 4, 1), act_by=date(2024, 3, 27),
                        overdue_from=date(2024, 4, 2))


def test_ctp_review_deemed_fulfilled_refused_the_day_before_overdue_from_and_allowed_on_it():
    with pytest.raises(TransitionRefused) as refused:
        CTP_REVIEW_MACHINE.fire(CtpReviewSnapshot("presented", date(2024, 4, 1), CTP_DEADLINE), "deem_fulfilled", S)
    assert refused.value.code == "guard_failed" and refused.value.legal_basis == "L152 art. 39 num. 6"
    outcome = CTP_REVIEW_MACHINE.fire(CtpReviewSnapshot("presented", date(2024, 4, 2), CTP_DEADLINE),
                                      "deem_fulfilled", S)
    assert outcome.dest == "deemed_fulfilled"


def test_partial_ctp_concept_fulfils_the_requirement():
    outcome = CTP_REVIEW_MACHINE.fire(CtpReviewSnapshot("presented", date(2024, 3, 20), CTP_DEADLINE),
                                      "issue_partial_concept", CTP)
    assert outcome.dest == "concept_issued" and CTP_REVIEW_MACHINE.is_final(outcome.dest)


def test_ctp_concept_needs_its_acta():
    with pytest.raises(TransitionRefused) as refused:
        CTP_REVIEW_MACHINE.fire(CtpReviewSnapshot("presented", date(2024, 3, 20), CTP_DEADLINE, has_evidence=False),
                                "issue_concept", CTP)
    assert "concepto del CTP" in refused.value.reason


# -------------------------------------------------------------------------------------------------------------
# amendment
# -------------------------------------------------------------------------------------------------------------

def test_concejo_cannot_approve_amendment_without_mayor_written_acceptance():
    with pytest.raises(TransitionRefused) as refused:
        AMENDMENT_MACHINE.fire(AmendmentSnapshot("M1", "proposed", ("Concejal A",)), "approve", C)
    assert refused.value.code == "guard_failed"
    assert refused.value.legal_basis == "L152 art. 40"
    assert "aceptación previa y por escrito" in refused.value.reason


def test_concejo_cannot_approve_amendment_the_mayor_refused():
    with pytest.raises(TransitionRefused) as refused:
        AMENDMENT_MACHINE.fire(AmendmentSnapshot("M1", "refused_by_executive", ("Concejal A",)), "approve", C)
    assert refused.value.legal_basis == "L152 art. 40"


def test_amendment_accepted_in_writing_may_be_approved_and_is_published():
    accepted = AMENDMENT_MACHINE.fire(AmendmentSnapshot("M1", "proposed", ("Concejal A",)), "accept_in_writing", E)
    outcome = AMENDMENT_MACHINE.fire(AmendmentSnapshot("M1", accepted.dest, ("Concejal A",)), "approve", C)
    assert outcome.dest == "approved" and outcome.effects == ("publish_amendment",)


def test_amendment_without_author_cannot_progress():
    for trigger, role in (("accept_in_writing", E), ("refuse_in_writing", E)):
        with pytest.raises(TransitionRefused) as refused:
            AMENDMENT_MACHINE.fire(AmendmentSnapshot("M1", "proposed", ("  ",)), trigger, role)
        assert "al menos un autor" in refused.value.reason


def test_mayor_acceptance_must_be_written():
    with pytest.raises(TransitionRefused) as refused:
        AMENDMENT_MACHINE.fire(AmendmentSnapshot("M1", "proposed", ("Concejal A",), has_evidence=False),
                               "accept_in_writing", E)
    assert "aceptación escrita" in refused.value.reason


def test_mayor_cannot_approve_amendments_and_concejo_cannot_accept_them():
    with pytest.raises(TransitionRefused) as refused:
        AMENDMENT_MACHINE.fire(AmendmentSnapshot("M1", "accepted_by_executive", ("A",)), "approve", E)
    assert refused.value.code == "role_not_allowed"
    with pytest.raises(TransitionRefused) as refused:
        AMENDMENT_MACHINE.fire(AmendmentSnapshot("M1", "proposed", ("A",)), "accept_in_writing", C)
    assert refused.value.code == "role_not_allowed"


# -------------------------------------------------------------------------------------------------------------
# hearing (Ley 1909 art. 22)
# -------------------------------------------------------------------------------------------------------------

def test_hearing_is_recorded_as_held_with_its_acta_on_or_after_its_date():
    snapshot = HearingSnapshot("scheduled", date(2024, 4, 9), scheduled_on=date(2024, 4, 10))
    with pytest.raises(TransitionRefused) as refused:
        HEARING_MACHINE.fire(snapshot, "hold", P)
    assert refused.value.legal_basis == "L1909 art. 22"
    outcome = HEARING_MACHINE.fire(replace(snapshot, today=date(2024, 4, 10)), "hold", P)
    assert (outcome.dest, outcome.effects) == ("held", ("event:hearings_held",))
    with pytest.raises(TransitionRefused) as refused:
        HEARING_MACHINE.fire(replace(snapshot, today=date(2024, 4, 10), has_evidence=False), "hold", P)
    assert "acta de la audiencia" in refused.value.reason


def test_scheduling_a_hearing_emits_its_milestone():
    assert HEARING_MACHINE.initial_effects == ("event:hearings_scheduled",)


def test_cancelled_hearing_is_final():
    outcome = HEARING_MACHINE.fire(HearingSnapshot("scheduled", TODAY, scheduled_on=TODAY), "cancel", E)
    assert HEARING_MACHINE.is_final(outcome.dest)
    with pytest.raises(TransitionRefused) as refused:
        HEARING_MACHINE.fire(HearingSnapshot("cancelled", TODAY, scheduled_on=TODAY), "hold", E)
    assert refused.value.code == "wrong_state"


# -------------------------------------------------------------------------------------------------------------
# ctp_formation
# -------------------------------------------------------------------------------------------------------------

def test_ctp_formation_runs_from_convocation_to_installation():
    state = CTP_FORMATION_MACHINE.initial
    effects = list(CTP_FORMATION_MACHINE.initial_effects)
    assert state == "convocation_due" and effects == []  # hito 5 is the convocation itself, not the start (T2)
    for trigger, role in (("open_convocation", P), ("receive_ternas", P), ("designate_members", E),
                          ("install_ctp", CTP)):
        outcome = CTP_FORMATION_MACHINE.fire(CtpFormationSnapshot(state), trigger, role)
        state, effects = outcome.dest, effects + list(outcome.effects)
    assert state == "ctp_installed"
    assert effects == ["event:ctp_renewal_convened", "event:ctp_installed"]


def test_departmental_ctp_needs_municipal_representatives():
    with pytest.raises(TransitionRefused) as refused:
        CTP_FORMATION_MACHINE.fire(CtpFormationSnapshot("ternas_received", "departamento"), "designate_members", E)
    assert refused.value.legal_basis == "L152 art. 34"
    outcome = CTP_FORMATION_MACHINE.fire(
        CtpFormationSnapshot("ternas_received", "departamento", has_municipal_representatives=True),
        "designate_members", E)
    assert outcome.dest == "members_designated"


def test_car_concept_without_its_content_is_refused_with_its_norm():
    base = CarReviewSnapshot("copy_sent", TODAY, "CRQ", dl(date(2024, 3, 21)))
    with pytest.raises(TransitionRefused) as refused:
        CAR_REVIEW_MACHINE.fire(base, "receive_concept", CAR)
    assert "sentido" in refused.value.reason and refused.value.legal_basis == "D1865 art. 3 num. 3"
    with pytest.raises(TransitionRefused) as refused:
        CAR_REVIEW_MACHINE.fire(replace(base, concept=ConceptContent("favorable_con_recomendaciones")),
                                "receive_concept", CAR)
    assert "al menos una recomendación" in refused.value.reason
    with_recs = replace(base, concept=ConceptContent("favorable_con_recomendaciones", ("Proteger la cuenca",)))
    assert CAR_REVIEW_MACHINE.fire(with_recs, "receive_concept", CAR).dest == "concept_received"
