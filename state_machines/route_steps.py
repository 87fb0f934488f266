"""The route as ordered steps (for the plan page and the public page), derived from the transition table."""
from __future__ import annotations

from dataclasses import dataclass

from state_machines.pdt import PDT_MACHINE, STATE_LABELS


@dataclass(frozen=True)
class RouteStep:
    state: str
    label: str
    status: str  # done, current, next, branch


def _main_path() -> list[str]:
    """States in route order: a breadth-first walk of the table from the initial state."""
    order, frontier = [PDT_MACHINE.initial], [PDT_MACHINE.initial]
    while frontier:
        nxt = []
        for state in frontier:
            for t in PDT_MACHINE.transitions_from(state):
                dest = t.dest_from(state)
                if dest not in order:
                    order.append(dest)
                    nxt.append(dest)
        frontier = nxt
    return order


MAIN_PATH = tuple(_main_path())


def route_steps(current: str, visited: set[str]) -> list[RouteStep]:
    """Each state of the route: passed (in the plan's history), current, or still ahead."""
    steps = []
    for state in MAIN_PATH:
        status = "current" if state == current else "done" if state in visited else "next"
        steps.append(RouteStep(state, STATE_LABELS[state], status))
    return steps
