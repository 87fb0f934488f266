"""A notice that asked for a step of a plan whose period is over (``pdt.duties_ended``; AL02; L152 arts. 39 num. 1
y 40): nothing of that route is owed any more, so the notice waits for nothing. Before, the overdue notices of a
2024-2027 plan left unfiled stayed «Nueva» for good, counted in the menu's figure of whoever got them, and a
digest reader's waiting notices went out in the first digest of 2028 as work to do."""
from datetime import date

import pytest
from sqlalchemy import select

from notifications.centre import ENDED_NOTE, status_of, unread_count
from notifications.digest import send_digests
from notifications.sweep import run_sweep
from state_machines.approval import pdt
from tests.workflow_app.helpers import login
from tests.workflow_app.test_period_ended import _old_plan_stuck_in_drafting
from workflow_app.models import Delivery, Notification


def _overdue_of(db_session, cast):
    return db_session.scalars(select(Notification).where(Notification.plan_id == cast.plan.id,
                                                         Notification.user_id == cast.ejecutivo.id,
                                                         Notification.kind == "overdue")).all()


def test_an_overdue_notice_of_an_ended_period_reads_without_effect(client, db_session, set_today):
    cast = _old_plan_stuck_in_drafting(db_session)
    db_session.commit()
    run_sweep(date(2027, 12, 31))  # the period's last day: its steps were overdue, and said so
    overdue = _overdue_of(db_session, cast)
    assert overdue
    owed = unread_count(cast.ejecutivo, db_session, today=date(2027, 12, 31))
    assert owed >= len(overdue) and {status_of(n, date(2027, 12, 31)) for n in overdue} == {"Nueva"}

    assert {status_of(n, date(2028, 1, 1)) for n in overdue} == {"Sin efecto"}
    assert unread_count(cast.ejecutivo, db_session, today=date(2028, 1, 1)) == owed - len(overdue)
    set_today("2028-01-02")
    login(client, cast.ejecutivo.email, "clave-de-prueba")
    page = " ".join(client.get("/notificaciones").get_data(as_text=True).split())
    assert page.count(">Sin efecto</span>") == len(overdue) and ">Nueva</span>" not in page
    assert ENDED_NOTE in page and "AL02; L152 arts. 39 num. 1 y 40" in ENDED_NOTE
    assert f"Notificaciones ({owed - len(overdue)})" in page  # the menu's figure, read with the person's row
    assert "Marcar como leída" not in page  # nothing left to mark: the «Sin efecto» ones wait for nothing


def test_with_the_rule_off_the_notice_stays_owed(db_session, monkeypatch):
    monkeypatch.setattr(pdt, "PLAN_ENDS_WITH_PERIOD", False)
    cast = _old_plan_stuck_in_drafting(db_session)
    db_session.commit()
    run_sweep(date(2027, 12, 31))
    overdue = _overdue_of(db_session, cast)
    assert overdue and {status_of(n, date(2028, 1, 1)) for n in overdue} == {"Nueva"}
    assert unread_count(cast.ejecutivo, db_session, today=date(2028, 1, 1)) >= len(overdue)


@pytest.mark.parametrize("digest_day, sent", [(date(2027, 12, 31), True), (date(2028, 1, 2), False)])
def test_the_first_digest_after_the_period_leaves_its_steps_out(db_session, smtp_sink, embedded_jobs, digest_day,
                                                               sent):
    """Consolidation recorded on 30 December 2027: the notices it sends wait for the next morning's digest. On the
    period's last day the digest lists them; on 2 January 2028 it marks them handled and sends nothing."""
    cast = _old_plan_stuck_in_drafting(db_session)
    cast.act("planeacion", "submit_to_consejo_de_gobierno", "2027-12-30", today="2027-12-30")
    db_session.commit()
    waiting = db_session.scalars(select(Delivery).join(Notification).where(
        Notification.plan_id == cast.plan.id, Notification.kind == "transition", Delivery.status == "digest")).all()
    assert waiting
    readers = {d.recipient for d in waiting}
    send_digests(digest_day)
    embedded_jobs.join()
    digests = [m for r in readers for m in smtp_sink.to(r) if m["Subject"].startswith("Resumen diario")]
    assert bool(digests) is sent
    for delivery in waiting:
        db_session.refresh(delivery)
    assert {d.status for d in waiting} == {"digested"}  # handled either way: not waiting for another morning
