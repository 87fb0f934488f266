"""Properties of every legal machine: random acts never leave the table nor bypass a guard; every reachable
state can still reach the end of its procedure; concurrent firing on one shared machine is correct."""
from __future__ import annotations

import random
import sys
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields, replace
from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from state_machines.approval.concepts import CONCEPT_SENSES, Answer, ConceptContent, RecommendationRef
from state_machines.approval.pdt import PDT_MACHINE, PlanSnapshot
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
from state_machines.core.machine import Deadline, LegalMachine, TransitionRefused
from state_machines.core.roles import Role
from state_machines.corporation.debates import DebateRecord
from tests.state_machines.test_pdt import DEADLINES_2024, permissive
from tests.state_machines.test_submachines import permissive as sub_permissive

ALL_MACHINES = [PDT_MACHINE, *SUBMACHINES.values()]


def dl(latest: date) -> Deadline:
    return Deadline(earliest=latest, latest=latest, act_by=latest, overdue_from=latest + timedelta(days=1))


# -------------------------------------------------------------------------------------------------------------
# Snapshot strategies: every field that any guard reads varies
# -------------------------------------------------------------------------------------------------------------

days_2024 = st.dates(min_value=date(2023, 12, 20), max_value=date(2024, 8, 31))
days_2020 = st.dates(min_value=date(2020, 5, 1), max_value=date(2020, 8, 31))
amendment_states = st.sampled_from(sorted(AMENDMENT_MACHINE.states))


@st.composite
def plan_context(draw):
    """Everything of a PlanSnapshot except its state."""
    d683 = draw(st.booleans())
    car_codes = draw(st.lists(st.sampled_from(["CRQ", "CAR1", "CAR2"]), unique=True, max_size=2))
    deadlines = dict(DEADLINES_2024)
    if d683:
        deadlines |= {"filing": dl(date(2020, 6, 15)), "executive_modifications": dl(date(2020, 6, 15)),
                      "corporation_decision": dl(date(2020, 7, 15))}
    for code in car_codes:
        if draw(st.booleans()):
            deadlines[f"car_concept:{code}"] = dl(draw(days_2024))
    drop = draw(st.sets(st.sampled_from(sorted(deadlines))))
    amendments = tuple(AmendmentSnapshot(f"M{i}", draw(amendment_states), ("Autor",))
                       for i in range(draw(st.integers(0, 2))))
    # The debates (L136 art. 73; L2200 art. 97): none, committee open, committee approved, plenary held, with
    # gaps on both sides of the municipal three full days.
    committee_on = draw(days_2020 if d683 else days_2024)
    stage = draw(st.integers(0, 3))
    gap = timedelta(days=draw(st.integers(0, 6)))
    debates = (DebateRecord() if stage == 0 else DebateRecord((committee_on,)) if stage == 1
               else DebateRecord((committee_on,), committee_on) if stage == 2
               else DebateRecord((committee_on,), committee_on, (committee_on + gap,)))
    recommendations = tuple(RecommendationRef(src, n, "Recomendación") for src, n in
                            draw(st.lists(st.sampled_from([("CTP", 1), ("CTP", 2), ("CRQ", 1)]), unique=True)))
    answers = {r.key: Answer(draw(st.sampled_from(["aceptada", "parcialmente", "no_aceptada", "", "otra"])),
                             draw(st.sampled_from(["", "Razón"])))
               for r in recommendations if draw(st.booleans())}
    concept = draw(st.one_of(st.none(), st.builds(
        ConceptContent, st.sampled_from([*CONCEPT_SENSES, "otro"]),
        st.lists(st.sampled_from(["", "Recomendación"]), max_size=2).map(tuple),
        st.lists(st.sampled_from(["", "Eje 1"]), max_size=2).map(tuple))))
    return dict(
        entity_kind=draw(st.sampled_from(["municipio", "departamento"])),
        today=draw(days_2020 if d683 else days_2024),
        regime="d683_2020" if d683 else "ordinary",
        d683_articles=draw(st.frozensets(st.sampled_from(["art1", "art2"]))) if d683 else frozenset(),
        deadlines={k: v for k, v in deadlines.items() if k not in drop},
        car_reviews={code: draw(st.sampled_from(sorted(CAR_REVIEW_MACHINE.states))) for code in car_codes},
        ctp_review_state=draw(st.sampled_from([None, *sorted(CTP_REVIEW_MACHINE.states)])),
        amendments=amendments,
        hearings=tuple(draw(st.lists(st.sampled_from(sorted(HEARING_MACHINE.states)), max_size=2))),
        has_legal_review_note=draw(st.booleans()),
        has_evidence=draw(st.booleans()),
        has_acceptance_for=frozenset(a.id for a in amendments if draw(st.booleans())),
        car_wait_justified=draw(st.booleans()),
        corporation_voted_down=draw(st.booleans()),
        debates=debates, recommendations=recommendations, answers=answers, concept=concept,
        act_on=draw(st.one_of(st.none(), days_2020 if d683 else days_2024)),
        in_force_on=draw(st.one_of(st.none(), days_2020 if d683 else days_2024)),
    )


def context_for(machine: LegalMachine):
    """Strategy of a function state -> snapshot, for ``machine``."""
    deadline = st.one_of(st.none(), days_2024.map(dl))
    if machine is PDT_MACHINE:
        return plan_context().map(lambda ctx: lambda state: PlanSnapshot(state=state, **ctx))
    if machine is CAR_REVIEW_MACHINE:
        concept = st.one_of(st.none(), st.builds(ConceptContent, st.sampled_from([*CONCEPT_SENSES, "otro"]),
                                                 st.lists(st.sampled_from(["", "R"]), max_size=2).map(tuple)))
        return st.builds(lambda today, d, ev, c: lambda state: CarReviewSnapshot(state, today, "CRQ", d, ev, c),
                         days_2024, deadline, st.booleans(), concept)
    if machine is CTP_REVIEW_MACHINE:
        return st.builds(lambda today, d, ev: lambda state: CtpReviewSnapshot(state, today, d, ev),
                         days_2024, deadline, st.booleans())
    if machine is AMENDMENT_MACHINE:
        return st.builds(lambda authors, ev: lambda state: AmendmentSnapshot("M1", state, authors, ev),
                         st.lists(st.sampled_from(["", " ", "Concejal A", "Diputada B"]), max_size=2).map(tuple),
                         st.booleans())
    if machine is HEARING_MACHINE:
        return st.builds(lambda today, on, ev: lambda state: HearingSnapshot(state, today, on, ev),
                         days_2024, st.one_of(st.none(), days_2024), st.booleans())
    if machine is CTP_FORMATION_MACHINE:
        return st.builds(lambda kind, reps, ev: lambda state: CtpFormationSnapshot(state, kind, reps, ev),
                         st.sampled_from(["municipio", "departamento"]), st.booleans(), st.booleans())
    raise AssertionError(machine.name)


def oracle(machine: LegalMachine, snapshot, trigger: str, role: Role):
    """Independent reading of the table: ("ok", dest) or (code, first failing guard reason or None)."""
    if trigger not in {t.trigger for t in machine.transitions}:
        return "unknown_trigger", None
    rows = [t for t in machine.transitions if t.trigger == trigger and snapshot.state in t.sources]
    if not rows:
        return "wrong_state", None
    (row,) = rows
    if role not in row.roles:
        return "role_not_allowed", None
    for guard in row.guards:
        verdict = guard(snapshot)
        if not verdict.ok:
            return "guard_failed", verdict.reason
    return "ok", row.dest_from(snapshot.state)


# -------------------------------------------------------------------------------------------------------------
# Random acts never leave the table and never bypass a guard
# -------------------------------------------------------------------------------------------------------------

def walk(machine: LegalMachine, data) -> None:
    state = machine.initial
    triggers = sorted({t.trigger for t in machine.transitions}) + ["bogus_trigger"]
    snapshot_for = data.draw(context_for(machine), label="context")
    for _ in range(data.draw(st.integers(1, 40), label="steps")):
        snapshot = snapshot_for(state)
        names = {f.name for f in fields(snapshot)}
        if "today" in names:  # the clock moves on between acts, both ways across every deadline
            snapshot = replace(snapshot, today=snapshot.today + timedelta(days=data.draw(st.integers(-60, 60))))
        snapshot = replace(snapshot, has_evidence=data.draw(st.integers(0, 5), label="evidence") > 0)
        legal = machine.transitions_from(state)
        # Mostly acts that leave the current state, mostly by a role the table names, so walks go deep.
        if legal and data.draw(st.integers(0, 4), label="pick") > 0:
            row = data.draw(st.sampled_from(legal), label="row")
            trigger = row.trigger
            roles = sorted(row.roles) if data.draw(st.integers(0, 4), label="right role") > 0 else list(Role)
        else:
            trigger, roles = data.draw(st.sampled_from(triggers), label="trigger"), list(Role)
        role = data.draw(st.sampled_from(roles), label="role")
        expected = oracle(machine, snapshot, trigger, role)
        try:
            outcome = machine.fire(snapshot, trigger, role)
        except TransitionRefused as refused:
            assert refused.code == expected[0], (refused, expected)
            assert refused.reason
            if expected[0] == "guard_failed":
                assert refused.reason == expected[1]
            continue
        assert expected == ("ok", outcome.dest)
        assert outcome.source == state and outcome.dest in machine.states
        state = outcome.dest
    assert state in machine.states
    event(f"{machine.name} ended in {state}")
    assert machine._machine.models == [], "the shared machine never holds plan models"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_acts_on_pdt_never_leave_the_table_nor_bypass_a_guard(data):
    walk(PDT_MACHINE, data)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(SUBMACHINES)), data=st.data())
def test_random_acts_on_submachines_never_leave_the_table_nor_bypass_a_guard(name, data):
    walk(SUBMACHINES[name], data)


@settings(max_examples=200, deadline=None)
@given(context=plan_context(), state=st.sampled_from(sorted(PDT_MACHINE.states)), role=st.sampled_from(list(Role)))
def test_allowed_and_available_agree_with_fire(context, state, role):
    snapshot = PlanSnapshot(state=state, **context)
    allowed = {t.trigger for t in PDT_MACHINE.allowed(snapshot, role)}
    for t, verdict in PDT_MACHINE.available(snapshot, role):
        assert verdict.ok == (t.trigger in allowed)
        if not verdict.ok:
            assert verdict.reason and verdict.legal_basis
    for trigger in {t.trigger for t in PDT_MACHINE.transitions}:
        try:
            PDT_MACHINE.fire(snapshot, trigger, role)
            fired = True
        except TransitionRefused:
            fired = False
        assert fired == (trigger in allowed), trigger


# -------------------------------------------------------------------------------------------------------------
# Liveness: from every reachable state the procedure can still end
# -------------------------------------------------------------------------------------------------------------

def graph(machine: LegalMachine, snapshot_for) -> dict[str, set[str]]:
    """Edges a permissive snapshot allows, over every role."""
    return {s: {t.dest_from(s) for role in Role for t in machine.allowed(snapshot_for(s), role)}
            for s in machine.states}


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def test_every_state_of_the_pdt_route_is_reachable_and_can_still_reach_in_force():
    # Each act with the debate record it needs (``permissive(state, trigger)``): the archive needs a project not
    # approved in first debate, the approval one that was (L136 arts. 73, 75).
    edges = {s: {t.dest_from(s) for t in PDT_MACHINE.transitions_from(s)
                 if PDT_MACHINE.guard_verdict(t, permissive(s, t.trigger)).ok} for s in PDT_MACHINE.states}
    from_start = reachable(edges, PDT_MACHINE.initial)
    assert from_start == set(PDT_MACHINE.states)
    for state in from_start - PDT_MACHINE.final_states:
        assert "in_force" in reachable(edges, state), state


def test_in_force_and_the_archive_are_the_final_states_and_have_no_way_out():
    """In force, or archived by a Tribunal that found the objections for illegality founded (L136 art. 80);
    in force only the copy to the governor and its review are still recorded, without leaving the state (L136
    art. 82: the copy is due within 5 days of the sanction, and a publication puts the plan in force at once)."""
    assert PDT_MACHINE.final_states == {"in_force", "archived"}
    assert [t.trigger for t in PDT_MACHINE.transitions_from("in_force")] == ["send_copy_to_governor",
                                                                                "record_governor_review"]
    assert all(t.dest_from("in_force") == "in_force" for t in PDT_MACHINE.transitions_from("in_force"))
    assert PDT_MACHINE.transitions_from("archived") == []


def test_every_submachine_state_is_reachable_and_can_still_end():
    for name, machine in SUBMACHINES.items():
        edges = graph(machine, lambda s, name=name: sub_permissive(name, s))
        from_start = reachable(edges, machine.initial)
        assert from_start == set(machine.states), name
        for state in from_start - machine.final_states:
            assert reachable(edges, state) & machine.final_states, (name, state)


# -------------------------------------------------------------------------------------------------------------
# Concurrency: one shared machine, many threads, different snapshots
# -------------------------------------------------------------------------------------------------------------

def test_concurrent_firing_on_the_shared_machine_gives_each_caller_its_own_correct_result():
    rng = random.Random(20240430)
    states = sorted(PDT_MACHINE.states)
    triggers = sorted({t.trigger for t in PDT_MACHINE.transitions})
    cases = []
    for _ in range(4000):
        state = rng.choice(states)
        legal = PDT_MACHINE.transitions_from(state)
        if legal and rng.random() < 0.7:
            row = rng.choice(legal)
            trigger, role = row.trigger, rng.choice(sorted(row.roles))
        else:
            trigger, role = rng.choice(triggers), rng.choice(list(Role))
        snapshot = permissive(state, today=date(2020, 1, 1) + timedelta(days=rng.randrange(700)),
                              has_evidence=rng.random() < 0.8)
        cases.append((snapshot, trigger, role, oracle(PDT_MACHINE, snapshot, trigger, role)))

    barrier = threading.Barrier(16)

    def run(chunk):
        barrier.wait()
        results = []
        for snapshot, trigger, role, _ in chunk:
            try:
                results.append(("ok", PDT_MACHINE.fire(snapshot, trigger, role).dest))
            except TransitionRefused as refused:
                results.append((refused.code, refused.reason if refused.code == "guard_failed" else None))
        return results

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            chunks = [cases[i::16] for i in range(16)]
            got = list(pool.map(run, chunks))
    finally:
        sys.setswitchinterval(old)
    for chunk, results in zip(chunks, got):
        assert [case[3] for case in chunk] == results
    assert PDT_MACHINE._machine.models == []


def test_concurrent_firing_across_machines_is_independent():
    jobs = [(CTP_REVIEW_MACHINE, CtpReviewSnapshot("presented", date(2024, 4, 2), dl(date(2024, 4, 1))),
             "deem_fulfilled", Role.SISTEMA, "deemed_fulfilled"),
            (AMENDMENT_MACHINE, AmendmentSnapshot("M1", "accepted_by_executive", ("A",)), "approve",
             Role.CORPORACION, "approved"),
            (PDT_MACHINE, permissive("decree_eligible"), "adopt_by_decree", Role.EJECUTIVO, "adopted_by_decree"),
            (PDT_MACHINE, permissive("in_debate"), "modify_by_executive", Role.EJECUTIVO, "in_debate")] * 500
    with ThreadPoolExecutor(max_workers=12) as pool:
        dests = list(pool.map(lambda job: job[0].fire(job[1], job[2], job[3]).dest, jobs))
    assert dests == [job[4] for job in jobs]
