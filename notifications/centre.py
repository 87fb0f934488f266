"""The in-app notification centre, preferences, feed tokens and the admin view of failed deliveries."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, bindparam, false, func, literal, literal_column, or_, select, update
from sqlalchemy.orm import Session, selectinload

from state_machines.approval.pdt import PERIOD_END_BASIS, duties_ended
from state_machines.approval.route import DUTY_BY_KEY, SETTLING_FACTS, turn_left
from state_machines.phase2 import PHASE2_DUTIES, phase2_procedure_state, phase2_step_done
from workflow_app.infra.clock import clock
from workflow_app.infra.extensions import db
from workflow_app.infra.jobs import enqueue_after_commit
from workflow_app.models import Delivery, Notification, Period, Plan, Procedure, User, new_feed_token
from workflow_app.services.integrity.health import STALE_DELIVERY_SECONDS
from workflow_app.services.outbox import DELIVER_JOB

PAGE_SIZE = 100


NEW, READ, ATTENDED, ENDED = "Nueva", "Leída", "Atendida", "Sin efecto"
#: Why a notice reads «Sin efecto»: the step it asked for is no longer owed, its plan's period being over.
ENDED_NOTE = f"El período del plan terminó: la ley ya no pide este paso ({PERIOD_END_BASIS})."


def is_attended(notification: Notification) -> bool:
    """Its task is done: the legal duty it was about (``step_key``, a deadline key) is no longer pending in its
    plan, because the act it asked for was recorded or the plan moved past it. Computed, so always current."""
    plan = notification.plan
    if plan is None:
        return False
    phase2 = phase2_step_done(notification.step_key, phase2_procedure_state(notification.step_key, plan.procedures))
    if phase2 is not None:  # a Phase II term: done once its procedure left the states that owe it
        return phase2
    authority = (notification.step_key or "").partition(":")[2]
    car_state = next((p.state for p in plan.procedures if p.machine == "car_review" and p.subject == authority),
                     None)
    fact = SETTLING_FACTS.get((notification.step_key or "").split(":", 1)[0])
    return _attended(notification.step_key, plan.state, car_state,
                     bool(fact and (plan.event_dates or {}).get(fact)))


def _attended(step_key: str | None, plan_state: str | None, car_state: str | None, settled: bool = False,
              phase2_state: str | None = None) -> bool:
    """``is_attended`` from what it reads: the plan's state, the CAR review's the key names (if any), whether
    the act that settles the duty in the same state was recorded (``route.Duty.settled_by``: the copy to the
    governor, a convocation), and the state of the Phase II procedure the key names (if any)."""
    phase2 = phase2_step_done(step_key, phase2_state)
    if phase2 is not None:
        return phase2
    left = turn_left(step_key, plan_state)
    if left is not None:  # a turn without a term (``route.TURNS``): done once the plan moved on
        return left
    duty = DUTY_BY_KEY.get((step_key or "").split(":", 1)[0])
    if plan_state is None or duty is None:
        return False
    if settled:
        return True
    state = car_state if duty.deadline_key == "car_concept" else plan_state
    return state not in duty.pending_states


def period_over(notification: Notification, today: date) -> bool:
    """The notice asked for a step of a plan whose period is over: nothing of its route is owed any more
    (``pdt.duties_ended``), so it waits for nothing, read or not. Notices that only inform keep their status."""
    plan = notification.plan
    return bool(notification.step_key and plan is not None and _ended(plan.period.end_on, today))


def _ended(period_end: date | None, today: date) -> bool:
    return period_end is not None and duties_ended(period_end, today)


def status_of(notification: Notification, today: date | None = None) -> str:
    """«Atendida» when its step was done (even after the period), «Sin efecto» when its plan's period ended with
    the step still pending, else «Leída» or «Nueva»."""
    if is_attended(notification):
        return ATTENDED
    if period_over(notification, today or clock().today()):
        return ENDED
    return READ if notification.read_at else NEW


_NOTICES, _PLANS, _PERIODS = Notification.__table__, Plan.__table__, Period.__table__
_CAR = Procedure.__table__.alias("car_review")
_PHASE2 = Procedure.__table__.alias("phase2")
#: The Phase II procedure a notice's key names (``budget_filing:2029`` → the budget of 2029), for its «Atendida»:
#: the procedure's machine beside the key, ended by ``$``, with ``:`` + the procedure's own subject taken off its
#: end (``budget budget_filing:`` for a yearly term, ``harmonization harmonization$`` for one a period), is one of
#: the Phase II terms'. One comparison with a list of constants, not one per term: the sign-in statement, which
#: carries this join on every signed-in page, stays under psycopg's 4 KB, so its conversion is cached (it was
#: parsed again on every request).
_PHASE2_TERMS = tuple(f"{pd.machine} {pd.duty.deadline_key}{':' if pd.is_yearly else '$'}" for pd in PHASE2_DUTIES)
assert all(re.fullmatch(r"[a-z0-9_]+ [a-z0-9_]+[:$]", term) for term in _PHASE2_TERMS)  # written into the SQL
_PHASE2_OF_NOTICE = and_(
    _PHASE2.c.plan_id == _NOTICES.c.plan_id,
    (_PHASE2.c.machine + literal_column("' '")
     + func.replace(_NOTICES.c.step_key + literal_column("'$'"), literal_column("':'") + _PHASE2.c.subject
                    + literal_column("'$'"), literal_column("':'")))
    .in_([literal_column(f"'{term}'") for term in _PHASE2_TERMS]))
#: Whether the notice's duty was settled by its act in the same state (``SETTLING_FACTS``), read in SQL.
_SETTLED = or_(false(), *(and_(or_(_NOTICES.c.step_key == key, _NOTICES.c.step_key.startswith(key + ":")),
                               _PLANS.c.event_dates[fact].as_string().is_not(None))
                          for key, fact in SETTLING_FACTS.items()))
_UNREAD = (select(_NOTICES.c.step_key, _PLANS.c.state, _CAR.c.state, _SETTLED.label("settled"),
                  _PERIODS.c.end_on.label("period_end"), _PHASE2.c.state.label("phase2_state"), func.count())
           .select_from(_NOTICES)
           .outerjoin(_PLANS, _PLANS.c.id == _NOTICES.c.plan_id)
           .outerjoin(_PERIODS, _PERIODS.c.id == _PLANS.c.period_id)
           .outerjoin(_CAR, and_(_CAR.c.plan_id == _NOTICES.c.plan_id, _CAR.c.machine == "car_review",
                                 _NOTICES.c.step_key == literal("car_concept:") + _CAR.c.subject))
           .outerjoin(_PHASE2, _PHASE2_OF_NOTICE)
           .where(_NOTICES.c.user_id == bindparam("user_id"), _NOTICES.c.read_at.is_(None))
           .group_by(_NOTICES.c.step_key, _PLANS.c.state, _CAR.c.state, _SETTLED, _PERIODS.c.end_on,
                     _PHASE2.c.state))


#: The same counts as a subquery, for the sign-in loader to read with the person's row (one statement fewer on
#: every signed-in page); its ``user_id`` parameter is bound by the outer statement.
UNREAD_BY_KEY = _UNREAD.subquery("unread")


def unread_count(user: User, session: Session | None = None, today: date | None = None) -> int:
    """Unread notifications still waiting for something: an attended one is no longer news. One statement (every
    signed-in page shows the figure): the unread ones counted by their key and the states that decide it, in Core
    on the tables (plain rows: the ORM's compilation of the same statement cost twice its Python time)."""
    session = session or db.session
    return unread_of(session.execute(_UNREAD, {"user_id": user.id}), today)


def unread_of(rows, today: date | None = None) -> int:
    """The figure from (key, plan state, CAR review state, settled, period's end, Phase II procedure's state, count)
    rows; a row of nulls (an outer join that found no notice) counts nothing, nor does a step whose plan's period
    is over."""
    today = today or clock().today()
    return sum(count or 0 for step_key, plan_state, car_state, settled, period_end, phase2_state, count in rows
               if step_key is None or not (_attended(step_key, plan_state, car_state, bool(settled), phase2_state)
                                           or _ended(period_end, today)))


def notifications_for(session: Session, user: User, limit: int = PAGE_SIZE) -> list[Notification]:
    return session.scalars(select(Notification).where(Notification.user_id == user.id)
                           .options(selectinload(Notification.plan).selectinload(Plan.procedures),
                                    selectinload(Notification.plan).selectinload(Plan.period))
                           .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)).all()


def mark_read(session: Session, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) notification of ``user`` as read; others' are never touched."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    count = session.execute(query.values(read_at=datetime.now(timezone.utc))).rowcount
    session.commit()
    return count


def set_email_preference(session: Session, user: User, wants_immediate_email: bool) -> None:
    user.wants_immediate_email = wants_immediate_email
    session.commit()


def rotate_user_token(session: Session, user: User) -> str:
    """A new secret URL: the old one stops working (a leaked link is revoked this way)."""
    user.ical_token = new_feed_token()
    session.commit()
    return user.ical_token


def ensure_user_token(session: Session, user: User) -> str:
    if not user.ical_token:
        return rotate_user_token(session, user)
    return user.ical_token


def failed_deliveries(session: Session, limit: int = 200) -> list[Delivery]:
    """Failed deliveries, pending ones that failed an attempt, and pending ones older than the health check's
    limit (no worker took them: QA, 7 December 2026, the first administrator's link waited unseen while /salud
    said «degradado»)."""
    stuck_since = datetime.now(timezone.utc) - timedelta(seconds=STALE_DELIVERY_SECONDS)
    return session.scalars(
        select(Delivery).where(or_(Delivery.status == "failed",
                                   (Delivery.status == "pending") & Delivery.last_error.is_not(None),
                                   (Delivery.status == "pending") & (Delivery.created_at < stuck_since)))
        .order_by(Delivery.id.desc()).limit(limit)
    ).all()


def retry_delivery(session: Session, delivery_id: int) -> bool:
    """Give a failed (or waiting) delivery a fresh set of attempts now; False if it is not retryable."""
    count = session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status.in_(("failed", "pending")))
        .values(status="pending", attempts=0, next_attempt_at=None, lease_until=None)
    ).rowcount
    if count:
        enqueue_after_commit(session, DELIVER_JOB, delivery_id)
    session.commit()
    return bool(count)
