"""Faults, with real RQ worker processes, real Redis and a real SMTP server: nothing lost, nothing twice."""
from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select, update

from notifications.jobs import LEASE
from notifications.sweep import requeue_stalled, run_sweep
from tests.notifications.conftest import wait_until
from tests.workflow_app.story import Cast, make_plan, walk_to
from workflow_app.infra.extensions import db
from workflow_app.models import Delivery, Notification, PlanEvent


def statuses(session) -> dict[str, int]:
    session.rollback()  # read what the workers committed
    rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
    return dict(rows)


def immediate_cast(session, dane="63302") -> Cast:
    cast = Cast(session, make_plan(session, dane))
    for user in (cast.ejecutivo, cast.planeacion, cast.ctp, cast.corporacion, *cast.cars.values()):
        user.wants_immediate_email = True
    session.commit()
    return cast


def assert_each_sent_once(session, sink):
    session.rollback()
    keys = session.scalars(select(Delivery.delivery_key).where(Delivery.status == "sent")).all()
    from notifications.email import message_id

    ids = sink.message_ids()
    assert sorted(ids) == sorted(message_id(k) for k in keys)
    assert set(ids.values()) == {1}, ids


def test_reminders_reach_the_smtp_server_through_rq_workers(db_session, smtp_sink, use_rq, rq_workers):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    rq_workers.start(1)
    run_sweep(date(2028, 3, 28))  # due day for the CTP (urgent), CRQ overdue (urgent) + escalation
    wait_until(lambda: statuses(db_session).get("pending", 0) + statuses(db_session).get("sending", 0) == 0,
               what="que los trabajadores entreguen")
    mail = smtp_sink.to(cast.ctp.email)
    assert [m["Subject"] for m in mail] == [
        "Génova (Quindío): hoy vence el plazo — Entregar el concepto del Consejo Territorial de Planeación"]
    text = smtp_sink.text_of(mail[0])
    assert "Hoy, martes 28 de marzo de 2028, es el último día" in text
    assert "Norma: L152 art. 39 num. 6" in text and f"/planes/{cast.plan.id}" in text
    html = mail[0].get_body(preferencelist=("html",)).get_content()
    assert "Ver el plan" in html and "Ver el plan: http://" in text
    assert_each_sent_once(db_session, smtp_sink)


def test_worker_killed_mid_delivery_sends_exactly_once_after_lease_and_sweep(
        db_session, smtp_sink, use_rq, rq_workers, fast_retries):
    cast = immediate_cast(db_session)
    walk_to(cast, "submitted_to_ctp")
    smtp_sink.messages.clear()
    smtp_sink.hold_next_seconds = 30  # the next conversation hangs before the server accepts anything
    # The lease is production's two minutes: longer than any loaded machine takes to start the next worker and
    # deliver the rest (a shorter one raced them: the row's other queued job, run after the lease, sent it early).
    [worker] = rq_workers.start(1, lease_seconds=LEASE.total_seconds())
    run_sweep(date(2028, 3, 28))
    assert smtp_sink.holding.wait(20), "ningún trabajador llegó al servidor SMTP"
    held = wait_until(lambda: db_session.rollback() or db_session.scalar(
        select(Delivery.id).where(Delivery.status == "sending")), what="una entrega en curso")
    rq_workers.kill(worker)  # SIGKILL to the whole process group, mid-conversation

    rq_workers.start(1, lease_seconds=LEASE.total_seconds())
    # The killed job was a batch: the row in conversation stays "sending" under its lease, the rows the job
    # had not reached are still "pending" and the sweep hands them to the new worker.
    assert statuses(db_session).get("sending", 0) == 1

    def rest_delivered():
        requeue_stalled(db.session)
        now = statuses(db_session)
        return now.get("pending", 0) == 0 and now.get("sending", 0) == 1

    # One worker takes the queue in order: once the rest (enqueued last) is delivered, every job queued before
    # has run too, and none took the held row.
    wait_until(rest_delivered, every=0.2, what="que el resto se entregue")
    lease_until = db_session.get(Delivery, held).lease_until
    assert requeue_stalled(db.session) == 0  # the lease has not expired: nobody takes the row
    assert requeue_stalled(db.session, now=lease_until) == 0  # nor at its last instant
    assert statuses(db_session).get("sending", 0) == 1
    # The two minutes pass: the lease ends where it began (the claim's instant, on the database's own record).
    # The sweep and the worker's claim then compare it with the real clock, as they would two minutes later.
    db_session.execute(update(Delivery).where(Delivery.id == held).values(lease_until=lease_until - LEASE))
    db_session.commit()
    assert requeue_stalled(db.session) == 1
    wait_until(lambda: statuses(db_session).get("sending", 0) == 0, what="la entrega tras el barrido")
    row = db_session.get(Delivery, held)
    assert (row.status, row.attempts) == ("sent", 2)
    assert_each_sent_once(db_session, smtp_sink)


def test_redis_down_while_a_plan_changes_the_change_commits_and_messages_go_out_later(
        db_session, smtp_sink, use_rq, rq_workers, second_redis, fast_retries):
    cast = immediate_cast(db_session)
    use_rq(second_redis.url)
    second_redis.stop()
    walk_to(cast, "submitted_to_ctp")  # acts commit; their notices cannot be enqueued
    db_session.refresh(cast.plan)
    assert cast.plan.state == "submitted_to_ctp"
    pending = statuses(db_session).get("pending", 0)
    # Issue 18: the duties of art. 39 are pending from the period's first day, so the posesión opens none (one notice less).
    assert pending >= 2 and statuses(db_session).get("sent", 0) == 0

    second_redis.start()
    rq_workers.start(1, redis_url=second_redis.url)
    assert run_sweep(date(2028, 3, 1)).requeued == pending
    wait_until(lambda: statuses(db_session) == {"sent": pending}, what="las entregas cuando Redis vuelve")
    assert_each_sent_once(db_session, smtp_sink)


def test_smtp_refusing_for_a_while_is_retried_with_backoff_and_delivered_once(
        db_session, smtp_sink, use_rq, rq_workers, fast_retries):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    smtp_sink.refuse_next = 2
    rq_workers.start(1)
    run_sweep(date(2028, 3, 28))
    due_day = db_session.scalar(select(Delivery.id).join(Notification).where(
        Notification.user_id == cast.ctp.id, Notification.kind == "due_today"))

    def delivered():
        requeue_stalled(db.session)
        return statuses(db_session).keys() <= {"sent", "digest"}

    wait_until(delivered, every=0.4, what="la entrega tras los rechazos 451")
    refused = db_session.scalars(select(Delivery).where(Delivery.attempts > 1)).all()
    assert sum(d.attempts - 1 for d in refused) == 2 and all(d.last_error is None for d in refused)
    assert db_session.get(Delivery, due_day).status == "sent"
    assert_each_sent_once(db_session, smtp_sink)


def test_two_sweeps_at_once_tell_each_person_once_and_apply_each_effect_once(app, db_session, smtp_sink,
                                                                             embedded_jobs):
    casts = [Cast(db_session, make_plan(db_session, dane)) for dane in ("63302", "63001", "63130")]
    for cast in casts:
        walk_to(cast, "submitted_to_ctp")
    barrier = threading.Barrier(2)
    reports = []

    def sweep():
        with app.app_context():
            barrier.wait()
            reports.append(run_sweep(date(2028, 4, 1)))
            db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    # An effect that lost the race to the other sweep is skipped (conflict), and the next sweep applies it.
    reports.append(run_sweep(date(2028, 4, 1)))
    embedded_jobs.join()
    assert sum(r.effects for r in reports) == 6  # per plan: the CTP requirement, and CRQ marked overdue
    assert run_sweep(date(2028, 4, 1)).effects == 0
    effects = db_session.scalars(select(PlanEvent.plan_id).where(PlanEvent.role == "sistema")).all()
    assert sorted(effects) == sorted([c.plan.id for c in casts] * 2)
    keys = db_session.scalars(select(Notification.dedupe_key)).all()
    assert len(keys) == len(set(keys))
    assert sum(r.reminders + r.escalations + r.effect_notices for r in reports) == len(
        [k for k in keys if not k.startswith("transition:")])
    assert_each_sent_once(db_session, smtp_sink)


def test_a_commit_telling_many_people_enqueues_batches_and_each_message_goes_out_once(
        db_session, smtp_sink, use_rq, rq_workers):
    from rq import Queue

    from workflow_app.services.outbox import DELIVER_BATCH_JOB, DELIVER_JOB

    queue = Queue("pdt", connection=use_rq().connection)
    queue.empty()
    casts = [immediate_cast(db_session, dane) for dane in ("63302", "63001", "63130")]
    for cast in casts:
        walk_to(cast, "submitted_to_ctp")
    walk_jobs = set(queue.job_ids)  # the walks' own notices, one commit per act
    db_session.rollback()
    before = set(db_session.scalars(select(Delivery.id)).all())

    run_sweep(date(2028, 3, 28))
    db_session.rollback()
    new_pending = set(db_session.scalars(select(Delivery.id).where(Delivery.status == "pending")).all()) - before
    jobs = [queue.fetch_job(job_id) for job_id in queue.job_ids if job_id not in walk_jobs]
    batches = [job for job in jobs if job.func_name == DELIVER_BATCH_JOB]
    assert len(new_pending) > 1 and batches, [job.func_name for job in jobs]
    queued_ids = [i for job in batches for i in job.args[0]]
    queued_ids += [job.args[0] for job in jobs if job.func_name == DELIVER_JOB]
    assert sorted(queued_ids) == sorted(new_pending)  # every new row in exactly one job

    rq_workers.start(1)
    wait_until(lambda: statuses(db_session).keys() <= {"sent", "digest"}, what="las entregas en lote")
    assert_each_sent_once(db_session, smtp_sink)


def test_the_requeue_grace_is_read_from_the_environment_as_the_readme_says(app, monkeypatch):
    """README: ``PDT_REQUEUE_GRACE_SECONDS`` is an environment variable of the workers; it was read from the app's
    config only, which no process fills from the environment."""
    from datetime import timedelta

    from notifications.sweep import REQUEUE_GRACE, requeue_grace

    monkeypatch.setitem(app.config, "PDT_REQUEUE_GRACE_SECONDS", None)
    monkeypatch.delenv("PDT_REQUEUE_GRACE_SECONDS", raising=False)
    with app.app_context():
        assert requeue_grace() == REQUEUE_GRACE == timedelta(seconds=60)
        monkeypatch.setenv("PDT_REQUEUE_GRACE_SECONDS", "15")
        assert requeue_grace() == timedelta(seconds=15)
        monkeypatch.setitem(app.config, "PDT_REQUEUE_GRACE_SECONDS", 0)  # the app's own setting first
        assert requeue_grace() == timedelta(0)
