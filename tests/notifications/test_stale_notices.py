"""After a gap in the scheduler (a worker outage, a digest that did not run, a trial's simulated date that jumped),
a reminder, a due-day notice or a survey request whose day has passed never goes out as if it were current: left out
when a later notice says the current situation (or its month closed), else said in the past tense with today's
situation (QA, 2028 trial: the digest of 31 August asked for July's survey «hasta el último día de julio»; a mail of
6 December read «Hoy, jueves 30 de noviembre de 2028, es el último día…»)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from notifications.digest import send_digests
from notifications.jobs import deliver
from notifications.sweep import milestones, run_sweep
from state_machines import calendar as legal_calendar
from tests.workflow_app.story import Cast, make_plan, walk_to
from workflow_app.models import Delivery, Notification
from workflow_app.services.followup.survey import send_monthly_survey
from workflow_app.services.phase2.procedures import phase2_deadlines_for


@pytest.fixture
def genova(db_session):
    """Génova's plan in force since 22 May 2028: its harmonisation, due 31 December 2028 (a Sunday), untouched."""
    cast = Cast(db_session, make_plan(db_session, "63302"))
    cast.plan.entity.fiscal_category = "6"
    db_session.commit()
    walk_to(cast, "in_force")
    return cast


def _harmonisation(db_session, cast) -> legal_calendar.Deadline:
    return legal_calendar.deadline_map(phase2_deadlines_for(db_session, cast.plan))["harmonization"]


def _told(db_session, user, step: str, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id, Notification.step_key == step)
    if kind:
        query = query.where(Notification.kind == kind)
    return db_session.scalars(query.order_by(Notification.id)).all()


def test_a_sweep_after_a_gap_counts_the_days_left_from_its_own_day(genova, db_session):
    deadline = _harmonisation(db_session, genova)
    cal = legal_calendar.default_calendar(genova.plan.entity.weekdays)
    five_before = next(on for offset, _, on in milestones(deadline, cal) if offset == "5")
    one_before = next(on for offset, _, on in milestones(deadline, cal) if offset == "1")
    late = cal.add_business_days(five_before, 2)
    assert five_before < late < one_before
    run_sweep(late)  # nothing ran on the 5-day reminder's day
    (notice,) = _told(db_session, genova.ejecutivo, "harmonization")
    left = cal.business_days_between(late, deadline.act_by)
    assert left == 3 and f"faltan {left} días hábiles —" in notice.subject and "faltan 5" not in notice.subject


def test_a_due_day_told_after_it_passed_is_said_in_the_past_tense(genova, db_session):
    """31 December 2028 is a Sunday: act by Friday 29 December; late from 3 January 2029 (1 January is a holiday).
    A sweep that first runs on 2 January owes the due day's milestone, not yet the overdue one."""
    deadline = _harmonisation(db_session, genova)
    assert (deadline.act_by, deadline.overdue_from) == (date(2028, 12, 29), date(2029, 1, 3))
    run_sweep(date(2029, 1, 2))
    (notice,) = _told(db_session, genova.ejecutivo, "harmonization")
    assert notice.kind == "due_today" and "Hoy, viernes" not in notice.body and "hoy vence" not in notice.subject
    assert notice.subject.startswith("Génova (Quindío): el último día era el 29 de diciembre de 2028 — ")
    assert ("fue el viernes 29 de diciembre de 2028. Hoy, martes 2 de enero de 2029, el paso sigue pendiente y desde "
            "el miércoles 3 de enero de 2029 se tendrá por atrasado") in notice.body


def test_a_due_day_mail_held_by_a_worker_outage_goes_out_in_the_past_tense(genova, db_session, smtp_sink,
                                                                            embedded_jobs, set_today):
    set_today("2028-12-29")
    run_sweep(date(2028, 12, 29))  # the due day, on its day
    embedded_jobs.join()
    (notice,) = _told(db_session, genova.ejecutivo, "harmonization", "due_today")
    assert "Hoy, viernes 29 de diciembre de 2028, es el último día" in notice.body
    # The worker was down: the row never left (the sweep re-queues it when the worker is back).
    delivery = db_session.scalar(select(Delivery).filter_by(notification_id=notice.id))
    db_session.execute(update(Delivery).where(Delivery.id == delivery.id).values(status="pending", sent_at=None))
    db_session.commit()
    before = len(smtp_sink.to(genova.ejecutivo.email))
    set_today("2029-01-02")
    assert deliver(delivery.id) == "enviada"
    mail = smtp_sink.to(genova.ejecutivo.email)[before:]
    assert len(mail) == 1
    text = smtp_sink.text_of(mail[0])
    assert mail[0]["Subject"].startswith("Génova (Quindío): el plazo era hasta el 29 de diciembre de 2028 — ")
    assert "Este aviso se escribió el viernes 29 de diciembre de 2028 y sale hoy, martes 2 de enero de 2029" in text
    assert "ya pasó y el paso sigue pendiente" in text and not text.startswith("Hoy")


def test_a_held_due_day_mail_is_not_sent_once_the_overdue_notice_says_the_situation(genova, db_session, smtp_sink,
                                                                                     embedded_jobs, set_today):
    set_today("2028-12-29")
    run_sweep(date(2028, 12, 29))
    embedded_jobs.join()
    (notice,) = _told(db_session, genova.ejecutivo, "harmonization", "due_today")
    delivery = db_session.scalar(select(Delivery).filter_by(notification_id=notice.id))
    db_session.execute(update(Delivery).where(Delivery.id == delivery.id).values(status="pending", sent_at=None))
    db_session.commit()
    set_today("2029-01-04")
    run_sweep(date(2029, 1, 4))  # the overdue notice, written and sent
    embedded_jobs.join()
    assert [n.kind for n in _told(db_session, genova.ejecutivo, "harmonization")] == ["due_today", "overdue"]
    before = len(smtp_sink.to(genova.ejecutivo.email))
    assert deliver(delivery.id) == "superada"
    assert len(smtp_sink.to(genova.ejecutivo.email)) == before
    db_session.expire_all()
    held = db_session.get(Delivery, delivery.id)
    assert held.status == "digested" and held.sent_at is None  # folded away, unsent; the notice stays in the centre


def test_a_digest_of_only_a_past_months_survey_is_not_sent(db_session, smtp_sink, embedded_jobs):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    send_monthly_survey(db_session, date(2028, 7, 1))  # July's request; no digest ran in July
    assert send_digests(date(2028, 8, 31)).users == 0  # its month closed: nothing to send
    embedded_jobs.join()
    assert smtp_sink.to(cast.planeacion.email) == []
    (delivery,) = db_session.scalars(select(Delivery).join(Notification)
                                     .where(Notification.user_id == cast.planeacion.id)).all()
    assert delivery.status == "digested" and delivery.digest_id is None  # folded away: not asked again


def test_the_digest_of_the_last_day_asks_for_the_months_survey_not_the_last_months(db_session, smtp_sink,
                                                                                    embedded_jobs):
    """31 August 2028, after a jump from July: July's request is left out, August's is in."""
    cast = Cast(db_session, make_plan(db_session, "63302"))
    send_monthly_survey(db_session, date(2028, 7, 1))
    send_monthly_survey(db_session, date(2028, 8, 31))
    report = send_digests(date(2028, 8, 31))
    embedded_jobs.join()
    assert (report.users, report.notices) == (1, 1)
    (mail,) = smtp_sink.to(cast.planeacion.email)
    text = smtp_sink.text_of(mail)
    assert "Encuesta mensual de Gobierno al Plan (agosto de 2028)" in text
    assert "julio" not in text and "1 aviso anterior ya no rige" in text
    assert mail["Subject"] == "Resumen diario de la Ruta PDT: 1 aviso (31 de agosto de 2028)"


def test_a_step_notice_whose_day_passed_is_left_out_of_a_late_digest_once_the_overdue_notice_went_out(
        db_session, smtp_sink, embedded_jobs):
    """The sanction (19 May 2028) asked the executive side to send the governor a copy by 26 May (L136 art. 82);
    a digest first written on 30 May, after the sweep's overdue notice, does not ask «actúe a más tardar el viernes
    26 de mayo» as if it were still to come."""
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "in_force")
    asked = _told(db_session, cast.planeacion, "governor_copy", "transition")
    assert asked and asked[0].due_on == date(2028, 5, 26)
    run_sweep(date(2028, 5, 30))
    embedded_jobs.join()
    assert _told(db_session, cast.planeacion, "governor_copy", "overdue")
    send_digests(date(2028, 5, 30))
    embedded_jobs.join()
    texts = [smtp_sink.text_of(m) for m in smtp_sink.to(cast.planeacion.email) if "Resumen diario" in m["Subject"]]
    assert not any("actúe a más tardar el viernes 26 de mayo de 2028" in t for t in texts)
    db_session.expire_all()
    held = db_session.scalar(select(Delivery).filter_by(notification_id=asked[0].id))
    assert held.status == "digested"  # folded away; the notice stays in the notification centre
