"""The plan service on real PostgreSQL: legal acts persisted with history, refusals change nothing."""
from datetime import date

import pytest
from sqlalchemy import func, select, text

from state_machines.core.roles import Role
from tests.workflow_app.story import Cast, make_plan, pdf, walk_to
from workflow_app.models import Document, Notification, Plan, PlanEvent, Procedure
from workflow_app.services.route.plans import (
    ActCommand,
    ActForbidden,
    ActInvalid,
    ActRefused,
    PlanConflict,
    apply_act,
)


@pytest.fixture
def genova(db_session):
    plan = make_plan(db_session, "63302")
    return Cast(db_session, plan)


def count(session, model, **kw):
    return len(session.scalars(select(model).filter_by(**kw)).all())


def test_walk_to_debate_records_every_act_with_its_norm(genova, db_session):
    walk_to(genova, "in_debate")
    events = db_session.scalars(select(PlanEvent).filter_by(plan_id=genova.plan.id).order_by(PlanEvent.id)).all()
    main = [e for e in events if e.machine == "pdt_approval"]
    assert [e.trigger for e in main][:3] == ["take_office", "start_drafting", "submit_to_consejo_de_gobierno"]
    assert all(e.legal_basis for e in events)
    filing = next(e for e in main if e.trigger == "file_with_corporacion")
    assert (filing.from_state, filing.to_state, filing.role) == ("adjusting", "filed_with_corporacion", "ejecutivo")
    assert filing.act_on == date(2028, 4, 28) and filing.evidence_ids
    assert genova.plan.event_dates == {"ctp_presented": "2028-02-29", "filed_with_corporacion": "2028-04-28"}
    assert "filed_with_corporacion" in filing.payload["milestones"]


def test_presenting_to_consejo_de_gobierno_sends_a_copy_to_each_car(genova, db_session):
    walk_to(genova, "submitted_to_consejo_de_gobierno")
    cars = db_session.scalars(select(Procedure).filter_by(plan_id=genova.plan.id, machine="car_review")).all()
    assert [(c.subject, c.state, c.data["received_on"]) for c in cars] == [("CRQ", "copy_sent", "2028-02-29")]
    told = db_session.scalars(select(Notification).filter_by(user_id=genova.cars["CRQ"].id)).all()
    assert len(told) == 1 and "22 de marzo de 2028" in told[0].body


def test_departamento_gets_one_car_review_per_authority(db_session):
    sucre = make_plan(db_session, "70")
    cast = Cast(db_session, sucre, car_codes=("CARSUCRE", "CORPOMOJANA"))
    walk_to(cast, "submitted_to_consejo_de_gobierno")
    codes = {p.subject for p in sucre.procedures if p.machine == "car_review"}
    assert codes == {"CARSUCRE", "CORPOMOJANA"}
    cast.act("CORPOMOJANA", "receive_concept", "2028-03-10", machine="car_review", subject="CORPOMOJANA",
             payload={"concept": "favorable"})
    states = {p.subject: p.state for p in sucre.procedures if p.machine == "car_review"}
    assert states == {"CARSUCRE": "copy_sent", "CORPOMOJANA": "concept_received"}


def test_a_car_cannot_answer_for_another_authority(db_session):
    sucre = make_plan(db_session, "70")
    cast = Cast(db_session, sucre, car_codes=("CARSUCRE", "CORPOMOJANA"))
    walk_to(cast, "submitted_to_consejo_de_gobierno")
    with pytest.raises(ActForbidden):
        cast.act("CARSUCRE", "receive_concept", "2028-03-10", machine="car_review", subject="CORPOMOJANA")


def test_refused_act_changes_nothing_and_says_why(genova, db_session):
    walk_to(genova, "submitted_to_ctp")
    before = (genova.plan.version, count(db_session, PlanEvent), count(db_session, Document))
    with pytest.raises(ActRefused) as refused:
        genova.act("ejecutivo", "file_with_corporacion", "2028-03-05")
    assert refused.value.message and refused.value.legal_basis
    db_session.refresh(genova.plan)
    assert (genova.plan.version, count(db_session, PlanEvent), count(db_session, Document)) == before
    assert genova.plan.state == "submitted_to_ctp"


def test_ctp_silence_deems_the_requirement_fulfilled_only_from_overdue_from(genova, db_session):
    walk_to(genova, "submitted_to_ctp")  # presented 29 Feb 2028: latest 31 Mar, overdue_from 1 Apr
    with pytest.raises(ActRefused):
        genova.act("sistema", "deem_ctp_requirement_fulfilled", "2028-03-31", evidence=False)
    event = genova.act("sistema", "deem_ctp_requirement_fulfilled", "2028-04-01", evidence=False)
    assert event.to_state == "ctp_stage_closed" and event.role == "sistema" and event.actor_id is None
    assert event.legal_basis == "L152 art. 39 num. 6"
    ctp = next(p for p in genova.plan.procedures if p.machine == "ctp_review")
    assert ctp.state == "deemed_fulfilled"


def test_stale_version_is_a_conflict_and_writes_nothing(genova, db_session):
    walk_to(genova, "drafting")
    stale = genova.plan.version - 1
    events = count(db_session, PlanEvent)
    with pytest.raises(PlanConflict):
        apply_act(db_session, plan_id=genova.plan.id,
                  command=ActCommand(trigger="submit_to_consejo_de_gobierno", evidence=pdf()),
                  actor=genova.planeacion, role=Role.PLANEACION, expected_version=stale, today=date(2028, 2, 1))
    assert count(db_session, PlanEvent) == events


def test_concurrent_writer_loses_with_a_conflict(genova, db_session, app):
    """Two sessions read the same version; the second commit finds the row changed and writes nothing."""
    from workflow_app.infra.extensions import db

    walk_to(genova, "drafting")
    version = genova.plan.version
    with db.engine.begin() as other:  # someone else's act commits first
        other.execute(text("UPDATE plans SET version = version + 1 WHERE id = :id"), {"id": genova.plan.id})
    with pytest.raises(PlanConflict):
        apply_act(db_session, plan_id=genova.plan.id,
                  command=ActCommand(trigger="submit_to_consejo_de_gobierno", evidence=pdf()),
                  actor=genova.planeacion, role=Role.PLANEACION, expected_version=version,
                  today=date(2028, 2, 1))
    assert db_session.get(Plan, genova.plan.id).state == "drafting"


def test_someone_outside_the_entity_is_forbidden(genova, db_session):
    other = make_plan(db_session, "63111")
    stranger = Cast(db_session, other)
    with pytest.raises(ActForbidden):
        apply_act(db_session, plan_id=genova.plan.id, command=ActCommand(trigger="take_office", evidence=pdf()),
                  actor=stranger.ejecutivo, role=Role.EJECUTIVO, expected_version=None, today=date(2028, 1, 2))


def test_an_act_dated_in_the_future_is_invalid(genova):
    with pytest.raises(ActInvalid) as invalid:
        genova.act("ejecutivo", "take_office", "2028-01-05", today="2028-01-02")
    assert invalid.value.field == "act_on"


def test_a_non_pdf_evidence_is_refused_and_nothing_is_written(genova, db_session):
    import io

    from workflow_app.services.route.documents import Upload

    with pytest.raises(ActInvalid) as invalid:
        apply_act(db_session, plan_id=genova.plan.id,
                  command=ActCommand(trigger="take_office", evidence=Upload("acta.pdf", io.BytesIO(b"MZ\x90 exe"))),
                  actor=genova.ejecutivo, role=Role.EJECUTIVO, expected_version=None, today=date(2028, 1, 2))
    assert invalid.value.field == "evidence" and "PDF" in invalid.value.message
    assert db_session.get(Plan, genova.plan.id).state == "elected"
    assert count(db_session, PlanEvent) == 0


def test_history_rows_cannot_be_updated_or_deleted(genova, db_session):
    from sqlalchemy.exc import DBAPIError

    walk_to(genova, "in_office")
    with pytest.raises(DBAPIError, match="solo adición"):
        db_session.execute(text("UPDATE plan_events SET reason = 'alterado'"))
    db_session.rollback()
    with pytest.raises(DBAPIError, match="solo adición"):
        db_session.execute(text("DELETE FROM plan_events"))
    db_session.rollback()


def test_an_act_dated_before_the_posesion_is_invalid(genova):
    with pytest.raises(ActInvalid, match="anterior a la posesión") as invalid:
        genova.act("ejecutivo", "take_office", "2027-12-31", today="2028-01-05")
    assert invalid.value.field == "act_on"


def test_route_acts_cannot_be_dated_before_the_previous_act(genova):
    walk_to(genova, "drafting")  # start_drafting on 10 January 2028
    with pytest.raises(ActInvalid, match="anterior al último acto"):
        genova.act("planeacion", "submit_to_consejo_de_gobierno", "2028-01-09", today="2028-02-01")


def test_scheduling_a_hearing_records_the_hearings_scheduled_milestone(genova, db_session):
    walk_to(genova, "adjusting")
    event = genova.act("planeacion", "schedule_hearing", "2028-04-05", evidence=False,
                       payload={"scheduled_on": "2028-04-12", "place": "Casa de la cultura", "zone": "Urbana"})
    assert "hearings_scheduled" in event.payload["milestones"]


def test_the_memoised_calendar_follows_the_facts_and_no_caller_can_alter_it(db_session):
    from state_machines import calendar as legal_calendar
    from workflow_app.services.route.plans import deadlines_for, period_facts

    plan = make_plan(db_session, "63302")
    computed = legal_calendar.compute_deadlines(legal_calendar.parse_facts(period_facts(plan)))
    first = deadlines_for(plan)
    assert first == computed
    first.clear()  # a caller's list is its own
    assert deadlines_for(plan) == computed
    moved = deadlines_for(plan, {"ctp_presented": "2028-02-29"})
    assert moved != computed and moved == legal_calendar.compute_deadlines(
        legal_calendar.parse_facts(period_facts(plan, {"ctp_presented": "2028-02-29"})))


def test_a_hearing_is_programmed_for_the_acts_day_or_later_never_for_a_day_past(db_session):
    """L1909 art. 22 (QA, 7 December 2026): a hearing «programada» for 1 March, recorded on 5 April, was accepted."""
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    before = db_session.scalar(select(func.count()).select_from(Procedure))
    with pytest.raises(ActInvalid, match="La audiencia se programa para el 5 de abril de 2028 o un día posterior") \
            as refused:
        cast.act("planeacion", "schedule_hearing", "2028-04-05",
                 payload={"scheduled_on": "2028-03-01", "place": "Casa de la cultura"})
    assert refused.value.field == "scheduled_on"
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Procedure)) == before
    with pytest.raises(ActInvalid, match="día/mes/año"):
        cast.act("planeacion", "schedule_hearing", "2028-04-05", payload={"scheduled_on": "1 de marzo"})
    db_session.rollback()
    cast.act("planeacion", "schedule_hearing", "2028-04-05",
             payload={"scheduled_on": "2028-04-05", "place": "Casa de la cultura"})  # the same day: a hearing today
