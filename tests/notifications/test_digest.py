"""The daily digest groups each person's non-urgent notices into one e-mail, once a day."""
import re
from datetime import date

from sqlalchemy import select

from notifications.digest import send_digests
from notifications.sweep import run_sweep
from tests.workflow_app.story import Cast, make_plan, walk_to
from workflow_app.models import Delivery, Notification


def test_digests_group_each_users_pending_notices_in_one_email(db_session, smtp_sink, embedded_jobs):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    run_sweep(date(2028, 3, 14))  # CRQ: 5 business days before 22 Mar
    run_sweep(date(2028, 3, 21))  # CRQ: 1 day before; CTP: 5 days before 28 Mar
    crq = cast.cars["CRQ"]
    waiting = db_session.scalars(select(Delivery).join(Notification).where(
        Notification.user_id == crq.id, Delivery.status == "digest")).all()
    assert len(waiting) == 3  # the copy received on 29 Feb, and the two reminders

    report = send_digests(date(2028, 3, 21))  # the first digest since the 14th: «faltan 5» is no longer current
    embedded_jobs.join()
    digests = db_session.scalars(select(Delivery).where(Delivery.notification_id.is_(None))
                                 .order_by(Delivery.id)).all()
    by_key = {d.delivery_key: d for d in digests}
    assert f"digest:{crq.id}:2028-03-21" in by_key and f"digest:{cast.ctp.id}:2028-03-21" in by_key
    digested = db_session.scalars(select(Delivery).where(Delivery.status == "digested")).all()
    assert (report.users, report.notices) == (len(digests), len(digested) - 1)  # CRQ's «faltan 5» left out
    grouped = db_session.scalars(select(Delivery).join(Notification).where(Notification.user_id == crq.id)).all()
    assert {d.status for d in grouped} == {"digested"}
    assert {d.digest_id for d in grouped} == {by_key[f"digest:{crq.id}:2028-03-21"].id}

    mails = smtp_sink.to(crq.email)
    assert len(mails) == 1
    assert mails[0]["Subject"] == "Resumen diario de la Ruta PDT: 2 avisos (21 de marzo de 2028)"
    text = smtp_sink.text_of(mails[0])
    # The reminder of the 14th («faltan 5 días hábiles») is superseded by the one of the 21st (notifications.currency).
    assert "faltan 5 días hábiles" not in text and "falta 1 día hábil —" in text and "faltan 1" not in text
    assert "copia del proyecto" in text and "1 aviso anterior ya no rige" in text
    assert text.count("Norma: D1865 art. 3 num. 3; L4-1913 art. 62") == 2  # the copy notice and the reminder
    assert re.findall(r"Ver el plan: https?://\S+/planes/(\d+)", text) == [str(cast.plan.id)] * 2
    # Read on a phone: the HTML part's addresses are links to tap (they were plain text), its footer said once.
    html = mails[0].get_body(preferencelist=("html",)).get_content()
    assert re.findall(r'Ver el plan: <a href="https?://[^"]+/planes/(\d+)"', html) == [str(cast.plan.id)] * 2
    assert html.count("Resumen diario automático") == 1 and "<pre" not in html

    again = send_digests(date(2028, 3, 21))
    embedded_jobs.join()
    assert (again.users, again.notices) == (0, 0)
    assert len(smtp_sink.to(crq.email)) == 1
    assert sum(smtp_sink.message_ids().values()) == len(smtp_sink.message_ids())  # no duplicates


def test_a_user_who_wants_immediate_email_gets_no_digest(db_session, smtp_sink, embedded_jobs):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    cast.ctp.wants_immediate_email = True
    db_session.commit()
    walk_to(cast, "submitted_to_ctp")
    run_sweep(date(2028, 3, 21))
    embedded_jobs.join()
    send_digests(date(2028, 3, 21))
    embedded_jobs.join()
    subjects = [m["Subject"] for m in smtp_sink.to(cast.ctp.email)]
    assert "Génova (Quindío): faltan 5 días hábiles — Entregar el concepto del Consejo Territorial de Planeación" \
        in subjects
    assert not [s for s in subjects if s.startswith("Resumen diario")]


def test_a_notice_whose_step_was_recorded_since_is_left_out_of_the_digest(db_session, smtp_sink, embedded_jobs):
    """The CTP is told to give its concept and reminded 5 business days before; it records the concept the same
    day. The morning digest does not list «actúe» for a step behind the plan: the CTP's only mail is the receipt of
    its concept (sent at once; its other notices stay in the notification centre, out of the digest), while the
    CRQ, whose concept is still due, gets its list."""
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    run_sweep(date(2028, 3, 21))  # CTP: 5 business days before 28 Mar; CRQ: 1 day before 22 Mar
    ctp_waiting = db_session.scalars(select(Delivery).join(Notification).where(
        Notification.user_id == cast.ctp.id, Delivery.status == "digest")).all()
    assert len(ctp_waiting) == 2  # told to give its concept (29 Feb), reminded on 21 Mar
    cast.act("ctp", "record_ctp_concept", "2028-03-21", payload={"scope": "total", "concept": "favorable"})

    send_digests(date(2028, 3, 21))
    embedded_jobs.join()
    ctp_mail = smtp_sink.to(cast.ctp.email)
    assert len(ctp_mail) == 1 and "quedó registrado el concepto" in smtp_sink.text_of(ctp_mail[0])
    assert "Emitir el concepto" not in smtp_sink.text_of(ctp_mail[0])
    for delivery in ctp_waiting:
        db_session.refresh(delivery)
    assert {d.status for d in ctp_waiting} == {"digested"}  # handled: not waiting for another day's digest
    crq = smtp_sink.to(cast.cars["CRQ"].email)
    assert len(crq) == 1 and "Remitir el concepto técnico" in smtp_sink.text_of(crq[0])
    assert "ya no pide" not in smtp_sink.text_of(crq[0])
    for mail in smtp_sink.messages:  # whoever got a digest: no step behind the plan is listed as work to do
        assert "Entregar el concepto del Consejo Territorial" not in smtp_sink.text_of(mail)


def test_the_digest_says_how_many_notices_it_leaves_out(app):
    from types import SimpleNamespace

    from notifications.digest import digest_body

    person = SimpleNamespace(name="Ana")
    notice = SimpleNamespace(subject="Génova: Considerar los conceptos", body="Actúe a más tardar…", due_on=None,
                             legal_basis=None, kind="transition", link="/planes/1")
    with app.app_context():
        one = digest_body(person, [notice], date(2028, 3, 21), left_out=1)
        two = digest_body(person, [notice], date(2028, 3, 21), left_out=2)
        none = digest_body(person, [notice], date(2028, 3, 21))
    assert "1 aviso más de este día ya no pide nada: su paso se registró después de escrito." in one
    assert "2 avisos más de este día ya no piden nada" in two and "/notificaciones" in two
    assert "ya no pide" not in none
