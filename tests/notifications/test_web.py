"""Web channels: the notification centre, preferences, iCalendar feeds, failed deliveries for admins, the CLI."""
from datetime import date

import pytest
from sqlalchemy import select

from notifications.ical import fold
from notifications.sweep import run_sweep
from state_machines.core.roles import Role
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Delivery, Membership, Notification


@pytest.fixture
def genova(db_session):
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    return cast


def test_centre_lists_notices_with_the_unread_count_and_marks_them_read(genova, client, db_session):
    run_sweep(date(2028, 3, 21))
    login(client, genova.ctp.email, "clave-de-prueba")
    page = client.get("/notificaciones").get_data(as_text=True)
    # The notice of the presentation (29 Feb) and the reminder 5 business days before 28 Mar.
    assert "Notificaciones (2)" in page and "Tiene <strong>2</strong> notificaciones sin leer" in page
    assert "faltan 5 días hábiles" in page and "Norma: L152 art. 39 num. 6" in page
    notice = db_session.scalars(select(Notification).filter_by(user_id=genova.ctp.id, kind="reminder")).one()
    other = make_user(db_session, "otro@prueba.co", Role.CTP, genova.plan.entity)
    token = csrf_from(page)
    client.post(f"/notificaciones/{notice.id}/leida", data={"csrf_token": token})
    db_session.refresh(notice)
    assert notice.read_at is not None
    assert "Notificaciones (1)" in client.get("/notificaciones").get_data(as_text=True)
    assert other.id  # someone else's notice id cannot be marked by this user
    assert client.post(f"/notificaciones/{notice.id}/leida", data={}).status_code == 400


def test_preferences_switch_between_digest_and_immediate_email(genova, client, db_session):
    login(client, genova.ctp.email, "clave-de-prueba")
    page = client.get("/notificaciones/preferencias").get_data(as_text=True)
    assert "Resumen diario" in page and f"/ical/u/{genova.ctp.ical_token}.ics" in page
    assert f"/ical/p/{genova.plan.ical_token}.ics" in page
    client.post("/notificaciones/preferencias", data={"csrf_token": csrf_from(page), "email_mode": "immediate"})
    db_session.refresh(genova.ctp)
    assert genova.ctp.wants_immediate_email is True


def test_user_feed_has_every_deadline_as_an_all_day_event(genova, client, db_session):
    body = client.get(f"/ical/u/{genova.ejecutivo.ical_token}.ics")
    assert body.status_code == 200 and body.content_type.startswith("text/calendar")
    raw = body.get_data()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    text = raw.decode().replace("\r\n ", "")  # unfold
    # consolidation, ctp_presentation, car_concept:CRQ, ctp_concept, filing (not filed yet: no decision term)
    assert text.count("BEGIN:VEVENT") == 5
    assert "DTSTART;VALUE=DATE:20280328\r\nDTEND;VALUE=DATE:20280329" in text
    assert f"UID:pdt-{genova.plan.id}-ctp_concept@ruta-pdt" in text
    assert "SUMMARY:Génova (Quindío): Entregar el concepto del Consejo Territorial de Planeación" in text
    assert "Norma: L152 art. 39 num. 6" in text
    again = client.get(f"/ical/u/{genova.ejecutivo.ical_token}.ics").get_data(as_text=True)
    uids = lambda t: sorted(line for line in t.split("\r\n") if line.startswith("UID:"))  # noqa: E731
    assert uids(again.replace("\r\n ", "")) == uids(text)


def test_plan_feed_and_unknown_tokens(genova, client):
    text = client.get(f"/ical/p/{genova.plan.ical_token}.ics").get_data(as_text=True)
    assert text.count("BEGIN:VEVENT") == 5
    assert client.get("/ical/p/no-existe.ics").status_code == 404
    assert client.get("/ical/u/no-existe.ics").status_code == 404


def test_folding_never_splits_a_character_and_keeps_75_octets():
    line = "SUMMARY:" + "Concepción de la autoridad ambiental — á é í ó ú ñ " * 5
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts) and all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_failed_deliveries_are_shown_to_admins_with_a_retry_button(genova, client, db_session, smtp_sink,
                                                                  embedded_jobs):
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    notice = db_session.scalars(select(Notification)).first()
    row = db_session.scalars(select(Delivery).filter_by(notification_id=notice.id)).one()
    row.status, row.attempts, row.last_error = "failed", 8, "SMTPServerDisconnected: Connection unexpectedly closed"
    db_session.commit()

    login(client, genova.ejecutivo.email, "clave-de-prueba")
    assert client.get("/admin/entregas").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    login(client, admin.email, "clave-de-prueba")
    page = client.get("/admin/entregas").get_data(as_text=True)
    assert "SMTPServerDisconnected" in page and row.recipient in page and "Reintentar" in page
    client.post(f"/admin/entregas/{row.id}/reintentar", data={"csrf_token": csrf_from(page)})
    embedded_jobs.join()
    db_session.refresh(row)
    assert (row.status, row.attempts) == ("sent", 1)
    assert [m["To"] for m in smtp_sink.messages] == [row.recipient]
    assert "No hay entregas fallidas" in client.get("/admin/entregas").get_data(as_text=True)
    assert db_session.scalar(select(Membership.role).filter_by(user_id=admin.id)) == "admin"


def test_cli_sweep_prints_the_counts_in_spanish(genova, app, db_session, smtp_sink, embedded_jobs):
    result = app.test_cli_runner().invoke(args=["pdt", "sweep", "--today", "2028-04-01"])
    assert result.exit_code == 0, result.output
    assert "Barrido del 2028-04-01:" in result.output
    assert "Efectos legales automáticos aplicados: 2 (avisos: 3)" in result.output
    result = app.test_cli_runner().invoke(args=["pdt", "digest", "--day", "2028-04-01"])
    assert "Resúmenes diarios enviados: " in result.output
    bad = app.test_cli_runner().invoke(args=["pdt", "sweep", "--today", "1 de abril"])
    assert bad.exit_code != 0 and "no es una fecha" in bad.output


def test_cron_config_registers_the_sweep_every_five_minutes_and_the_digest_at_seven_bogota(redis_url):
    from redis import Redis
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=Redis.from_url(redis_url))
    scheduler.load_config_from_file("notifications/cron_config.py")
    jobs = {job.func_name: job for job in scheduler.get_jobs()}
    assert jobs["notifications.sweep.sweep_job"].cron == "*/5 * * * *"
    assert jobs["notifications.digest.digest_job"].cron == "0 12 * * *"
    assert {job.queue_name for job in jobs.values()} == {"pdt"}


def test_control_characters_in_a_users_name_cannot_break_the_feed(genova, client, db_session):
    """Issue 12: a lone CR in a name passed into X-WR-CALNAME as a line break (a new property for any reader
    that splits on CR). Every line break is escaped and every other control character is dropped."""
    genova.ejecutivo.name = "Ana\rX-INJECTED:1\nBEGIN:VEVENT\x0b\x1b\u2028fin"
    db_session.commit()
    raw = client.get(f"/ical/u/{genova.ejecutivo.ical_token}.ics").get_data()
    lines = raw.split(b"\r\n")
    assert b"\r" not in b"".join(lines) and b"\n" not in b"".join(lines)
    assert not any(line.startswith((b"X-INJECTED", b"BEGIN:VEVENT\\")) for line in lines)
    assert all(0x20 <= byte or byte == 0x09 for line in lines for byte in line)
    name = next(line for line in raw.decode().replace("\r\n ", "").split("\r\n") if line.startswith("X-WR-CALNAME"))
    assert name == "X-WR-CALNAME:Plazos PDT — Ana\\nX-INJECTED:1\\nBEGIN:VEVENT\\nfin"


def test_notices_become_attended_once_their_act_is_recorded(genova, client, db_session, set_today):
    run_sweep(date(2028, 3, 21))
    login(client, genova.ctp.email, "clave-de-prueba")
    page = client.get("/notificaciones").get_data(as_text=True)
    assert page.count(">Nueva</span>") == 2 and "Notificaciones (2)" in page
    notice = db_session.scalars(select(Notification).filter_by(user_id=genova.ctp.id, kind="reminder")).one()
    client.post(f"/notificaciones/{notice.id}/leida", data={"csrf_token": csrf_from(page)})
    page = client.get("/notificaciones").get_data(as_text=True)
    assert page.count(">Nueva</span>") == 1 and page.count(">Leída</span>") == 1
    genova.act("ctp", "record_ctp_concept", "2028-03-21", payload={"concept": "favorable"})
    db_session.commit()
    set_today("2028-03-21")
    page = client.get("/notificaciones").get_data(as_text=True)
    assert page.count(">Atendida</span>") == 2 and page.count(">Nueva</span>") == 1  # its receipt, news
    assert "quedó registrado el concepto del Consejo Territorial de Planeación" in page
    assert "Notificaciones (1)" in page


def test_a_duty_settled_without_leaving_its_state_reads_attended(genova, client, db_session, set_today):
    """L136 art. 82: the copy of the sanctioned acuerdo to the governor keeps the plan «Sancionado». Its notice
    («actúe a más tardar …») read as still owed, in the centre, its unread figure and every daily digest."""
    from notifications.centre import notifications_for, status_of, unread_count

    walk_to(genova, "sanctioned")
    set_today("2028-05-19")
    copy = [n for n in notifications_for(db_session, genova.ejecutivo) if n.step_key == "governor_copy"]
    assert copy and "gobernador" in copy[0].body
    owed = unread_count(genova.ejecutivo, db_session)
    assert all(status_of(n) == "Nueva" for n in copy)
    genova.act("ejecutivo", "send_copy_to_governor", "2028-05-22")
    db_session.commit()
    db_session.expire_all()
    assert all(status_of(n) == "Atendida" for n in copy)
    assert unread_count(genova.ejecutivo, db_session) == owed - len(copy)
    login(client, genova.ejecutivo.email, "clave-de-prueba")
    page = client.get("/notificaciones").get_data(as_text=True)
    items = [i for i in page.split('<li class="notification')[1:] if "acuerdo sancionado al gobernador" in i]
    assert items and all(">Atendida</span>" in i and "Lo que pedía ya quedó registrado" in i for i in items)
    assert f"Notificaciones ({owed - len(copy)})" in page  # the menu's figure, read with the person's row


def test_the_executive_side_is_told_when_a_concept_arrives(genova, client, db_session, set_today):
    """QA 7 December 2026: the CTP's concept arrived and nobody at the alcaldía was told (their duty to file was
    already pending, so no new duty opened): the mayor and the planning office are told, with the concept's sense,
    its recommendations and what to do (D1865 art. 3 num. 4; L152 art. 39 num. 6); the CTP is not."""
    genova.act("ctp", "record_ctp_concept", "2028-03-21",
               payload={"concept": "favorable_con_recomendaciones",
                        "recommendations": ["Más vías terciarias", "Meta de agua potable rural"]})
    db_session.commit()
    told = db_session.scalars(select(Notification).where(Notification.dedupe_key.like("concept:%"))).all()
    assert {n.user_id for n in told} == {genova.ejecutivo.id, genova.planeacion.id}
    # The CTP gets its receipt: the act's date, the moment it was recorded and the document's SHA-256.
    receipt = db_session.scalars(select(Notification).where(
        Notification.dedupe_key.like("concept-receipt:%"))).one()
    assert receipt.user_id == genova.ctp.id
    assert receipt.subject == "Génova (Quindío): quedó registrado el concepto del Consejo Territorial de Planeación"
    assert "con fecha del acto 21 de marzo de 2028." in receipt.body and "SHA-256 " in receipt.body
    assert "Documento: «Concepto del Consejo Territorial de Planeación», SHA-256" in receipt.body  # its name
    assert "Guarde este correo como constancia de la entrega." in receipt.body
    assert receipt.legal_basis == "L152 art. 39 num. 6"  # the CTP's own term, not the CAR's decree
    # Its proof goes out at once, whatever the CTP chose, and is not shown as urgent (QA, 7 December 2026: it waited
    # for the next morning's summary, a day late for a concept delivered on its month's last day).
    # Enqueued at once: the in-process job may already be sending it.
    assert db_session.scalar(select(Delivery.status).filter_by(notification_id=receipt.id)) != "digest"
    assert not receipt.is_urgent and not genova.ctp.wants_immediate_email
    notice = told[0]
    assert notice.subject == "Génova (Quindío): llegó el concepto del Consejo Territorial de Planeación"
    assert notice.body.startswith("El Consejo Territorial de Planeación entregó el 21 de marzo de 2028 su concepto (")
    assert "con 2 recomendaciones" in notice.body
    assert notice.body.endswith("Considérelo y responda cada recomendación, con su razón, antes de radicar el proyecto.")
    assert notice.legal_basis == "D1865 art. 3 num. 4; L152 art. 39 num. 6"
    set_today("2028-03-21")
    login(client, genova.planeacion.email, "clave-de-prueba")
    page = client.get("/notificaciones").get_data(as_text=True)
    assert "llegó el concepto del Consejo Territorial de Planeación" in page
    # Considered, each recommendation answered: the notice reads «Atendida» and leaves the daily digest (QA,
    # 7 December 2026: it asked for it for ever, into the period after).
    from notifications.centre import ATTENDED, status_of
    from notifications.digest import settled_notices

    assert status_of(notice) != ATTENDED and not settled_notices(db_session, told, date(2028, 3, 22))
    reason = {"decision": "aceptada", "reason": "Se incluye en el plan"}
    genova.act("planeacion", "consider_concepts", "2028-03-28", payload={"answers": {"CTP-1": reason, "CTP-2": reason}})
    db_session.commit()
    assert genova.plan.state == "adjusting" and status_of(notice) == ATTENDED
    assert settled_notices(db_session, told, date(2028, 3, 29)) == {n.id for n in told}


def test_a_delivery_no_worker_took_is_listed_for_the_administrator(genova, db_session):
    """No Redis worker and no sweep: a pending delivery older than the health check's limit (15 minutes) is listed
    with the failed ones, to retry; /salud already called it «degradado» (QA, 7 December 2026)."""
    from datetime import datetime, timedelta, timezone

    from notifications.centre import failed_deliveries

    row = db_session.scalars(select(Delivery)).first()
    row.status, row.last_error = "pending", None
    row.created_at = datetime.now(timezone.utc) - timedelta(minutes=10)
    db_session.commit()
    assert row not in failed_deliveries(db_session)
    row.created_at = datetime.now(timezone.utc) - timedelta(minutes=16)
    db_session.commit()
    assert row in failed_deliveries(db_session)


def test_the_feed_says_which_steps_an_act_already_closed(genova, client, db_session):
    """QA, 7 December 2026: after the CTP's concept the feed still said «Atrasado desde el sábado 1 de abril» for it,
    and the steps done on 29 February «Atrasado desde el jueves 2 de marzo»; the plan page said «Etapa superada»."""
    genova.act("ctp", "record_ctp_concept", "2028-03-21", payload={"concept": "favorable"})
    db_session.commit()
    text = client.get(f"/ical/p/{genova.plan.ical_token}.ics").get_data(as_text=True).replace("\r\n ", "")
    events = {e.split("UID:")[1].split("\r\n")[0]: e for e in text.split("BEGIN:VEVENT")[1:]}
    concept = events[f"pdt-{genova.plan.id}-ctp_concept@ruta-pdt"]
    assert "(etapa superada)" in concept and "Etapa superada: un acto registrado cerró este paso." in concept
    assert "Atrasado desde" not in concept
    filing = events[f"pdt-{genova.plan.id}-filing@ruta-pdt"]
    assert "etapa superada" not in filing and "Atrasado desde" in filing
    assert "Concejo de Génova" in filing and "concejo o asamblea" not in filing  # said for the entity


def test_the_feed_says_the_decree_as_the_plan_page_does(genova, client, db_session):
    """QA, 7 December 2026: the feed's decision term said the executive «puede adoptar el plan por decreto» from
    the month's end, without the route's condition the plan page adds (the project assigned to its committee)."""
    from tests.workflow_app.story import walk_to

    walk_to(genova, "filed_with_corporacion")
    text = client.get(f"/ical/p/{genova.plan.ical_token}.ics").get_data(as_text=True).replace("\r\n ", "")
    decision = text.split(f"UID:pdt-{genova.plan.id}-corporation_decision@ruta-pdt")[1].split("END:VEVENT")[0]
    assert "puede adoptar el plan por decreto" in decision
    assert "Esta ruta lo habilita si la corporación ya repartió el proyecto a su comisión" in decision
