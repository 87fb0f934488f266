"""Time travel through the CTP month and the corporation's month: reminders on the right business days,
automatic legal effects on ``overdue_from`` and never the day before, one message per milestone."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from notifications.sweep import run_sweep
from state_machines.core.roles import Role
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Delivery, Membership, Notification, PlanEvent, User


@pytest.fixture
def genova(db_session):
    return Cast(db_session, make_plan(db_session, "63302"))


def told(session, user: User, kind: str | None = None, step: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id, Notification.kind != "transition")
    if kind:
        query = query.where(Notification.kind == kind)
    if step:
        query = query.where(Notification.step_key == step)
    return session.scalars(query.order_by(Notification.id)).all()


def days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def test_ctp_reminders_go_out_on_the_right_business_days(genova, db_session):
    """Presented 29 Feb 2028; act_by 28 Mar. 20 Mar is San José (moved holiday), so 5 business days before is
    21 Mar; 1 business day before is 27 Mar; the due day 28 Mar; the requirement is deemed met on 1 Apr."""
    walk_to(genova, "submitted_to_ctp")
    sent_on: dict[str, date] = {}
    for day in days(date(2028, 3, 1), date(2028, 4, 2)):
        run_sweep(day)
        for n in told(db_session, genova.ctp, step="ctp_concept"):
            sent_on.setdefault(n.dedupe_key.rsplit(":", 1)[0], day)
    plan = genova.plan.id
    assert sent_on == {
        f"reminder:{plan}:ctp_concept:2028-03-28:5": date(2028, 3, 21),
        f"reminder:{plan}:ctp_concept:2028-03-28:1": date(2028, 3, 27),
        f"reminder:{plan}:ctp_concept:2028-03-28:0": date(2028, 3, 28),
        f"effect:{plan}:deem_ctp_requirement_fulfilled:2028-04-01": date(2028, 4, 1),
    }
    kinds = [(n.kind, n.is_urgent) for n in told(db_session, genova.ctp, step="ctp_concept")]
    assert kinds == [("reminder", False), ("reminder", False), ("due_today", True), ("effect", True)]
    # The ejecutivo is not the CTP: only the effect notice reaches them for this step.
    assert [n.kind for n in told(db_session, genova.ejecutivo, step="ctp_concept")] == ["effect"]


def test_ctp_silence_deems_the_requirement_fulfilled_on_overdue_from_and_not_before(genova, db_session, smtp_sink,
                                                                                     embedded_jobs):
    walk_to(genova, "submitted_to_ctp")
    run_sweep(date(2028, 3, 31))
    db_session.refresh(genova.plan)
    assert genova.plan.state == "submitted_to_ctp"
    assert db_session.scalar(select(PlanEvent.id).filter_by(trigger="deem_ctp_requirement_fulfilled")) is None

    report = run_sweep(date(2028, 4, 1))
    assert (report.effects, report.effect_notices, report.skipped) == (1, 3, 0)
    db_session.refresh(genova.plan)
    assert genova.plan.state == "ctp_stage_closed"
    event = db_session.scalars(select(PlanEvent).filter_by(plan_id=genova.plan.id,
                                                           trigger="deem_ctp_requirement_fulfilled")).one()
    assert (event.role, event.actor_id, event.act_on, event.legal_basis) == (
        "sistema", None, date(2028, 4, 1), "L152 art. 39 num. 6")
    ctp_review = next(p for p in genova.plan.procedures if p.machine == "ctp_review")
    assert ctp_review.state == "deemed_fulfilled"
    notices = db_session.scalars(select(Notification).filter_by(kind="effect")).all()
    assert sorted(n.user_id for n in notices) == sorted([genova.ejecutivo.id, genova.planeacion.id, genova.ctp.id])
    assert all("requisito surtido" in n.body and n.legal_basis == "L152 art. 39 num. 6" for n in notices)

    embedded_jobs.join()
    mail = [m for m in smtp_sink.to(genova.ejecutivo.email) if "CTP" in m["Subject"]]
    assert [m["Subject"] for m in mail] == ["Génova (Quindío): requisito del concepto del CTP surtido"]
    text = smtp_sink.text_of(mail[0])
    assert "requisito surtido" in text and "Norma: L152 art. 39 num. 6" in text
    assert f"/planes/{genova.plan.id}" in text

    again = run_sweep(date(2028, 4, 1))
    assert (again.effects, again.effect_notices, again.reminders) == (0, 0, 0)
    assert db_session.scalar(select(PlanEvent.id).filter_by(trigger="deem_ctp_requirement_fulfilled")
                             .offset(1)) is None


def test_corporation_silence_enables_decree_adoption_from_overdue_from(genova, db_session):
    walk_to(genova, "in_debate")  # filed 28 Apr 2028: the month ends 30 May, effect from 31 May
    run_sweep(date(2028, 5, 30))
    db_session.refresh(genova.plan)
    assert genova.plan.state == "in_debate"
    report = run_sweep(date(2028, 5, 31))
    db_session.refresh(genova.plan)
    assert genova.plan.state == "decree_eligible" and report.effects == 1
    event = db_session.scalars(select(PlanEvent).filter_by(trigger="enable_decree_adoption")).one()
    assert (event.role, event.act_on, event.legal_basis) == ("sistema", date(2028, 5, 31), "L152 art. 40; CE-2127")
    told_ids = {n.user_id for n in db_session.scalars(select(Notification).filter_by(kind="effect"))}
    assert told_ids == {genova.ejecutivo.id, genova.planeacion.id, genova.corporacion.id}


def test_a_project_never_assigned_opens_the_decree_only_under_the_filing_reading(genova, db_session, monkeypatch):
    """L152 art. 40's month runs from the filing (28 Apr 2028: it ends 30 May). Written behaviour (legal-path.md
    T11): a Concejo that never assigns the project leaves it filed, with its overdue notice and no decree. With
    ``pdt.DECREE_WHEN_NEVER_ASSIGNED`` (CE-1999; CE-2127) the sweep opens the decree from 31 May, not before (a
    sweep that runs late records it on that day)."""
    from state_machines.approval import pdt

    walk_to(genova, "filed_with_corporacion")
    run_sweep(date(2028, 5, 31))
    db_session.refresh(genova.plan)
    assert genova.plan.state == "filed_with_corporacion"
    assert [n.kind for n in told(db_session, genova.corporacion, step="corporation_decision")][-1] == "overdue"

    monkeypatch.setattr(pdt, "DECREE_WHEN_NEVER_ASSIGNED", True)
    db_session.rollback()
    run_sweep(date(2028, 5, 30))
    db_session.refresh(genova.plan)
    assert genova.plan.state == "filed_with_corporacion"
    report = run_sweep(date(2028, 6, 1))
    db_session.refresh(genova.plan)
    assert genova.plan.state == "decree_eligible" and report.effects == 1
    event = db_session.scalars(select(PlanEvent).filter_by(trigger="enable_decree_adoption")).one()
    assert (event.from_state, event.role, event.act_on, event.legal_basis) == (
        "filed_with_corporacion", "sistema", date(2028, 5, 31), "L152 art. 40; CE-2127")  # the law's day
    told_ids = {n.user_id for n in db_session.scalars(select(Notification).filter_by(kind="effect"))}
    assert told_ids == {genova.ejecutivo.id, genova.planeacion.id, genova.corporacion.id}


def test_a_late_sweep_sends_the_most_recent_reminder_once_not_a_burst(genova, db_session):
    walk_to(genova, "submitted_to_ctp")
    first = run_sweep(date(2028, 3, 24))  # nothing ran since 29 Feb: the 5-day reminder is the latest due
    keys = [n.dedupe_key for n in told(db_session, genova.ctp, step="ctp_concept")]
    assert keys == [f"reminder:{genova.plan.id}:ctp_concept:2028-03-28:5:u{genova.ctp.id}"]
    assert run_sweep(date(2028, 3, 24)).reminders == 0 < first.reminders
    run_sweep(date(2028, 3, 28))  # the 27 Mar one was missed: only the due-day notice goes out
    kinds = [n.dedupe_key.split(":")[-2] for n in told(db_session, genova.ctp, step="ctp_concept")]
    assert kinds == ["5", "0"]


def test_an_overdue_car_concept_is_marked_escalated_to_the_ejecutivo_and_adviser(genova, db_session):
    adviser = make_user(db_session, "asesor63302@prueba.co", Role.ASESOR, genova.plan.entity)
    walk_to(genova, "submitted_to_ctp")  # CRQ received its copy 29 Feb: 15 business days end 22 Mar
    run_sweep(date(2028, 3, 22))
    proc = next(p for p in genova.plan.procedures if p.machine == "car_review")
    assert proc.state == "copy_sent"
    report = run_sweep(date(2028, 3, 23))
    db_session.refresh(genova.plan)
    proc = next(p for p in genova.plan.procedures if p.machine == "car_review")
    assert proc.state == "concept_overdue" and "car_overdue" in genova.plan.flags and report.effects == 1
    event = db_session.scalars(select(PlanEvent).filter_by(trigger="mark_car_overdue")).one()
    assert (event.machine, event.subject, event.role, event.act_on) == ("car_review", "CRQ", "sistema",
                                                                         date(2028, 3, 23))
    escalated = db_session.scalars(select(Notification).filter_by(kind="escalation")).all()
    assert sorted(n.user_id for n in escalated) == sorted([genova.ejecutivo.id, adviser.id])
    assert all(n.step_key == "car_concept:CRQ" for n in escalated)
    overdue = told(db_session, genova.cars["CRQ"], kind="overdue")
    assert len(overdue) == 1 and "22 de marzo de 2028" in overdue[0].body
    executive = [n for n in escalated if n.user_id == genova.ejecutivo.id]
    deliveries = db_session.scalars(select(Delivery).where(
        Delivery.notification_id.in_([n.id for n in executive + overdue]))).all()
    assert all(n.is_urgent for n in executive + overdue)
    assert {d.status for d in deliveries} <= {"pending", "sending", "sent", "failed"}  # urgent: never the digest
    # The adviser's copy waits for its daily digest: one e-mail a day, not one per overdue step of every plan.
    (copy,) = [n for n in escalated if n.user_id == adviser.id]
    assert not copy.is_urgent
    assert db_session.scalars(select(Delivery.status).filter_by(notification_id=copy.id)).all() == ["digest"]


def test_urgent_notices_go_out_at_once_even_to_digest_readers(genova, db_session):
    walk_to(genova, "submitted_to_ctp")
    run_sweep(date(2028, 3, 21))
    run_sweep(date(2028, 3, 28))
    rows = db_session.execute(select(Notification.kind, Delivery.status)
                              .join(Delivery, Delivery.notification_id == Notification.id)
                              .where(Notification.user_id == genova.ctp.id, Notification.step_key == "ctp_concept",
                                     Notification.kind != "transition")
                              .order_by(Notification.id)).all()
    assert [(k, s != "digest") for k, s in rows] == [("reminder", False), ("due_today", True)]


def test_a_refused_effect_is_skipped_and_the_sweep_goes_on(genova, db_session, monkeypatch):
    other = Cast(db_session, make_plan(db_session, "63001"))
    walk_to(genova, "submitted_to_ctp")
    walk_to(other, "submitted_to_ctp")
    import notifications.sweep as sweep

    real = sweep.apply_act

    def flaky(session, **kw):
        if kw["plan_id"] == genova.plan.id and kw["command"].machine == "pdt_approval":
            from workflow_app.services.route.plans import PlanConflict

            raise PlanConflict()
        return real(session, **kw)

    monkeypatch.setattr(sweep, "apply_act", flaky)
    report = run_sweep(date(2028, 4, 1))
    db_session.refresh(genova.plan)
    db_session.refresh(other.plan)
    assert (genova.plan.state, other.plan.state) == ("submitted_to_ctp", "ctp_stage_closed")
    assert report.skipped == 1
    # The refused plan's notice was rolled back with it: nobody is told of an effect that did not happen.
    assert not db_session.scalars(select(Notification).filter_by(kind="effect", plan_id=genova.plan.id)).all()


def test_memberships_of_inactive_users_are_not_told(genova, db_session):
    walk_to(genova, "submitted_to_ctp")
    genova.ctp.is_active_account = False
    db_session.commit()
    run_sweep(date(2028, 3, 21))
    assert told(db_session, genova.ctp) == []
    assert db_session.scalar(select(Membership.id).filter_by(user_id=genova.ctp.id)) is not None


# --- Issue 13: entry into force, convocation of extraordinary sessions ----------------------------------------

def test_a_published_plan_is_vigente_on_the_legal_day_and_not_before(genova, db_session, client):
    """Published Monday 22 May 2028 by an act that "rige a partir del día siguiente a su publicación": in force
    on 23 May 2028 (CPACA art. 65; L4-1913 art. 61), recorded by the sweep with its history row and notices."""
    walk_to(genova, "sanctioned")
    genova.act("ejecutivo", "publish", "2028-05-22", payload={"vigencia": "day_after_publication"})
    run_sweep(date(2028, 5, 22))
    db_session.refresh(genova.plan)
    assert genova.plan.state == "published"
    assert db_session.scalar(select(PlanEvent.id).filter_by(trigger="enter_into_force")) is None
    # Issue 18: before its day, the page says when it will enter into force.
    waiting = client.get("/publico/63302").get_data(as_text=True)
    assert "Entrará en vigencia el martes, 23 de mayo de 2028" in waiting

    report = run_sweep(date(2028, 5, 23))
    db_session.refresh(genova.plan)
    assert genova.plan.state == "in_force" and report.effects == 1
    event = db_session.scalars(select(PlanEvent).filter_by(trigger="enter_into_force")).one()
    assert (event.role, event.actor_id, event.act_on) == ("sistema", None, date(2028, 5, 23))
    # L136 art. 82: the copy to the governor is an act of its own after the sanction, not an effect here (issue 20)
    assert "CPACA art. 65" in event.legal_basis and event.payload["effects"] == ["start_phase2"]  # phase-ii.md §1.2
    assert {"plan_indicativo", "harmonization", "budget", "paa"} <= {p.machine for p in genova.plan.procedures}
    notices = db_session.scalars(select(Notification).filter_by(kind="effect", plan_id=genova.plan.id)).all()
    assert sorted(n.user_id for n in notices) == sorted(
        [genova.ejecutivo.id, genova.planeacion.id, genova.ctp.id, genova.corporacion.id])
    assert all("rige desde el martes 23 de mayo de 2028" in n.body for n in notices)
    assert run_sweep(date(2028, 5, 24)).effects == 0  # final state: nothing more to do

    public = client.get("/publico/63302").get_data(as_text=True)
    assert "<strong>Vigente.</strong>" in public and "Rige desde el martes 23 de mayo de 2028" in public


def test_plan_published_with_the_usual_clause_is_vigente_the_same_day_in_the_same_transaction(genova, db_session):
    """Issue 18: publication dated today with "rige a partir de su publicación" puts the plan in force in the
    publication's own transaction (recorded by the system, its own history row); the sweep has nothing left."""
    walk_to(genova, "sanctioned")
    genova.act("ejecutivo", "publish", "2028-05-22", payload={"vigencia": "on_publication"})
    db_session.refresh(genova.plan)
    assert genova.plan.state == "in_force"
    published, in_force = db_session.scalars(select(PlanEvent).where(PlanEvent.plan_id == genova.plan.id)
                                             .order_by(PlanEvent.id.desc()).limit(2)).all()[::-1]
    assert published.trigger == "publish" and in_force.trigger == "enter_into_force"
    assert (in_force.role, in_force.actor_id, in_force.act_on) == ("sistema", None, date(2028, 5, 22))
    assert in_force.prev_hash == published.row_hash  # one chain, sealed in order
    assert run_sweep(date(2028, 5, 22)).effects == 0


def test_convocation_of_extraordinary_sessions_is_a_duty_with_its_own_reminder(genova, db_session):
    """Category 1 in the first year: the Concejo is in recess from 1 March to 31 May (L136 art. 23). Filed
    Friday 28 April 2028, its month runs 29 April to 28 May: the mayor must convoke (L152 art. 40)."""
    genova.plan.entity.fiscal_category = "1"
    db_session.commit()
    walk_to(genova, "filed_with_corporacion")
    run_sweep(date(2028, 4, 28))
    due = told(db_session, genova.ejecutivo, step="sessions_convocation")
    assert [n.kind for n in due] == ["due_today"]
    assert "sesiones extraordinarias" in due[0].subject and due[0].legal_basis == "L152 art. 40; L136 art. 23 par. 2"
    # 29 April to 1 May are not business days: the first working day in recess is Tuesday 2 May (issue 20), so
    # the duty is overdue from Wednesday 3 May.
    run_sweep(date(2028, 5, 3))
    # The convocation is the executive's own duty: told it ran out once, not escalated to itself a second time.
    assert [n.kind for n in told(db_session, genova.ejecutivo, step="sessions_convocation")] == [
        "due_today", "overdue"]
    assert told(db_session, genova.corporacion, step="sessions_convocation") == []

    genova.act("ejecutivo", "convoke_sessions", "2028-05-03", payload={
        "starts_on": "2028-05-04", "ends_on": "2028-05-31", "purpose": "Plan de desarrollo", "covers_plan": True})
    assert genova.plan.event_dates["sessions_convoked"] == "2028-05-03"
    before = len(told(db_session, genova.ejecutivo, step="sessions_convocation"))
    run_sweep(date(2028, 5, 4))
    assert len(told(db_session, genova.ejecutivo, step="sessions_convocation")) == before


def test_a_small_municipio_in_ordinary_sessions_has_no_convocation_duty(genova, db_session):
    genova.plan.entity.fiscal_category = "6"  # sits in May (L136 art. 23)
    db_session.commit()
    walk_to(genova, "adjusting")
    genova.act("ejecutivo", "file_with_corporacion", "2028-04-30")  # its month: 1 to 31 May, all ordinary
    for day in (date(2028, 5, 1), date(2028, 5, 2)):
        run_sweep(day)
    assert told(db_session, genova.ejecutivo, step="sessions_convocation") == []


# --- Issue 18: the law's clock runs for a silent plan -----------------------------------------------------------

def test_a_silent_plan_is_told_overdue_escalated_and_its_posesion_recorded_by_the_system(genova, db_session):
    """Nothing recorded since the period began (1 January 2028, the presumed posesión: AL02 art. 1; L152 art. 39).
    On 16 March the sweep tells the executive side that consolidation and the presentation to the CTP are overdue
    (their duty), escalates to the adviser, and records the posesión as the system, dated 1 January, once."""
    asesora = make_user(db_session, "asesora@dnp.co", Role.ASESOR, genova.plan.entity)
    report = run_sweep(date(2028, 3, 16))
    assert report.effects == 1 and report.escalations >= 2
    db_session.refresh(genova.plan)
    assert genova.plan.state == "in_office"
    event = db_session.scalars(select(PlanEvent).filter_by(plan_id=genova.plan.id)).one()
    assert (event.trigger, event.role, event.actor_id, event.act_on) == (
        "presume_office", "sistema", None, date(2028, 1, 1))
    assert "AL02 art. 1" in event.legal_basis and "corren desde ella" in event.reason
    overdue = {n.step_key for n in told(db_session, genova.planeacion, kind="overdue")}
    assert overdue == {"consolidation", "ctp_presentation"}
    assert {n.step_key for n in told(db_session, asesora, kind="escalation")} == {"consolidation", "ctp_presentation"}
    # The executive's side holds both duties: each of its people is told once that the term ran out, never a second
    # time as the superior; the adviser's notice names whose duty it is, in the entity's words.
    assert told(db_session, genova.ejecutivo, kind="escalation") == []
    assert {n.step_key for n in told(db_session, genova.ejecutivo, kind="overdue")} == {"consolidation",
                                                                                        "ctp_presentation"}
    escalated = told(db_session, asesora, kind="escalation", step="consolidation")[0]
    assert "A cargo de: " in escalated.body and "secretaría de planeación" in escalated.body
    assert "Responsable:" not in escalated.body and "(líder del equipo)" not in escalated.body
    assert told(db_session, genova.ctp, kind="overdue") == []  # not the CTP's duty
    notice = told(db_session, genova.ejecutivo, kind="effect")
    assert len(notice) == 1 and "los plazos del plan corren desde la posesión" in notice[0].subject
    again = run_sweep(date(2028, 3, 16))
    assert again.effects == 0 and again.reminders == 0 and again.escalations == 0


def test_the_entity_posesion_date_moves_the_system_posesion(genova, db_session):
    """A posesión recorded in the entity's settings (10 January) is the day the system records, not before."""
    genova.plan.posesion_on = date(2028, 1, 10)
    db_session.commit()
    assert run_sweep(date(2028, 1, 9)).effects == 0
    db_session.refresh(genova.plan)
    assert genova.plan.state == "elected"
    assert run_sweep(date(2028, 1, 10)).effects == 1
    assert db_session.scalar(select(PlanEvent.act_on).filter_by(trigger="presume_office")) == date(2028, 1, 10)


def test_the_copy_to_the_governor_is_chased_after_the_plan_is_in_force(genova, db_session):
    """L136 art. 82: five business days from the sanction (19 May) to send the governor a copy. The publication
    on 22 May put the plan in force before they ended, and the sweep, which read only plans not yet in force for
    the route's duties, never said that the copy was due or late."""
    adviser = make_user(db_session, "asesor63302@prueba.co", Role.ASESOR, genova.plan.entity)
    walk_to(genova, "in_force")
    assert genova.plan.event_dates["sanctioned"] == "2028-05-19" and "governor_copy_sent" not in str(
        genova.plan.event_dates)
    for day in days(date(2028, 5, 23), date(2028, 5, 29)):
        run_sweep(day)
    due = told(db_session, genova.ejecutivo, step="governor_copy")
    assert [n.kind for n in due] == ["reminder", "reminder", "due_today", "overdue"]  # 5 and 1 business days
    assert "viernes 26 de mayo de 2028" in due[2].body and due[2].legal_basis == "L136 art. 82"
    assert [n.kind for n in told(db_session, adviser, step="governor_copy")] == ["escalation"]
    genova.act("ejecutivo", "send_copy_to_governor", "2028-05-30")
    db_session.commit()
    run_sweep(date(2028, 5, 31))
    assert len(told(db_session, genova.ejecutivo, step="governor_copy")) == 4  # sent: nothing more


def test_a_term_opened_on_its_reminders_day_is_not_told_twice(genova, db_session, set_today):
    """L136 art. 82: the copy to the governor has five business days from the sanction, so its «faltan 5 días
    hábiles» falls on the sanction's own day, beside the act's notice that already says the step and its date."""
    walk_to(genova, "sanction_pending")
    set_today("2028-05-19")
    genova.act("ejecutivo", "sanction", "2028-05-19")
    db_session.commit()
    opened = db_session.scalars(select(Notification).filter_by(user_id=genova.ejecutivo.id, kind="transition",
                                                                step_key="governor_copy")).all()
    assert len(opened) == 1 and opened[0].due_on == date(2028, 5, 26)
    run_sweep(date(2028, 5, 19))
    assert told(db_session, genova.ejecutivo, step="governor_copy") == []
    set_today("2028-05-25")
    run_sweep(date(2028, 5, 25))
    reminded = told(db_session, genova.ejecutivo, step="governor_copy")
    assert [n.kind for n in reminded] == ["reminder"] and "falta 1 día hábil" in reminded[0].subject


def test_a_project_assigned_after_the_month_still_opens_the_decree(genova, db_session):
    """L152 art. 40: the month ran out on 30 May 2028 without a decision; the Concejo assigned the project on 2 June.
    The sweep dated the decree's opening on the law's day, before the assignment, and every sweep refused it
    («anterior al último acto registrado») while the notice said it was open (QA, 7 December 2026). It is dated
    the route's last act."""
    walk_to(genova, "filed_with_corporacion")
    genova.act("corporacion", "assign_to_committee", "2028-06-02")
    db_session.commit()
    report = run_sweep(date(2028, 6, 3))
    db_session.refresh(genova.plan)
    assert genova.plan.state == "decree_eligible" and report.skipped == 0
    event = db_session.scalars(select(PlanEvent).filter_by(trigger="enable_decree_adoption")).one()
    assert event.act_on == date(2028, 6, 2)
