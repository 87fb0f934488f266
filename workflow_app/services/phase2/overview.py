"""A plan's Phase II at a glance: each procedure's state, what comes next and whose it is, and its term."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from state_machines import calendar as legal_calendar
from state_machines.core.machine import SAME
from state_machines.core.wording import holder, localize
from state_machines.phase2 import PHASE2_DUTIES, PHASE2_MACHINES, PHASE2_ORDER, phase2_title
from workflow_app.models import Plan, Procedure
from workflow_app.services.phase2.procedures import is_phase2, phase2_context


@dataclass(frozen=True)
class Phase2Line:
    procedure: Procedure
    title: str
    state_label: str
    is_final: bool
    next_label: str | None  # the next act of the route, in the entity's words
    next_holder: str | None  # whose it is ("la secretaría de planeación")
    next_basis: str | None
    deadline: legal_calendar.Deadline | None
    is_late: bool
    note: str = ""


def _next_row(machine, state: str):
    rows = [t for t in machine.transitions_from(state) if t.dest != SAME]
    # The ordinary way forward first: not a return, an objection or the executive's decree alternative.
    ordinary = [t for t in rows if not t.trigger.startswith(("return_", "object_", "enact_", "decree_"))]
    return (ordinary or rows or [None])[0]


def _deadline_for(proc: Procedure, deadlines: dict) -> legal_calendar.Deadline | None:
    for pd in PHASE2_DUTIES:
        if pd.machine == proc.machine and proc.state in pd.duty.pending_states:
            found = deadlines.get(pd.deadline_key_for(proc.subject))
            if found is not None:
                return found
    return None


def phase2_lines(session: Session, plan: Plan, today: date, only_current: bool = True) -> list[Phase2Line]:
    """The plan's Phase II procedures in the route's order. ``only_current``: single procedures, and of the
    yearly ones only the vigencias that have started (or start within the month), so the page stays short."""
    deadlines = phase2_context(session, plan).deadlines
    wording = plan.entity.wording
    order = {name: i for i, name in enumerate(PHASE2_ORDER)}
    procs = sorted((p for p in plan.procedures if is_phase2(p.machine)),
                   key=lambda p: (order[p.machine], p.subject))
    out = []
    for proc in procs:
        year = proc.subject.split("-", 1)[0]
        if only_current and year.isdigit():
            start = date(int(year) - 1, 1, 1) if proc.machine in ("budget", "poai") else date(int(year), 1, 1)
            if start > today:
                continue
        machine = PHASE2_MACHINES[proc.machine]
        row = _next_row(machine, proc.state)
        deadline = _deadline_for(proc, deadlines)
        title = phase2_title(proc.machine, proc.subject)
        note = ""
        if (proc.data or {}).get("align"):
            note = ("El plan de este año se adoptó antes de la vigencia del nuevo plan de desarrollo: ajústelo al "
                    "nuevo plan (interpretación).")
        out.append(Phase2Line(
            proc, title, localize(machine.label(proc.state), wording), machine.is_final(proc.state),
            localize(row.label, wording) if row else None,
            holder({r.value for r in row.roles}, wording) if row else None,
            row.legal_basis if row else None, deadline,
            deadline is not None and today >= deadline.overdue_from, note))
    return out


def next_phase2_step(session: Session, plan: Plan, today: date) -> Phase2Line | None:
    """What comes next in Phase II, and whose it is: the pending step with the earliest term, or else the first
    unfinished procedure of the route's order."""
    lines = [ln for ln in phase2_lines(session, plan, today) if not ln.is_final and ln.next_label]
    if not lines:
        return None
    with_terms = [ln for ln in lines if ln.deadline is not None]
    if with_terms:
        return min(with_terms, key=lambda ln: ln.deadline.act_by)
    return lines[0]
