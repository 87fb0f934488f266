"""Monitoreo 360's cron jobs run for real: enqueued on Redis, executed by `rq worker` processes on the test database,
the survey's e-mails delivered through the outbox to an SMTP server, the SETA cut stored once."""
from __future__ import annotations

from datetime import date

from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from tests.notifications.conftest import wait_until
from tests.workflow_app.story import Cast, make_plan
from workflow_app.infra.jobs import QUEUE_NAME
from workflow_app.models import Delivery, Notification, SetaCut, SetaCutRow


def _sent(session) -> int:
    session.rollback()  # read what the workers committed
    return session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "sent"))


def test_the_monthly_survey_job_reaches_each_entity_by_e_mail_once(db_session, smtp_sink, use_rq, rq_workers,
                                                                    redis_url):
    genova = Cast(db_session, make_plan(db_session, "63302"))
    soledad = Cast(db_session, make_plan(db_session, "08758"))
    for cast in (genova, soledad):
        cast.planeacion.wants_immediate_email = True
    db_session.commit()
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))
    queue.enqueue("workflow_app.services.followup.survey.survey_job", "2028-03-01")
    queue.enqueue("workflow_app.services.followup.survey.survey_job", "2028-03-02")  # the next day: nobody twice
    rq_workers.start(1)
    wait_until(lambda: _sent(db_session) == 2 and not queue.count, what="que lleguen las dos encuestas")
    mail = smtp_sink.to(genova.planeacion.email)
    assert [m["Subject"] for m in mail] == [
        "Encuesta mensual de Gobierno al Plan (marzo de 2028): Génova (Quindío)"]
    text = smtp_sink.text_of(mail[0])
    assert "Son cinco preguntas de 1 a 5" in text
    assert "Responder la encuesta: http://" in text and "/monitoreo-360/encuesta?entidad=63302" in text
    assert "Ver el plan" not in text  # the link opens the survey, and says so
    assert mail[0]["Date"].endswith("-0500")  # the house's time (America/Bogota), its offset said
    assert len(smtp_sink.to(soledad.planeacion.email)) == 1
    assert smtp_sink.to(genova.ejecutivo.email) == []  # planeación answers for the entity
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Notification).filter_by(kind="survey")) == 2


def test_the_seta_cut_job_stores_one_cut_on_a_cut_day(db_session, smtp_sink, use_rq, rq_workers, redis_url):
    Cast(db_session, make_plan(db_session, "63302"))
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))
    jobs = [queue.enqueue("workflow_app.services.followup.cuts.cut_job", day)
            for day in ("2028-03-14", "2028-03-15", "2028-03-15")]
    rq_workers.start(1)

    def finished():
        for job in jobs:
            job.refresh()
        return all(job.get_status() == "finished" for job in jobs)

    wait_until(finished, what="que el trabajador corra los tres trabajos")
    assert [job.return_value() is not None for job in jobs] == [False, True, False]
    db_session.rollback()
    cut = db_session.scalar(select(SetaCut))
    assert cut.cut_on == date(2028, 3, 15) and cut.kind == "scheduled"
    assert db_session.scalar(select(func.count()).select_from(SetaCutRow)) == 1


def test_cron_config_registers_the_survey_and_the_seta_cut(redis_url):
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=Redis.from_url(redis_url))
    scheduler.load_config_from_file("notifications/cron_config.py")
    jobs = {job.func_name: job for job in scheduler.get_jobs()}
    assert jobs["workflow_app.services.followup.survey.survey_job"].cron == "0 13 * * *"  # 08:00 Bogotá
    assert jobs["workflow_app.services.followup.cuts.cut_job"].cron == "50 4 * * *"  # 23:50 Bogotá
