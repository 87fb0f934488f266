"""RQ jobs. Each takes ids, claims its row under a lease, and is safe to run twice.

They run inside an app context: the RQ worker's (``workflow_app.worker.AppWorker``) or the embedded runner's.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from flask import current_app, render_template
from sqlalchemy import or_, select, text, update

from notifications import email
from notifications.currency import currency, may_be_stale
from notifications.digest import link_label
from workflow_app.infra.clock import BOGOTA
from workflow_app.infra.extensions import db
from workflow_app.infra.proxy import public_base_url
from workflow_app.models import Delivery, Notification
from workflow_app.services.people import accounts

LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class _Said:
    """What the notification templates read of a notice, said anew (``render_delivery``)."""

    subject: str
    body: str
    due_on: date | None
    legal_basis: str
    link: str

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = (30, 60, 120, 300, 900, 1800, 3600)


def deliver_batch(delivery_ids: list[int]) -> str:
    """Deliver several rows in one job, one after the other over the same SMTP session.

    Each row is claimed only when its turn comes, exactly as ``deliver`` does, so a worker killed mid-batch
    leaves one row under its lease (``sending``) and the rows it had not reached ``pending``: the sweep
    enqueues both again (``requeue_stalled``), and the claim keeps every message to one sending. What a batch
    saves is the queue's own cost per job (several Redis round trips and a fork-free job set-up), which was
    most of the cost of a short message.
    """
    session = db.session()
    # The batch's notifications in one query (kept referenced: the identity map holds objects weakly), and no
    # expiry on commit: every claim re-reads its own row through RETURNING, so nothing used here goes stale,
    # and rendering needs no query per message.
    notifications = session.scalars(select(Notification).join(Delivery, Delivery.notification_id == Notification.id)
                                    .where(Delivery.id.in_(delivery_ids))).all()
    saved, session.expire_on_commit = session.expire_on_commit, False
    try:
        outcomes = Counter(deliver(delivery_id) for delivery_id in delivery_ids)
    finally:
        session.expire_on_commit = saved
        del notifications
    return ", ".join(f"{name}: {count}" for name, count in sorted(outcomes.items()))


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _setting(name: str) -> str | None:
    """App config first, then the environment (a worker builds its app from the environment)."""
    value = current_app.config.get(name)
    return str(value) if value not in (None, "") else os.environ.get(name) or None


def lease() -> timedelta:
    """How long a claimed row is ours; after that a crashed worker's row may be claimed again."""
    value = _setting("PDT_DELIVERY_LEASE_SECONDS")
    return timedelta(seconds=float(value)) if value else LEASE


def backoff_seconds(attempts: int) -> float:
    value = _setting("PDT_DELIVERY_BACKOFF_SECONDS")  # e.g. "30,60,120"
    steps = tuple(float(x) for x in value.split(",")) if value else BACKOFF_SECONDS
    return steps[min(attempts - 1, len(steps) - 1)]


def claim(delivery_id: int) -> Delivery | None:
    """Take the row for LEASE; None if it is sent, failed, waiting for its retry time, or leased."""
    now = _now()
    if db.session.get_bind().dialect.name == "postgresql":
        # Losing this commit in a crash only hands the row back to the next claim; the "sent" mark that
        # follows is a normal durable commit (and flushes this one with it).
        db.session.execute(text("SET LOCAL synchronous_commit = off"))
    claimed = db.session.scalars(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            or_(Delivery.status == "pending", (Delivery.status == "sending") & (Delivery.lease_until < now)),
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
        )
        .values(status="sending", lease_until=now + lease(), attempts=Delivery.attempts + 1)
        .returning(Delivery),
        execution_options={"populate_existing": True, "synchronize_session": False},
    ).first()
    db.session.commit()
    return claimed


def deliver(delivery_id: int) -> str:
    """Send one delivery row: claim it, send it, mark it sent (or schedule its retry)."""
    delivery = claim(delivery_id)
    if delivery is None:
        return "omitida"
    n, wording = delivery.notification, None
    today = current_app.extensions["clock"].today()
    if n is not None and may_be_stale(n, today):  # mailed after its day (notifications.currency)
        verdict = currency(db.session, [n], today).get(n.id)
        if verdict is not None and verdict.left_out:
            # Not mailed: a later notice says the current situation, or its day passed with nothing left to ask.
            # It stays in the notification centre; like a digest's settled notice, folded away without a digest.
            delivery.status, delivery.lease_until = "digested", None
            db.session.commit()
            return "superada"
        if verdict is not None:
            wording = (verdict.subject, verdict.body)
    try:
        email.send(render_delivery(delivery, wording))
    except Exception as exc:  # noqa: BLE001 - any SMTP/network failure is retried later
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "failed"
        else:
            delivery.status = "pending"
            delivery.next_attempt_at = _now() + timedelta(seconds=backoff_seconds(delivery.attempts))
        delivery.lease_until = None
        db.session.commit()
        current_app.logger.warning("Entrega %s falló (intento %s): %s", delivery.id, delivery.attempts, exc)
        return delivery.status
    delivery.status, delivery.sent_at, delivery.lease_until, delivery.last_error = "sent", _now(), None, None
    db.session.commit()
    return "enviada"


def password_reset(email_address: str) -> str:
    """"¿Olvidó su contraseña?" as a job: the page answers the same, at once, for any address."""
    accounts.request_password_reset(db.session, email_address)
    return "ok"


def render_delivery(delivery: Delivery, wording: tuple[str, str] | None = None):
    """The e-mail of a delivery; ``wording``: the notice's (subject, body) as said on the day it is mailed, when its
    own day has passed (``notifications.currency``)."""
    base = public_base_url()
    if delivery.account_token is not None:
        # The link exists only here, in the message being sent: never stored, never logged.
        token = delivery.account_token
        context = {"token": token, "user": token.user, "link": accounts.token_link(token),
                   "is_invitation": token.purpose == accounts.INVITATION,
                   "expires": token.expires_at.astimezone(BOGOTA) if token.expires_at.tzinfo
                   else token.expires_at.replace(tzinfo=timezone.utc).astimezone(BOGOTA),
                   "roles": accounts.describe_memberships(token.user),
                   "inviter": token.created_by.name if token.created_by else None, "base_url": base}
        subject = delivery.subject or "Ruta PDT"
        text = render_template("email/account.txt", **context)
        html = render_template("email/account.html", **context)
    elif delivery.notification is not None:
        n = delivery.notification
        if wording is not None:
            n = _Said(wording[0], wording[1], n.due_on, n.legal_basis, n.link)
        context = {"n": n, "base_url": base, "link_label": link_label(delivery.notification.kind)}
        subject = n.subject
        text = render_template("email/notification.txt", **context)
        html = render_template("email/notification.html", **context)
    else:
        subject = delivery.subject or "Ruta PDT"
        text = delivery.body or ""
        html = render_template("email/digest.html", subject=subject, text=text, base_url=base)
    return email.build_email(delivery.recipient, subject, text, html, delivery.delivery_key)
