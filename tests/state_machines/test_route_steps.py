"""The plan's own branch of the route ("Paso N de M") and the branches beside it, from the transition table."""
from __future__ import annotations

import pytest

from state_machines.approval import pdt
from state_machines.approval.pdt import PDT_MACHINE
from state_machines.approval.route_steps import MAIN_PATH, NOT_TAKEN, POSSIBLE, _successors, plan_route

UP_TO_DEBATE = list(MAIN_PATH[:MAIN_PATH.index("in_debate") + 1])
ORDINARY_END = ["approved_by_corporacion", "sanction_pending", "sanctioned", "published", "in_force"]


def states(route):
    return [s.state for s in route.steps]


def test_a_plan_in_debate_counts_the_ordinary_branch_not_the_alternatives():
    route = plan_route("in_debate", UP_TO_DEBATE)
    assert states(route) == UP_TO_DEBATE + ORDINARY_END
    assert (route.position, route.total) == (10, 15) and len(MAIN_PATH) == 24
    decree = route.branches_from("in_debate")
    assert [(b.states, b.rejoins, b.status) for b in decree] == [
        (("decree_eligible", "adopted_by_decree"), "published", POSSIBLE),
        # L136 art. 75; L2200 art. 98: archived at the end of the sessions, then the decree after the month
        (("project_archived",), "decree_eligible", POSSIBLE)]  # drawn once: it meets the decree's branch
    # L136 arts. 78-79: the objection, rejected, comes back to the sanction (issue 20)
    assert [(b.states, b.rejoins) for b in route.branches_from("sanction_pending")] == [
        (("objected", "sanction_due"), "sanctioned")]


def test_the_decree_branch_forks_at_the_filing_only_under_the_filing_reading(monkeypatch):
    """``pdt.DECREE_WHEN_NEVER_ASSIGNED`` (L152 art. 40; CE-1999; CE-2127): the route draws the decree's branch
    where the rule lets the plan leave for it."""
    filed = UP_TO_DEBATE[:-1]
    assert "decree_eligible" not in _successors("filed_with_corporacion")
    assert plan_route("filed_with_corporacion", filed).branches_from("filed_with_corporacion") == ()

    monkeypatch.setattr(pdt, "DECREE_WHEN_NEVER_ASSIGNED", True)
    route = plan_route("filed_with_corporacion", filed)
    assert states(route) == UP_TO_DEBATE + ORDINARY_END  # the ordinary outcome ahead is unchanged
    assert [(b.states, b.rejoins, b.status) for b in route.branches_from("filed_with_corporacion")] == [
        (("decree_eligible", "adopted_by_decree"), "published", POSSIBLE)]
    # Drawn once: from the debate only the archive is left beside the branch.
    assert [b.states for b in route.branches_from("in_debate")] == [("project_archived",)]


def test_a_plan_adopted_by_decree_counts_its_own_branch_and_shows_the_approval_not_taken():
    route = plan_route("adopted_by_decree", UP_TO_DEBATE + ["decree_eligible"])
    assert states(route) == UP_TO_DEBATE + ["decree_eligible", "adopted_by_decree", "published", "in_force"]
    assert (route.position, route.total) == (12, 14)
    branch, archive = route.branches
    assert branch.fork == "in_debate" and branch.status == NOT_TAKEN
    assert branch.states == ("approved_by_corporacion", "sanction_pending", "sanctioned")
    assert (archive.states, archive.rejoins, archive.status) == (("project_archived",), "decree_eligible", NOT_TAKEN)


def test_a_plan_archived_then_adopted_by_decree_counts_the_archive_on_its_branch():
    """L136 art. 75; L2200 art. 98; D1222 art. 76, then L152 art. 40: the archive is a step of the plan's branch."""
    route = plan_route("adopted_by_decree", UP_TO_DEBATE + ["project_archived", "decree_eligible"])
    assert states(route) == UP_TO_DEBATE + ["project_archived", "decree_eligible", "adopted_by_decree", "published",
                                            "in_force"]
    assert (route.position, route.total) == (13, 15)


def test_an_objection_is_a_detour_counted_once_and_the_sanction_comes_after_it():
    walked = UP_TO_DEBATE + ["approved_by_corporacion", "sanction_pending", "objected", "sanction_pending"]
    route = plan_route("sanction_pending", walked)
    assert states(route) == UP_TO_DEBATE + ["approved_by_corporacion", "sanction_pending", "objected",
                                            "sanctioned", "published", "in_force"]
    assert route.position == 12 and route.total == 16
    assert [s.status for s in route.steps[11:14]] == ["current", "done", "next"]


def _walks():
    """Every walk of the table from the initial state to an end (in force, or archived by the Tribunal), each
    state at most twice (one objection)."""
    out, stack = [], [[PDT_MACHINE.initial]]
    while stack:
        walk = stack.pop()
        if walk[-1] in PDT_MACHINE.final_states:
            out.append(walk)
            continue
        for dest in _successors(walk[-1]):
            if walk.count(dest) < 2:
                stack.append(walk + [dest])
    return out


@pytest.mark.parametrize("walk", _walks(), ids=lambda w: "-".join(s[:6] for s in w[9:]))
def test_along_every_legal_walk_the_count_only_moves_forward_and_ends_at_the_last_step(walk):
    previous = 0
    for i in range(len(walk)):
        route = plan_route(walk[i], walk[:i + 1])
        walked = list(dict.fromkeys(walk[:i + 1]))
        assert states(route)[:len(walked)] == walked  # the branch starts with what the plan went through
        assert states(route)[-1] in PDT_MACHINE.final_states and route.total <= len(MAIN_PATH)
        assert route.position >= previous or walk[i] in walk[:i]  # going back to sanction after an objection
        previous = route.position
        covered = set(states(route)) | {s for b in route.branches for s in b.states}
        # every way out of a state of the plan's branch is drawn, on the branch or as a branch beside it
        assert {d for s in states(route) for d in _successors(s)} <= covered
    assert route.position == route.total
