"""Whether a notice is still current on the day it is mailed: after a gap (a worker outage, a digest that did not
run, a trial's simulated date that jumped) a notice may go out days after it was written.

Some notices speak of a day: a reminder (``reminder``: «faltan 5 días hábiles»), the due day (``due_today``: «Hoy,
jueves 30 de noviembre de 2028, es el último día…»), a step the plan moved on to (``transition``: «actúe a más tardar
el…») and the monthly survey (``survey``: «puede responderla hasta el último día de julio», its link opening the
survey of the month in course). When one of them is mailed after the day it was written, alone or in the morning
digest:

- superseded: a later notice to the same person about the same step of the same plan (the sweep's next milestone:
  «falta 1 día», the due day, the overdue notice), or about the same entity's survey of a later month, says the
  current situation: the older one is left out (a step's ``transition`` notice only once its day has passed: until
  then it also says what the plan did);
- lapsed: its day has passed (``due_on`` before today). A survey of a month gone is left out (the month's own notice
  asks for the survey in course); a notice whose step was recorded since is left out; one whose step is still
  pending is said in the past tense, with when it was written and that the step is still pending.

Everything else goes out as written (an overdue notice, an escalation or an effect is already in the past tense; a
notice written today says what its author wrote today). Left out means not mailed: the notice stays in the
notification centre.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notifications.centre import is_attended
from state_machines.calendar import format_date_es
from state_machines.phase2 import PHASE2_DUTIES
from workflow_app.infra.clock import bogota_day
from workflow_app.models import Notification

#: Notices that speak of a day to come.
TIMED_KINDS = ("reminder", "due_today")
TRANSITION = "transition"
SURVEY = "survey"
#: The sweep's notices about a step: a later one of these supersedes an earlier reminder or due-day notice.
STEP_KINDS = ("reminder", "due_today", "overdue")


@dataclass(frozen=True)
class Currency:
    """What to mail of one notice: nothing (``left_out``), or its subject and body (rewritten when lapsed)."""

    left_out: bool
    subject: str = ""
    body: str = ""
    reason: str = ""  # "superseded" or "lapsed" when left out


def may_be_stale(n: Notification, today: date) -> bool:
    """Cheap first look (no query): only a notice that speaks of a day and was written before today can be stale."""
    return n.kind in (*TIMED_KINDS, TRANSITION, SURVEY) and bogota_day(n.created_at) < today


def currency(session: Session, notices: list[Notification], today: date) -> dict[int, Currency]:
    """Notice id -> what to mail, for the ``notices`` that may be stale (others are mailed as written); one query for
    the later notices of the same people."""
    candidates = [n for n in notices if may_be_stale(n, today)]
    if not candidates:
        return {}
    later = _latest_ids(session, candidates)
    out: dict[int, Currency] = {}
    for n in candidates:
        lapsed = n.due_on is not None and n.due_on < today
        if later.get(_topic(n), n.id) > n.id and (lapsed or n.kind != TRANSITION):
            out[n.id] = Currency(True, reason="superseded")
        elif not lapsed:
            continue  # its day still to come, and nothing newer: current
        elif n.kind == SURVEY or _step_done(n):
            out[n.id] = Currency(True, reason="lapsed")
        else:
            out[n.id] = Currency(False, *past_tense(n, today))
    return out


def _topic(n: Notification) -> tuple:
    """What a later notice must be about to supersede ``n``: the same person and step of the same plan, or the same
    person and entity's survey (its link names the entity)."""
    if n.kind == SURVEY:
        return (n.user_id, SURVEY, n.link)
    return (n.user_id, n.plan_id, n.step_key)


def _latest_ids(session: Session, notices: list[Notification]) -> dict[tuple, int]:
    """The latest notice id per topic of ``notices`` among the same people's notices (one query)."""
    users = {n.user_id for n in notices}
    latest: dict[tuple, int] = {}
    steps = [n for n in notices if n.kind != SURVEY and n.plan_id is not None and n.step_key]
    if steps:
        for user_id, plan_id, step_key, last in session.execute(
                select(Notification.user_id, Notification.plan_id, Notification.step_key, func.max(Notification.id))
                .where(Notification.user_id.in_(users), Notification.kind.in_(STEP_KINDS),
                       Notification.plan_id.in_({n.plan_id for n in steps}),
                       Notification.step_key.in_({n.step_key for n in steps}))
                .group_by(Notification.user_id, Notification.plan_id, Notification.step_key)):
            latest[(user_id, plan_id, step_key)] = last
    surveys = [n for n in notices if n.kind == SURVEY]
    if surveys:
        for user_id, link, last in session.execute(
                select(Notification.user_id, Notification.link, func.max(Notification.id))
                .where(Notification.user_id.in_({n.user_id for n in surveys}), Notification.kind == SURVEY,
                       Notification.link.in_({n.link for n in surveys}))
                .group_by(Notification.user_id, Notification.link)):
            latest[(user_id, SURVEY, link)] = last
    return latest


def _step_done(n: Notification) -> bool:
    """The step the notice asked for is no longer pending: the route's (``centre.is_attended``) or Phase II's (its
    procedure left the duty's pending states, ``state_machines.phase2.PHASE2_DUTIES``)."""
    if n.plan is None or not n.step_key:
        return False
    if is_attended(n):
        return True
    key, _, subject = n.step_key.partition(":")
    duties = [pd for pd in PHASE2_DUTIES if pd.duty.deadline_key == key]
    if not duties:
        return False
    procs = [p for p in n.plan.procedures if any(p.machine == pd.machine and (not pd.is_yearly or p.subject == subject)
                                                 for pd in duties)]
    return bool(procs) and not any(p.state in pd.duty.pending_states for p in procs for pd in duties
                                   if p.machine == pd.machine)


def past_tense(n: Notification, today: date) -> tuple[str, str]:
    """A reminder or due-day notice mailed after its day, said as what it was: when it was written, what it said,
    that its day passed and the step is still pending."""
    written = bogota_day(n.created_at)
    head, _, rest = n.subject.partition(": ")
    _, dash, label = rest.partition(" — ")
    subject = (f"{head}: el plazo era hasta el {format_date_es(n.due_on)} — {label}" if dash
               else f"{head}: aviso del {format_date_es(written)}, enviado con retraso")
    body = (f"Este aviso se escribió el {format_date_es(written, weekday=True)} y sale hoy, "
            f"{format_date_es(today, weekday=True)}, con retraso. Decía: «{n.subject}». Esa fecha, el "
            f"{format_date_es(n.due_on, weekday=True)}, ya pasó y el paso sigue pendiente: regístrelo en cuanto se "
            "cumpla; si el plazo vence, le llegará el aviso de paso atrasado.")
    return subject, body
