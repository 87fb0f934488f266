"""The outbox writer: notifications and their deliveries, written in the caller's transaction.

Services (an act's notices, a proposal's moderation notice) and the layer above them (the sweep, the digest)
all tell people through here. Deliveries are sent after the commit by the job named ``DELIVER_JOB``, which
lives in ``notifications.jobs`` and is referred to by name only, as RQ does: the outbox never imports the
delivery code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflow_app.infra.jobs import enqueue_after_commit, register_batch
from workflow_app.models import Delivery, Notification, User, recorded_now, utcnow

DELIVER_JOB = "notifications.jobs.deliver"
#: The same work for a list of ids (``notifications.jobs.deliver_batch``); ``workflow_app.infra.jobs`` folds queued DELIVER_JOBs
#: of one commit into batches of ``DELIVER_BATCH_SIZE``.
DELIVER_BATCH_JOB = "notifications.jobs.deliver_batch"
DELIVER_BATCH_SIZE = 50
#: Up to this many notices (an act tells a handful) go in one statement with their deliveries; the sweep's larger
#: batches take two executemany statements (``_notify_in_batches``).
ONE_STATEMENT_ROWS = 200
register_batch(DELIVER_JOB, DELIVER_BATCH_JOB, DELIVER_BATCH_SIZE)


@dataclass(frozen=True)
class Message:
    kind: str  # reminder, due_today, overdue, escalation, effect, transition
    dedupe_key: str  # the same key is never told twice to the same person
    subject: str
    body: str
    link: str = "/"
    plan_id: int | None = None
    step_key: str | None = None
    due_on: date | None = None
    legal_basis: str = ""
    is_urgent: bool = False  # deadline-day and overdue items always go out at once
    #: A proof the person keeps (a concept's receipt) goes out at once too, whatever the person chose, without being
    #: shown as urgent: a CTP that delivers on its month's last day has its proof that day (QA, 7 December 2026).
    send_now: bool = False


def notify(session: Session, users: list[User], message: Message) -> list[Notification]:
    """Tell each user once. Returns the notifications actually created (already-told users are skipped)."""
    created: list[Notification] = []
    for user in {u.id: u for u in users}.values():
        key = f"{message.dedupe_key}:u{user.id}"
        if session.scalar(select(Notification.id).filter_by(dedupe_key=key)) is not None:
            continue
        try:
            with session.begin_nested():  # a concurrent sweep may insert the same key: skip, don't fail
                notification = Notification(
                    user_id=user.id, plan_id=message.plan_id, kind=message.kind, dedupe_key=key,
                    subject=message.subject, body=message.body, step_key=message.step_key,
                    due_on=message.due_on, legal_basis=message.legal_basis, link=message.link,
                    is_urgent=message.is_urgent,
                )
                session.add(notification)
                session.flush()
                immediate = _status(message, user) == "pending"
                delivery = Delivery(
                    notification_id=notification.id, channel="email", recipient=user.email,
                    delivery_key=f"email:{key}", status="pending" if immediate else "digest",
                )
                session.add(delivery)
                session.flush()
        except IntegrityError:
            continue
        if immediate:
            enqueue_after_commit(session, DELIVER_JOB, delivery.id)
        created.append(notification)
    return created


#: ``notify_many``'s statement (PostgreSQL): one row per (notice, recipient) from the arrays, the notices inserted
#: unless their key was already told, and one e-mail delivery for each notice inserted.
_NOTIFY_AND_DELIVER = text("""
WITH r AS (
    SELECT * FROM unnest(CAST(:user_ids AS integer[]), CAST(:plan_ids AS integer[]), CAST(:kinds AS varchar[]),
                         CAST(:keys AS varchar[]), CAST(:subjects AS varchar[]), CAST(:bodies AS text[]),
                         CAST(:step_keys AS varchar[]), CAST(:due_ons AS date[]), CAST(:bases AS varchar[]),
                         CAST(:links AS varchar[]), CAST(:urgent AS boolean[]), CAST(:recipients AS varchar[]),
                         CAST(:statuses AS varchar[]))
        AS r(user_id, plan_id, kind, dedupe_key, subject, body, step_key, due_on, legal_basis, link, is_urgent,
             recipient, status)
), n AS (
    INSERT INTO notifications (user_id, plan_id, kind, dedupe_key, subject, body, step_key, due_on, legal_basis,
                               link, is_urgent, created_at)
    SELECT user_id, plan_id, kind, dedupe_key, subject, body, step_key, due_on, legal_basis, link, is_urgent,
           CAST(:shown AS timestamptz)
    FROM r
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id, dedupe_key
)
INSERT INTO deliveries (notification_id, channel, recipient, delivery_key, status, attempts, created_at)
SELECT n.id, 'email', r.recipient, 'email:' || n.dedupe_key, r.status, 0, CAST(:now AS timestamptz)
FROM n JOIN r ON r.dedupe_key = n.dedupe_key
RETURNING id, status, delivery_key
""")


def notify_many(session: Session, items: list[tuple[list, Message]]) -> list[tuple[Message, int]]:
    """Bulk ``notify`` (the sweep, an act's notices): on PostgreSQL one statement per batch writes the
    notifications (INSERT … ON CONFLICT DO NOTHING, so a key already told, or being told by an overlapping
    sweep, is skipped by the unique constraint itself) and the deliveries of those inserted.

    ``items`` are (recipients, message); a recipient needs ``id``, ``email`` and ``wants_immediate_email``.
    Returns (message, recipients newly told). Other databases go through ``notify`` one by one.
    """
    if session.get_bind().dialect.name != "postgresql":
        return [(m, len(notify(session, users, m))) for users, m in items]
    by_key = {}  # each (notice, person) once
    for users, m in items:
        for user in users:
            by_key[f"{m.dedupe_key}:u{user.id}"] = (m, user)
    if not by_key:
        return []
    now = utcnow()  # deliveries: real time (their retries and leases run on it)
    shown = recorded_now()  # the notice's "Recibida el …": the calendar in force (issue 18)
    if len(by_key) > ONE_STATEMENT_ROWS:
        return _notify_in_batches(session, items, by_key, shown, now)
    # One statement of a fixed shape (compiled once, whatever the number of notices): the notices and their
    # recipients as arrays, unnested; ON CONFLICT DO NOTHING keeps each key told once; the deliveries joined to
    # the notices actually inserted.
    keys = list(by_key)
    told = [by_key[k] for k in keys]
    created = session.execute(_NOTIFY_AND_DELIVER, {
        "user_ids": [u.id for _m, u in told], "plan_ids": [m.plan_id for m, _u in told],
        "kinds": [m.kind for m, _u in told], "keys": keys, "subjects": [m.subject for m, _u in told],
        "bodies": [m.body for m, _u in told], "step_keys": [m.step_key for m, _u in told],
        "due_ons": [m.due_on for m, _u in told], "bases": [m.legal_basis for m, _u in told],
        "links": [m.link for m, _u in told], "urgent": [m.is_urgent for m, _u in told],
        "recipients": [u.email for _m, u in told], "statuses": [_status(m, u) for m, u in told],
        "shown": shown, "now": now}).all()
    counts: dict[str, int] = {}
    for delivery_id, status, delivery_key in created:
        m, _user = by_key[delivery_key.removeprefix("email:")]
        counts[m.dedupe_key] = counts.get(m.dedupe_key, 0) + 1
        if status == "pending":
            enqueue_after_commit(session, DELIVER_JOB, delivery_id)
    return [(m, counts[m.dedupe_key]) for _, m in items if m.dedupe_key in counts]


def _status(m: Message, user) -> str:
    return "pending" if m.is_urgent or m.send_now or user.wants_immediate_email else "digest"


def _notify_in_batches(session: Session, items, by_key: dict, shown, now) -> list[tuple[Message, int]]:
    """The sweep's large batches: two executemany statements (SQLAlchemy's insertmanyvalues splits them under
    the server's limit of bound parameters)."""
    rows = [dict(user_id=user.id, plan_id=m.plan_id, kind=m.kind, dedupe_key=key, subject=m.subject, body=m.body,
                 step_key=m.step_key, due_on=m.due_on, legal_basis=m.legal_basis, link=m.link,
                 is_urgent=m.is_urgent, read_at=None, created_at=shown) for key, (m, user) in by_key.items()]
    inserted = session.execute(
        insert(Notification).on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Notification.id, Notification.dedupe_key), rows,
    ).all()
    if not inserted:
        return []
    deliveries = []
    counts: dict[str, int] = {}
    for notification_id, key in inserted:
        m, user = by_key[key]
        deliveries.append(dict(notification_id=notification_id, channel="email", recipient=user.email,
                               delivery_key=f"email:{key}", status=_status(m, user), attempts=0, created_at=now))
        counts[m.dedupe_key] = counts.get(m.dedupe_key, 0) + 1
    created = session.execute(insert(Delivery).returning(Delivery.id, Delivery.status), deliveries).all()
    for delivery_id, status in created:
        if status == "pending":
            enqueue_after_commit(session, DELIVER_JOB, delivery_id)
    return [(m, counts[m.dedupe_key]) for _, m in items if m.dedupe_key in counts]
