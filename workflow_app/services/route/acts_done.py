"""Whether an act was already recorded: a form sent twice (Back and resend) is told so, with the history row."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from workflow_app.models import Plan, PlanEvent, User

#: How many recent acts are searched when the form did not say which version it was opened on.
RECENT_ACTS = 20


def recorded_act(session: Session, plan: Plan, *, machine: str, subject: str | None, trigger: str,
                 within_last: int | None = None, actor: User | None = None) -> PlanEvent | None:
    """The newest history row of this act (same machine, subject and trigger) among the plan's last
    ``within_last`` rows (each act moves the plan's version by one), or None; only ``actor``'s if given."""
    if within_last is not None and within_last <= 0:
        return None
    recent = (select(PlanEvent).filter_by(plan_id=plan.id).order_by(PlanEvent.id.desc())
              .limit(min(within_last or RECENT_ACTS, RECENT_ACTS)).options(joinedload(PlanEvent.actor)))
    for event in session.scalars(recent):
        if (event.machine, event.subject, event.trigger) == (machine, subject, trigger) and \
                (actor is None or event.actor_id == actor.id):
            return event
    return None


#: What an act's history payload adds to the form's own content (``plans._apply_act``).
_ADDED_BY_THE_ACT = ("milestones", "effects", "recorded_late")


def same_content(event: PlanEvent, command, today) -> bool:
    """Whether ``event`` records what ``command`` (an ``ActCommand``) brings: the same form sent again (Back and
    resend, a second click), not another act of the same kind from another tab (a second amendment, another
    hearing), which must not be taken for it and lost."""
    payload = {k: v for k, v in (event.payload or {}).items() if k not in _ADDED_BY_THE_ACT}
    return (event.act_on == (command.act_on or today) and (event.reference or "") == command.reference.strip()
            and payload == json.loads(json.dumps(dict(command.payload), default=str)))
