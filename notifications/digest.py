"""The daily digest: each user's non-urgent notices of the day in one e-mail.

Idempotent: the digest delivery of (user, day) has a unique key, and the grouped rows are taken with
``FOR UPDATE SKIP LOCKED`` and marked ``digested`` in the same transaction that writes the digest, so two runs
(or a run repeated by hand) never send a notice twice. Notices that arrive after a user's digest of the day
was written wait for the next day's digest.

A notice that asks for a step of the route (a plan moved on to it, a reminder before its term) and whose step was
recorded since ("Atendida" in the notification centre: the duty is no longer pending for the plan) is not listed as
work to do: the digest says how many such notices it leaves out, and a digest of nothing else is not sent (they
stay in the notification centre). A planning office that records a month of past acts in one afternoon does not
send the corporation a morning list of "actúe a más tardar" for steps already behind the plan.

After a gap (the digest did not run for days, a trial's simulated date jumped), a notice whose day has passed is
left out when a later notice says the current situation or its survey's month closed, and said in the past tense
otherwise (``notifications.currency``); the digest says how many it leaves out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from notifications.centre import is_attended, period_over
from notifications.currency import currency
from state_machines.calendar import format_date_es
from state_machines.core.wording import readable_sources
from workflow_app.infra.extensions import db
from workflow_app.infra.jobs import enqueue_after_commit
from workflow_app.infra.proxy import public_base_url
from workflow_app.models import Delivery, Notification, Plan, User
from workflow_app.services.outbox import DELIVER_JOB


@dataclass
class DigestReport:
    users: int = 0
    notices: int = 0

    def as_text(self) -> str:
        return f"Resúmenes diarios enviados: {self.users} (avisos agrupados: {self.notices})"


def digest_key(user_id: int, day: date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def send_digests(day: date, session: Session | None = None) -> DigestReport:
    session = session or db.session()
    report = DigestReport()
    user_ids = session.scalars(
        select(Notification.user_id).join(Delivery, Delivery.notification_id == Notification.id)
        .where(Delivery.status == "digest").distinct().order_by(Notification.user_id)
    ).all()
    for user_id in user_ids:
        grouped = _digest_for(session, user_id, day)
        if grouped:
            report.users += 1
            report.notices += grouped
    return report


def _digest_for(session: Session, user_id: int, day: date) -> int:
    key = digest_key(user_id, day)
    if session.scalar(select(Delivery.id).filter_by(delivery_key=key)) is not None:
        return 0
    rows = session.execute(
        select(Delivery, Notification).join(Notification, Delivery.notification_id == Notification.id)
        .where(Notification.user_id == user_id, Delivery.status == "digest")
        .order_by(Notification.plan_id, Notification.due_on, Notification.id)
        .with_for_update(of=Delivery, skip_locked=True)
    ).all()
    if not rows:
        session.rollback()
        return 0
    user = session.get(User, user_id)
    settled = settled_notices(session, [n for _, n in rows], day)
    # After a gap (the digest did not run, a simulated date that jumped), a notice whose day passed is left out when
    # a later one says the current situation, or said in the past tense (``notifications.currency``).
    current = currency(session, [n for _, n in rows if n.id not in settled], day)
    overtaken = {i for i, c in current.items() if c.left_out}
    notices = [n for _, n in rows if n.id not in settled and n.id not in overtaken]
    if not notices:  # every notice's step is behind its plan now, or no longer current: nothing to send
        for delivery, _ in rows:
            delivery.status = "digested"
        session.commit()
        return 0
    try:
        with session.begin_nested():
            digest = Delivery(notification_id=None, channel="email", recipient=user.email, delivery_key=key,
                              status="pending", subject=digest_subject(len(notices), day),
                              body=digest_body(user, notices, day, left_out=len(settled),
                                               overtaken=len(overtaken),
                                               wording={i: (c.subject, c.body) for i, c in current.items()
                                                        if not c.left_out}))
            session.add(digest)
            session.flush()
    except IntegrityError:  # another run wrote this user's digest a moment ago
        session.rollback()
        return 0
    for delivery, _ in rows:
        delivery.status, delivery.digest_id = "digested", digest.id
    enqueue_after_commit(session, DELIVER_JOB, digest.id)
    session.commit()
    return len(notices)


#: What a notice's link opens, said on it: most open the plan; the survey's and the proposals' open their forms.
LINK_LABELS = {"survey": "Responder la encuesta", "proposal": "Moderar las propuestas"}


def link_label(kind: str) -> str:
    return LINK_LABELS.get(kind, "Ver el plan")


def digest_subject(count: int, day: date) -> str:
    avisos = "aviso" if count == 1 else "avisos"
    return f"Resumen diario de la Ruta PDT: {count} {avisos} ({format_date_es(day)})"


#: The notices that ask for a step of the route (not the effects, surveys or proposals, which only inform).
ASKING_KINDS = ("transition", "reminder")


def settled_notices(session: Session, notices: list[Notification], day: date) -> set[int]:
    """The ids of the ``notices`` asking for a step the plan no longer owes on ``day``: "Atendida" or "Sin efecto"
    (its plan's period over) in the notification centre (``centre.is_attended``, ``centre.period_over``: the same
    rules), read with their plans, procedures and periods in one query."""
    asking = [n for n in notices if n.kind in ASKING_KINDS and n.step_key and n.plan_id]
    if not asking:
        return set()
    session.scalars(select(Plan).where(Plan.id.in_({n.plan_id for n in asking}))
                    .options(selectinload(Plan.procedures), selectinload(Plan.period))).all()  # held by the session
    return {n.id for n in asking if is_attended(n) or period_over(n, day)}


def digest_body(user: User, notices: list[Notification], day: date, left_out: int = 0, overtaken: int = 0,
                wording: dict[int, tuple[str, str]] | None = None) -> str:
    """``left_out``: notices whose step was recorded since; ``overtaken``: notices no longer current; ``wording``:
    notice id -> (subject, body) said anew for a notice whose day passed (``notifications.currency``)."""
    base = public_base_url()
    wording = wording or {}
    lines = [f"Resumen diario de la Ruta PDT — {format_date_es(day, weekday=True)}", "",
             f"Hola, {user.name}. Estos son sus avisos del día ({len(notices)}):", ""]
    for i, n in enumerate(notices, 1):
        subject, body = wording.get(n.id, (n.subject, n.body)) if wording else (n.subject, n.body)
        lines.append(f"{i}. {subject}")
        lines.append(f"   {body}")
        if n.due_on:
            lines.append(f"   Fecha: {format_date_es(n.due_on, weekday=True)}")
        if n.legal_basis:
            lines.append(f"   Norma: {readable_sources(n.legal_basis)}")
        lines.append(f"   {link_label(n.kind)}: {base}{n.link}")
        lines.append("")
    if left_out:
        lines += [(f"{left_out} aviso más de este día ya no pide nada: su paso se registró después de escrito."
                   if left_out == 1 else
                   f"{left_out} avisos más de este día ya no piden nada: sus pasos se registraron después de "
                   "escritos.") + f" Están en {base}/notificaciones.", ""]
    if overtaken:
        lines += [(f"{overtaken} aviso anterior ya no rige: su fecha pasó y lo reemplaza uno más reciente, o la "
                   "encuesta de un mes ya cerrado." if overtaken == 1 else
                   f"{overtaken} avisos anteriores ya no rigen: su fecha pasó y los reemplazan avisos más recientes, "
                   "o son encuestas de meses ya cerrados.") + f" Están en {base}/notificaciones.", ""]
    lines += ["--", "Ruta PDT · Resumen diario automático; no responda a este correo.",
              "Los avisos del día del vencimiento y los de plazos vencidos llegan siempre de inmediato.",
              f"Puede elegir entre correo inmediato y resumen diario en {base}/notificaciones/preferencias."]
    return "\n".join(lines)


def digest_job() -> str:
    """RQ cron entry point (07:00 America/Bogota): the digest of today's Bogotá date."""
    return send_digests(current_app.extensions["clock"].today()).as_text()
