"""The route as ordered steps (for the plan page and the public page), derived from the transition table.

``MAIN_PATH``: every state of the main machine in route order (a breadth-first walk from the initial state),
alternatives included: the order of the board's and the portal's counts.

``plan_route``: the one branch a given plan is on, start to end, and the branches beside it. The route forks
where the law gives two outcomes: the corporation approves the plan or lets its month pass / votes it down, so
the executive may adopt it by decree (L152 art. 40); the executive sanctions or objects (L136 art. 78). A plan's
branch follows the states its history went through; ahead of its current state it follows the ordinary outcome
(the first transition of the table out of each state). "Paso N de M" counts the states of that branch only.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from state_machines.approval.pdt import PDT_MACHINE, STATE_LABELS
from state_machines.core.machine import SAME

DONE, CURRENT, NEXT = "done", "current", "next"
NOT_TAKEN, POSSIBLE = "not_taken", "possible"


@dataclass(frozen=True)
class RouteStep:
    state: str
    label: str
    status: str  # done, current, next


@dataclass(frozen=True)
class Branch:
    """States off the plan's branch: they leave it at ``fork`` and come back at ``rejoins`` (None: they end)."""

    fork: str
    states: tuple[str, ...]
    rejoins: str | None
    status: str  # not_taken: the plan already left ``fork`` the other way; possible: the plan is at or before it

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(STATE_LABELS[s] for s in self.states)


@dataclass(frozen=True)
class PlanRoute:
    steps: tuple[RouteStep, ...]
    branches: tuple[Branch, ...]

    @property
    def position(self) -> int:
        """1-based index of the current state on the plan's branch ("Paso N de M")."""
        return next((i for i, s in enumerate(self.steps, start=1) if s.status == CURRENT), 0)

    @property
    def total(self) -> int:
        return len(self.steps)

    def branches_from(self, state: str) -> tuple[Branch, ...]:
        return tuple(b for b in self.branches if b.fork == state)


def _successors(state: str) -> list[str]:
    """Destinations out of ``state`` in table order (self-loops and repeated destinations left out)."""
    out: list[str] = []
    for t in PDT_MACHINE.transitions_from(state):
        dest = t.dest_from(state)
        if dest not in (SAME, state) and dest not in out:
            out.append(dest)
    return out


def _main_path() -> list[str]:
    """States in route order: a breadth-first walk of the table from the initial state."""
    order, frontier = [PDT_MACHINE.initial], [PDT_MACHINE.initial]
    while frontier:
        nxt = []
        for state in frontier:
            for dest in _successors(state):
                if dest not in order:
                    order.append(dest)
                    nxt.append(dest)
        frontier = nxt
    return order


MAIN_PATH = tuple(_main_path())


def _branch_states(current: str, visited: Iterable[str]) -> list[str]:
    """The states of the plan's branch in order, each once (a detour such as an objection, which returns to
    the sanction, appears once where it happened)."""
    visited = list(visited)
    order = {s: i for i, s in reversed(list(enumerate(visited)))}  # first visit wins
    order.setdefault(current, len(order))
    last = {s: i for i, s in enumerate(visited)}  # last visit: where the plan went back to
    path, state = [PDT_MACHINE.initial], PDT_MACHINE.initial
    for _ in range(2 * len(PDT_MACHINE.states)):
        if state == current and state in PDT_MACHINE.final_states:
            break
        dests = _successors(state)
        if not dests:
            break
        # back: a step earlier on the branch that the plan returned to after this one (objections accepted →
        # sanction again); a step later on the branch (the Tribunal's second ruling after reconsideration) is not
        back = [d for d in dests if d in path and state in last and last.get(d, -1) > last[state]
                and (state not in path or path.index(d) < path.index(state))]
        if back and state != current:
            state = back[0]  # the plan went back (objections accepted → sanction again): walk on from there
            continue
        fresh = [d for d in dests if d not in path]
        walked = sorted((d for d in fresh if d in order), key=order.__getitem__)
        if walked:
            state = walked[0]
        elif fresh:
            state = fresh[0]  # not reached yet: the ordinary outcome
        else:
            state = dests[0]  # back into the branch (objection → sanction again): walk on without repeating it
            continue
        path.append(state)
    return path


def _side_branch(start: str, on_path: set[str]) -> tuple[tuple[str, ...], str | None]:
    states, state = [], start
    while state not in on_path and state not in states:
        states.append(state)
        dests = _successors(state)
        if not dests:
            return tuple(states), None
        state = dests[0]
    return tuple(states), state if state in on_path else None


def plan_route(current: str, visited: Iterable[str] = ()) -> PlanRoute:
    """The branch of a plan in ``current`` whose history went through ``visited`` (oldest first), with the
    branches beside it."""
    visited = list(visited)
    path = _branch_states(current, visited)
    index = path.index(current) if current in path else -1
    seen = set(visited)  # a detour walked after the step it returns to (an objection) is done too
    steps = tuple(RouteStep(s, STATE_LABELS[s], CURRENT if i == index else DONE if i < index or s in seen else NEXT)
                  for i, s in enumerate(path))
    on_path = set(path)
    drawn = set(on_path)  # a branch stops where it meets one already drawn (the archive → the decree's branch)
    branches = []
    for i, state in enumerate(path):
        for dest in _successors(state):
            if dest in drawn:  # on the plan's branch, or beside it already (drawn from an earlier fork)
                continue
            states, rejoins = _side_branch(dest, drawn)
            drawn.update(states)
            branches.append(Branch(state, states, rejoins, NOT_TAKEN if i < index else POSSIBLE))
    return PlanRoute(steps, tuple(branches))


def route_steps(current: str, visited: set[str]) -> list[RouteStep]:
    """Each state of the plan's branch: passed, current, or still ahead."""
    return list(plan_route(current, sorted(visited, key=MAIN_PATH.index)).steps)
