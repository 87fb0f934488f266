"""Monitoreo 360 services on PostgreSQL: the monthly survey (one answer per entity and month, by the unique
constraint), its aggregates with the 3.5 threshold, the Lista de Chequeo's score, the SETA cuts and the ranking."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from state_machines.core.roles import Role
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import (
    ActivityReport,
    Delivery,
    Entity,
    Membership,
    Notification,
    Plan,
    SetaCut,
    SetaCutRow,
    SurveyResponse,
)
from workflow_app.services.followup import activity, checklist, cuts, survey

ASPECTS = ("objectives", "usability", "pertinence", "quality", "added_value")


def entity(session, dane: str) -> Entity:
    return session.scalar(select(Entity).filter_by(dane_code=dane))


def scores(*values):
    return dict(zip(ASPECTS, values))


@pytest.fixture
def two_entities(db_session):
    genova = Cast(db_session, make_plan(db_session, "63302"))
    soledad = Cast(db_session, make_plan(db_session, "08758"))
    return genova, soledad


def test_the_monthly_notice_reaches_planeacion_once_a_month_through_the_outbox(db_session, two_entities):
    genova, soledad = two_entities
    assert survey.send_monthly_survey(db_session, date(2028, 3, 1)) == 2
    assert survey.send_monthly_survey(db_session, date(2028, 3, 2)) == 0  # the same month: told once
    notices = db_session.scalars(select(Notification).filter_by(kind="survey")).all()
    assert {n.user_id for n in notices} == {genova.planeacion.id, soledad.planeacion.id}
    notice = next(n for n in notices if n.user_id == genova.planeacion.id)
    assert notice.subject == "Encuesta mensual de Gobierno al Plan (marzo de 2028): Génova (Quindío)"
    assert notice.link == "/monitoreo-360/encuesta?entidad=63302" and notice.due_on == date(2028, 3, 31)
    assert db_session.scalar(select(func.count()).select_from(Delivery)) == 2  # one e-mail each
    assert survey.send_monthly_survey(db_session, date(2028, 4, 1)) == 2  # a new month: told again


def test_an_entity_that_answered_is_not_told_and_its_notice_is_read(db_session, two_entities, set_today):
    genova, soledad = two_entities
    set_today("2028-03-05")
    survey.submit(db_session, soledad.plan.entity, soledad.planeacion,
                  survey.SurveyCommand(scores(4, 4, 5, 4, 3)), date(2028, 3, 5))
    assert survey.send_monthly_survey(db_session, date(2028, 3, 5)) == 1  # only Génova
    survey.submit(db_session, genova.plan.entity, genova.planeacion, survey.SurveyCommand(scores(4, 4, 5, 4, 3)),
                  date(2028, 3, 6))
    notice = db_session.scalar(select(Notification).filter_by(kind="survey", user_id=genova.planeacion.id))
    assert notice.read_at is not None


def test_a_second_answer_for_the_same_entity_and_month_is_refused_in_spanish(db_session, two_entities, set_today):
    genova, _ = two_entities
    set_today("2028-03-05")
    survey.submit(db_session, genova.plan.entity, genova.planeacion, survey.SurveyCommand(scores(4, 4, 4, 4, 4)),
                  date(2028, 3, 5))
    with pytest.raises(survey.SurveyError) as refused:
        survey.submit(db_session, genova.plan.entity, genova.ejecutivo, survey.SurveyCommand(scores(1, 1, 1, 1, 1)),
                      date(2028, 3, 9))
    assert refused.value.status == 409
    assert "La encuesta de marzo de 2028 de Génova (Quindío) ya fue respondida el 5 de marzo de 2028" in \
        refused.value.message
    assert db_session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    # April is a new month: accepted.
    survey.submit(db_session, genova.plan.entity, genova.ejecutivo, survey.SurveyCommand(scores(2, 2, 2, 2, 2)),
                  date(2028, 4, 2))


def test_the_unique_constraint_itself_refuses_a_second_row(db_session, two_entities):
    genova, _ = two_entities
    e = genova.plan.entity
    db_session.add(SurveyResponse(entity_id=e.id, month=date(2028, 3, 1), objectives=4, comment=""))
    db_session.commit()
    db_session.add(SurveyResponse(entity_id=e.id, month=date(2028, 3, 1), objectives=2, comment=""))
    with pytest.raises(IntegrityError, match="entity_month"):
        db_session.commit()
    db_session.rollback()
    db_session.add(SurveyResponse(entity_id=e.id, month=date(2028, 4, 1), objectives=6, comment=""))
    with pytest.raises(IntegrityError, match="objectives_1_5"):
        db_session.commit()
    db_session.rollback()


def test_bad_answers_are_refused_and_nothing_is_written(db_session, two_entities):
    genova, soledad = two_entities
    e = genova.plan.entity
    cases = [
        (genova.planeacion, scores(None, None, None, None, None), "Califique al menos un aspecto"),
        (genova.planeacion, scores(6, 4, 4, 4, 4), "de 1 a 5"),
        (genova.ctp, scores(4, 4, 4, 4, 4), "Su cuenta no responde la encuesta"),
        (soledad.planeacion, scores(4, 4, 4, 4, 4), "Su cuenta no responde la encuesta"),
    ]
    for user, given, message in cases:
        with pytest.raises(survey.SurveyError, match=message):
            survey.submit(db_session, e, user, survey.SurveyCommand(given), date(2028, 3, 5))
    with pytest.raises(survey.SurveyError, match="hasta 2000 caracteres"):
        survey.submit(db_session, e, genova.planeacion, survey.SurveyCommand(scores(4, 4, 4, 4, 4), "x" * 2001),
                      date(2028, 3, 5))
    assert db_session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_results_by_month_aspect_region_and_adviser_with_the_threshold(db_session, two_entities):
    genova, soledad = two_entities
    adviser = make_user(db_session, "asesora@dnp.gov.co", Role.ASESOR, genova.plan.entity)
    db_session.add(Membership(user_id=adviser.id, role="asesor", entity_id=soledad.plan.entity.id))
    db_session.commit()
    g, s = genova.plan.entity, soledad.plan.entity
    survey.submit(db_session, g, genova.planeacion, survey.SurveyCommand(scores(5, 4, 4, 4, None)), date(2028, 3, 3))
    survey.submit(db_session, s, soledad.planeacion, survey.SurveyCommand(scores(3, 3, 3, 4, 3), "Más visitas"),
                  date(2028, 3, 4))
    survey.submit(db_session, g, genova.planeacion, survey.SurveyCommand(scores(3, 3, 3, 3, 3)), date(2028, 4, 3))
    res = survey.results(db_session, detail_entity_ids=None)  # as an administrator: every entity's answers
    march, april = res.months
    assert (march.count, march.average, march.dissatisfied_per_100) == (2, 3.73, 50.0)  # 4.25 and 3.2: one below
    assert (april.count, april.average, april.dissatisfied_per_100, april.variation) == (1, 3.0, 100.0, -0.73)
    assert march.is_satisfied and not april.is_satisfied and res.threshold == 3.5
    assert {a.key: a.average for a in res.aspects}["objectives"] == pytest.approx(3.67)
    assert {a.key: a.count for a in res.aspects}["added_value"] == 2  # "no aplica" is not counted
    assert {r.label for r in res.regions} == {"Caribe", "Eje Cafetero y Antioquia"}
    assert [(a.label, a.count) for a in res.advisers] == [("asesora", 3)]
    # Priority attention: Génova dropped 1.25 points; Soledad is below 3.5.
    assert [(a.entity.dane_code, a.reason) for a in res.attention] == [
        ("63302", "por debajo del umbral de 3,5 y bajó 1,25 puntos frente a su respuesta anterior"),
        ("08758", "por debajo del umbral de 3,5")]
    assert survey.results(db_session, region="Caribe").answers == 1
    api = survey.api_aggregates(survey.results(db_session))  # as the public
    assert "Más visitas" not in str(api) and "63302" not in str(api)  # aggregates only
    # A group answered by fewer than three entities shows its count, not its figures (April: one answer).
    april_api = next(m for m in api["meses"] if m["mes"].endswith("-04"))
    assert april_api == {"mes": april_api["mes"], "respuestas": 1, "promedio": None, "insatisfechos_por_100": None,
                         "variacion": None, "aspectos": {}, "reservado": True,
                         "motivo_reserva": survey.few_answers_reason()}
    assert all(g["promedio"] is None and g["reservado"] for g in api["departamentos"] if g["respuestas"] < 3)
    # A month after a month without answers has no variation: «—», not the difference with two months before.
    survey.submit(db_session, s, soledad.planeacion, survey.SurveyCommand(scores(4, 4, 4, 4, 4)), date(2028, 6, 2))
    june = survey.results(db_session, detail_entity_ids=None).months[-1]
    assert (june.key[:7], june.average, june.variation) == ("2028-06", 4.0, None)


def test_the_checklist_scores_items_and_lists_what_is_missing(db_session, two_entities):
    genova, _ = two_entities
    adviser = make_user(db_session, "asesor@dnp.gov.co", Role.ASESOR, genova.plan.entity)
    raw = {f"Q{i}": ("2", "") for i in range(1, 17)}
    raw["Q2"] = ("1", "Falta el histórico de ingresos")
    raw["Q13"] = ("na", "")
    raw["Q9"] = ("0", "")
    with pytest.raises(checklist.ChecklistError) as refused:
        checklist.record(db_session, genova.plan, adviser, raw, datetime.now(timezone.utc))
    assert "Q9: escriba en la nota qué falta" in refused.value.message
    assert list(refused.value.errors) == ["Q9-note"]  # the note is what is wrong, not the rating
    with pytest.raises(checklist.ChecklistError) as refused:
        checklist.record(db_session, genova.plan, genova.planeacion, raw, datetime.now(timezone.utc))
    assert refused.value.status == 403
    raw["Q9"] = ("0", "El PPI no cruza con el MFMP")
    checklist.record(db_session, genova.plan, adviser, raw, datetime.now(timezone.utc))
    current = checklist.latest(db_session, genova.plan.id)
    assert current.score == pytest.approx(round(27 / 30 * 100, 1)) and current.band == "alta"
    assert [m.code for m in current.missing] == ["Q2", "Q9"]
    assert checklist.latest_scores(db_session, [genova.plan.id]) == {genova.plan.id: (90.0, 2)}
    with pytest.raises(checklist.ChecklistError):
        checklist.answer(db_session, genova.plan, adviser, "respuesta", datetime.now(timezone.utc))
    checklist.answer(db_session, genova.plan, genova.planeacion, "Ajustamos el PPI en la versión 3.",
                     datetime.now(timezone.utc))
    assert checklist.latest(db_session, genova.plan.id).review.reply == "Ajustamos el PPI en la versión 3."


def test_seta_cuts_keep_progress_and_compare_cut_against_cut(db_session, two_entities):
    genova, soledad = two_entities
    first = cuts.take_cut(db_session, date(2028, 3, 15))
    with pytest.raises(cuts.CutError, match="Ya hay un corte del 15 de marzo de 2028"):
        cuts.take_cut(db_session, date(2028, 3, 15))
    walk_to(genova, "filed_with_corporacion")
    second = cuts.take_cut(db_session, date(2028, 3, 31))
    rows = {r.plan_id: r for r in db_session.scalars(select(SetaCutRow).filter_by(cut_id=second.id))}
    assert rows[genova.plan.id].progress > rows[soledad.plan.id].progress
    assert all(day is not None for number, day in rows[genova.plan.id].done if number != 2)  # 2: an account
    c = cuts.compare(db_session, first, second)
    top = c.plans[0]
    assert top.entity.dane_code == "63302" and top.delta > 0 and 10 in top.new_hitos
    assert {g.label for g in c.regions} == {"Caribe", "Eje Cafetero y Antioquia"}
    assert c.national.plans == 2 and c.national.after > c.national.before
    assert cuts.is_cut_day(date(2028, 2, 29)) and cuts.is_cut_day(date(2028, 3, 15))
    assert not cuts.is_cut_day(date(2028, 3, 16)) and not cuts.is_cut_day(date(2028, 2, 28))


def test_the_cut_job_takes_a_cut_only_on_cut_days_and_once(db_session, two_entities, set_today):
    set_today("2028-03-14")
    assert cuts.cut_job() is None
    set_today("2028-03-15")
    assert cuts.cut_job() is not None and cuts.cut_job() is None
    assert db_session.scalar(select(func.count()).select_from(SetaCut)) == 1


def test_a_report_with_several_bad_rows_is_refused_with_each_rows_missing_field(db_session):
    """Every row's problem at once, keyed by its input and naming the field that is missing (the service stopped
    at the first row, and said «indique la entidad y la fecha» of a row whose entity was chosen)."""
    plan = make_plan(db_session, "63302")
    adviser = make_user(db_session, "asesor1@dnp.gov.co", Role.ASESOR, plan.entity)
    month = date(2028, 3, 1)
    command = activity.ReportCommand(month, 0, "", (
        activity.VisitInput(plan.entity.id, None, "virtual", "Hito 7", False, None, ""),
        activity.VisitInput(None, date(2028, 3, 8), "virtual", "PPI", False, None, ""),
        activity.VisitInput(None, None, "virtual", "", False, None, ""),  # blank: ignored
        activity.VisitInput(plan.entity.id, date(2028, 3, 9), "virtual", "", False, date(2028, 3, 1), ""),
    ))
    with pytest.raises(activity.ActivityError) as refused:
        activity.submit_report(db_session, adviser, command, date(2028, 4, 5),
                               unreadable={"v3-on": "Asesoría 3: la fecha debe tener la forma AAAA-MM-DD."})
    assert refused.value.errors == {
        "v1-on": "Asesoría 1: indique la fecha.",
        "v2-entity": "Asesoría 2: elija la entidad.",
        "v4-seta": "Asesoría 4: la fecha de cargue en SETA no puede ser anterior a la asesoría.",
        "v4-topic": "Asesoría 4: indique el tema o el hito trabajado.",  # an asesoría needs its topic (§3.4)
        "v3-on": "Asesoría 3: la fecha debe tener la forma AAAA-MM-DD.",
    }
    assert "Asesoría 1: indique la fecha." in refused.value.message and "Asesoría 4" in refused.value.message
    assert activity.report_of(db_session, adviser.id, month) is None


def test_the_ranking_shows_every_component_and_reweights_missing_ones(db_session, set_today):
    plans = [make_plan(db_session, dane) for dane in ("63302", "63272", "63130", "63001")]
    adviser = make_user(db_session, "asesor1@dnp.gov.co", Role.ASESOR, plans[0].entity)
    for p in plans[1:3]:
        db_session.add(Membership(user_id=adviser.id, role="asesor", entity_id=p.entity.id))
    few = make_user(db_session, "asesor2@dnp.gov.co", Role.ASESOR, plans[3].entity)
    quindio = entity(db_session, "63")
    coordinator = make_user(db_session, "coordinador@dnp.gov.co", Role.COORDINADOR, quindio)
    db_session.commit()
    cuts.take_cut(db_session, date(2028, 3, 31))
    month = date(2028, 3, 1)
    command = activity.ReportCommand(month, 2, "Sin novedad", (
        activity.VisitInput(plans[0].entity.id, date(2028, 3, 6), "virtual", "Hito 7", True, date(2028, 3, 7), ""),
        activity.VisitInput(plans[1].entity.id, date(2028, 3, 8), "presencial", "PPI", False, None, ""),
    ))
    activity.submit_report(db_session, adviser, command, date(2028, 4, 12))  # two business days late
    with pytest.raises(activity.ActivityError, match="no está entre las que usted acompaña"):
        activity.submit_report(db_session, few, command, date(2028, 4, 5))
    activity.submit_report(db_session, few, activity.ReportCommand(month, 0, "", ()), date(2028, 4, 5))
    report = activity.report_of(db_session, adviser.id, month)
    activity.rate(db_session, coordinator, report, 4, date(2028, 4, 12))
    with pytest.raises(activity.ActivityError):
        activity.rate(db_session, few, report, 5, date(2028, 4, 12))
    advisers, _coordinators, cut = activity.ranking(db_session, month, date(2028, 4, 12))
    first = advisers[0]
    assert first.user.id == adviser.id and first.rank == 1 and cut.cut_on == date(2028, 3, 31)
    t = first.component("T")
    assert t.value == pytest.approx(0.5 * 0.8 + 0.5 * 0.5) and "2 días hábiles tarde" in t.detail
    assert first.component("E").value == 0.5 and first.component("C").value == 0.75
    assert first.component("S").value is None and "no se califica" not in first.component("S").detail
    p = first.component("P").value
    expected = round(100 * (0.3 * p + 0.2 * 0.65 + 0.15 * 0.5 + 0.15 * 0.75) / 0.8, 1)
    assert first.score == expected  # S missing: the other weights re-weighted
    second = next(r for r in advisers if r.user.id == few.id)
    assert second.rank is None and "menos de 3 entidades" in second.unranked_reason
    assert db_session.scalar(select(func.count()).select_from(ActivityReport)) == 2


def test_the_demo_fills_survey_months_two_differing_cuts_a_report_and_a_checklist(db_session):
    from workflow_app.services.cycle.demo import ensure_demo_data

    ensure_demo_data()
    ensure_demo_data()  # idempotent
    res = survey.results(db_session, detail_entity_ids=None)
    assert [m.key[:7] for m in res.months] == ["2027-12", "2028-01", "2028-02", "2028-03"]
    assert res.answers == 16 and [a.entity.dane_code for a in res.attention] == ["63"]  # 3,2 in March
    first, second = sorted(cuts.all_cuts(db_session), key=lambda c: c.cut_on)
    comparison = cuts.compare(db_session, first, second)
    genova = next(d for d in comparison.plans if d.entity.dane_code == "63302")
    assert genova.delta > 0 and genova.new_hitos  # presented to the Consejo de Gobierno and the CTP in between
    advisers, coordinators, cut = activity.ranking(db_session, date(2028, 2, 1), date(2028, 3, 10))
    assert advisers[0].rank == 1 and cut.cut_on == date(2028, 2, 29)
    assert coordinators[0].user.email == "coordinador.eje@demo.rutapdt.co"
    filandia = db_session.scalar(select(Entity).filter_by(dane_code="63272"))
    reviews = checklist.latest_scores(db_session, [p.id for p in db_session.scalars(
        select(Plan).filter_by(entity_id=filandia.id))])
    # Q13 (DDHH y DIH, municipios) applies to Filandia, a municipio: rated, not «No aplica» (QA, 7 December 2026).
    assert list(reviews.values()) == [(round(28 / 32 * 100, 1), 3)]


def test_a_cut_counts_only_the_plans_of_the_period_that_runs_on_its_day(db_session, two_entities):
    """QA 7 December 2026: Filandia's ended 2024–2027 plan (62 %) counted in the 2028 cuts and in its adviser's
    ranking, although Filandia had no 2028–2031 plan yet."""
    genova, soledad = two_entities
    ended = make_plan(db_session, "63272", year=2024)
    cut = cuts.take_cut(db_session, date(2028, 3, 15))
    rows = {r.plan_id for r in db_session.scalars(select(SetaCutRow).filter_by(cut_id=cut.id))}
    assert rows == {genova.plan.id, soledad.plan.id} and ended.id not in rows
    old = cuts.take_cut(db_session, date(2026, 6, 15))  # a cut of 2026 counts the 2024–2027 plan only
    assert {r.plan_id for r in db_session.scalars(select(SetaCutRow).filter_by(cut_id=old.id))} == {ended.id}


def test_a_plan_missing_from_one_cut_is_not_a_plan_at_zero():
    """QA 7 December 2026: a region's mean divided Filandia's 62,2 % among four plans, and Filandia's row read
    «62,2 % → — %, −62,2»: a plan absent from a cut has no variation and does not pull its group to 0."""
    from types import SimpleNamespace

    entity = SimpleNamespace(name="Filandia")
    filandia = cuts.PlanDelta(entity, 62.2, None, ())
    genova = cuts.PlanDelta(entity, None, 2.0, ())
    moved = cuts.PlanDelta(entity, 10.0, 20.0, (3,))
    assert filandia.delta is None and genova.delta is None and moved.delta == 10.0
    group = cuts._group("Eje Cafetero y Antioquia", [filandia, genova, moved])
    assert (group.plans, group.before, group.after, group.delta) == (3, 36.1, 11.0, -25.1)
    assert cuts._group("Vacía", []).delta is None


def test_the_open_survey_api_withholds_what_subtraction_would_give():
    """QA (7 December 2026): with Quindío at 3 answers and Sucre at 1 (withheld), the country's mean minus
    Quindío's gave Sucre's score, in one response and across a filtered one."""
    from workflow_app.services.followup.survey import Answer, aggregate, api_aggregates

    december = date(2027, 12, 1)
    regions = {"63": "Eje Cafetero y Antioquia", "05": "Eje Cafetero y Antioquia", "70": "Caribe"}

    def answers(**by_department):
        out = []
        for code, (name, how_many, score) in by_department.items():
            out += [Answer(len(out) + 1, december, code.lstrip("d"), name, regions[code.lstrip("d")], score,
                           {"objectives": int(score)}) for _ in range(how_many)]
        return out

    whole = answers(d63=("Quindío", 3, 4.0), d70=("Sucre", 1, 3.0))
    api = api_aggregates(aggregate(whole))
    assert [(d["nombre"], d["reservado"], d["promedio"]) for d in api["departamentos"]] == [
        ("Quindío", True, None), ("Sucre", True, None)]  # the second withheld so the first does not tell it
    assert [(r["nombre"], r["reservado"]) for r in api["regiones"]] == [
        ("Caribe", True), ("Eje Cafetero y Antioquia", True)]  # nor the region that holds all the others
    assert api["meses"][0]["promedio"] is not None  # the country's month stays: four answers
    assert "restándola de un total publicado" in api["departamentos"][0]["motivo_reserva"]
    bigger = answers(d63=("Quindío", 5, 4.0), d05=("Antioquia", 3, 3.0), d70=("Sucre", 1, 3.0))
    assert [(d["nombre"], d["reservado"]) for d in api_aggregates(aggregate(bigger))["departamentos"]] == [
        ("Antioquia", True), ("Quindío", False), ("Sucre", True)]
    # Quindío alone (a filtered query) withholds what the country's query withholds: its December.
    filtered = api_aggregates(aggregate(whole, department="63"))
    assert filtered["meses"][0]["reservado"] and filtered["aspectos"][0]["promedio"] is None
    assert filtered["departamentos"][0]["reservado"]


def test_the_demos_cuts_are_taken_on_their_own_day(db_session, set_today, client):
    """QA (7 December 2026): the cuts of 15 and 29 February 2028 read «tomado el 7 de diciembre de 2026»."""
    from tests.demo_copy import demo_data
    from tests.workflow_app.helpers import login
    from workflow_app.models import SetaCut

    set_today("2028-03-10")
    accounts = {a.email.split("@")[0]: a for a in demo_data()}
    cuts = db_session.scalars(select(SetaCut).order_by(SetaCut.cut_on)).all()
    assert cuts
    login(client, accounts["asesor.quindio"].email, accounts["asesor.quindio"].password)
    page = " ".join(client.get("/monitoreo-360/cortes").get_data(as_text=True).split())
    from state_machines.calendar import format_date_es

    for cut in cuts:
        assert f"tomado el {format_date_es(cut.cut_on)}" in page, cut.cut_on
    assert "de 2026" not in page


@pytest.fixture
def quindio_adviser(db_session):
    """An adviser of Génova, Calarcá and Armenia (2028–2031 plans) and Filandia (no plan of the period); Quindío's
    coordinator."""
    plans = [make_plan(db_session, dane) for dane in ("63302", "63130", "63001")]
    adviser = make_user(db_session, "asesor1@dnp.gov.co", Role.ASESOR, plans[0].entity)
    for e in [p.entity for p in plans[1:]] + [entity(db_session, "63272")]:
        db_session.add(Membership(user_id=adviser.id, role="asesor", entity_id=e.id))
    coordinator = make_user(db_session, "coordinador@dnp.gov.co", Role.COORDINADOR, entity(db_session, "63"))
    db_session.commit()
    return plans, adviser, coordinator


def _visit(plan, on, topic="Plan indicativo", loaded=None, evidence=True):
    return activity.VisitInput(plan.entity.id, on, "virtual", topic, evidence, loaded, "")


def test_a_month_is_ranked_and_rated_only_once_it_has_ended(db_session, quindio_adviser):
    """phase-ii.md §3.4 ranks a month: on 10 March 2028 the March ranking read «1.º nacional, 90,4»."""
    plans, adviser, coordinator = quindio_adviser
    march = date(2028, 3, 1)
    activity.submit_report(db_session, adviser, activity.ReportCommand(march, 0, "", (
        _visit(plans[0], date(2028, 3, 6), loaded=date(2028, 3, 7)),)), date(2028, 3, 10))
    with pytest.raises(activity.ActivityError) as early:
        activity.ranking(db_session, march, date(2028, 3, 31))
    assert early.value.status == 409 and "Marzo de 2028 no ha terminado" in early.value.message
    assert "sábado 1 de abril de 2028" in early.value.message
    report = activity.report_of(db_session, adviser.id, march)
    with pytest.raises(activity.ActivityError) as rated:
        activity.rate(db_session, coordinator, report, 5, date(2028, 3, 31))
    assert rated.value.status == 409 and "no ha terminado" in rated.value.message
    db_session.refresh(report)
    assert report.coordinator_rating is None  # nothing changed
    with pytest.raises(activity.ActivityError) as bad:
        activity.rate(db_session, coordinator, report, 7, date(2028, 4, 1))
    assert bad.value.status == 422 and bad.value.message == "La calificación va de 1 a 5."
    activity.rate(db_session, coordinator, report, 5, date(2028, 4, 1))
    advisers, _, _ = activity.ranking(db_session, march, date(2028, 4, 1))
    assert advisers[0].rank == 1 and advisers[0].component("C").value == 1.0


def test_without_a_cut_p_still_counts_and_only_s_or_c_are_reweighted(db_session, quindio_adviser):
    """§3.4: "Missing S or C: re-weight the rest". Without a cut in February, P was dropped and its 0.30 spread over
    T, E and C: a lagging adviser scored 52,9 in February and 90,4 in March."""
    plans, adviser, coordinator = quindio_adviser
    feb = date(2028, 2, 1)
    activity.submit_report(db_session, adviser, activity.ReportCommand(feb, 0, "", (
        _visit(plans[0], date(2028, 2, 7), loaded=date(2028, 2, 8)),)), date(2028, 3, 1))
    activity.rate(db_session, coordinator, activity.report_of(db_session, adviser.id, feb), 5, date(2028, 3, 1))
    advisers, _, cut = activity.ranking(db_session, feb, date(2028, 3, 1))
    row = advisers[0]
    p = row.component("P")
    assert cut is None and p.value == 0.0 and "Sin corte SETA del período hasta el fin de febrero de 2028" in p.detail
    # T = 1, E = 1, C = 1, S missing (re-weighted): (0.2 + 0.15 + 0.15) / 0.8 = 62.5, not 100.
    assert row.score == 62.5 and row.rank == 1

    cuts.take_cut(db_session, date(2028, 2, 15))  # a cut of the month's first half only: the month's latest
    march = date(2028, 3, 1)
    activity.submit_report(db_session, adviser, activity.ReportCommand(march, 0, "", ()), date(2028, 4, 3))
    row = activity.ranking(db_session, march, date(2028, 4, 3))[0][0]
    p = row.component("P")
    assert "Avance al 15 de febrero de 2028 (no hubo corte en marzo de 2028: se usa el último anterior)" in p.detail
    # No asesoría in March: T = 0.5 × on time, E = 0 (not left out and re-weighted); S and C missing.
    assert row.component("T").value == 0.5 and row.component("E").value == 0.0
    assert row.score == round(100 * (0.3 * p.value + 0.2 * 0.5) / 0.65, 1)


def test_an_entity_without_a_plan_of_the_period_does_not_count_in_p(db_session, quindio_adviser):
    """Filandia has no 2028–2031 plan: it read «0,0 %» in its adviser's P and pulled the mean down."""
    plans, adviser, _ = quindio_adviser
    cut = cuts.take_cut(db_session, date(2028, 3, 31))
    db_session.execute(SetaCutRow.__table__.update().where(SetaCutRow.cut_id == cut.id).values(progress=30.0))
    db_session.commit()
    march = date(2028, 3, 1)
    activity.submit_report(db_session, adviser, activity.ReportCommand(march, 0, "", ()), date(2028, 4, 3))
    p = activity.ranking(db_session, march, date(2028, 4, 3))[0][0].component("P")
    assert p.value == pytest.approx(0.5)  # 30 % of a 60 % target for each of the three plans, Filandia left out
    assert "de 3 entidades" in p.detail and "Sin plan del período, no cuenta: Filandia" in p.detail
    assert "Filandia (Quindío) 0,0 %" not in p.detail and "Filandia 0,0 %" not in p.detail


def test_an_adviser_whose_entities_have_no_plan_of_the_period_has_no_rank(db_session):
    entities = [entity(db_session, dane) for dane in ("63272", "63111", "63130")]
    adviser = make_user(db_session, "asesor9@dnp.gov.co", Role.ASESOR, entities[0])
    for e in entities[1:]:
        db_session.add(Membership(user_id=adviser.id, role="asesor", entity_id=e.id))
    db_session.commit()
    march = date(2028, 3, 1)
    activity.submit_report(db_session, adviser, activity.ReportCommand(march, 0, "", ()), date(2028, 4, 3))
    row = activity.ranking(db_session, march, date(2028, 4, 3))[0][0]
    assert row.rank is None and row.score is None
    assert row.unranked_reason == "Ninguna de sus entidades tiene plan del período: sin P no entra al ranking."


def test_an_asesoria_in_the_future_or_without_topic_is_refused_and_nothing_is_saved(db_session, quindio_adviser):
    plans, adviser, _ = quindio_adviser
    march = date(2028, 3, 1)
    today = date(2028, 3, 10)
    for visit, key, words in (
            (_visit(plans[0], date(2028, 3, 25)), "v1-on", "Asesoría 1: la fecha (25 de marzo de 2028) es posterior a hoy"),
            (_visit(plans[0], date(2028, 3, 6), loaded=date(2028, 3, 20)), "v1-seta",
             "Asesoría 1: la fecha de cargue en SETA (20 de marzo de 2028) es posterior a hoy"),
            (_visit(plans[0], date(2028, 3, 6), topic="  "), "v1-topic",
             "Asesoría 1: indique el tema o el hito trabajado.")):
        with pytest.raises(activity.ActivityError) as refused:
            activity.submit_report(db_session, adviser, activity.ReportCommand(march, 0, "", (visit,)), today)
        db_session.rollback()
        assert refused.value.status == 422 and list(refused.value.errors) == [key]  # linked to its input
        assert refused.value.errors[key].startswith(words), refused.value.errors
    assert db_session.scalar(select(func.count()).select_from(ActivityReport)) == 0


def test_a_seta_load_dated_after_the_ranking_day_is_not_scored(db_session, quindio_adviser):
    """A load typed with a later date before the form refused it: not loaded yet on the day the ranking is read."""
    plans, adviser, _ = quindio_adviser
    march = date(2028, 3, 1)
    activity.submit_report(db_session, adviser, activity.ReportCommand(march, 0, "", (
        _visit(plans[0], date(2028, 3, 6), loaded=date(2028, 3, 7)),)), date(2028, 4, 3))
    report = activity.report_of(db_session, adviser.id, march)
    report.visits[0].seta_loaded_on = date(2028, 4, 20)
    db_session.commit()
    row = activity.ranking(db_session, march, date(2028, 4, 3))[0][0]
    assert row.component("E").value == 0.0 and "0 de 1 asesoría cargada" in row.component("T").detail


def test_satisfaction_from_fewer_than_three_answers_is_withheld_and_reweighted(db_session):
    """The ranking showed an adviser's S from one or two answers («Promedio de 1 respuesta…: 2,0 de 5»): what an
    entity answered, to every adviser and coordinator who opens the ranking. Below the survey's own threshold
    (``survey.API_MIN_ANSWERS``) S is not shown and its weight goes to the other components (phase-ii.md §3.4)."""
    two = activity._s([1, 2, 3], {1: [4.0], 2: [3.0]})
    assert two.value is None and "dieron 2 respuestas" in two.detail and "menos de 3" in two.detail
    assert "3,5" not in two.detail  # the mean itself is not said
    three = activity._s([1, 2, 3], {1: [4.0, 5.0], 2: [3.0], 9: [1.0]})  # entity 9 is not theirs
    assert three.value == pytest.approx((4.0 - 1) / 4) and "Promedio de 3 respuestas" in three.detail


def test_only_the_coordinator_of_the_region_the_ranking_places_the_adviser_in_rates_them(db_session, quindio_adviser):
    """The page offered the rating form to the coordinator of the adviser's region in the ranking (the region of
    most of their entities), but the service accepted any coordinator of a region where they had one entity."""
    plans, adviser, quindio = quindio_adviser
    db_session.add(Membership(user_id=adviser.id, role="asesor", entity_id=entity(db_session, "08758").id))  # Soledad
    caribe = make_user(db_session, "coordinador.caribe@dnp.gov.co", Role.COORDINADOR, entity(db_session, "08"))
    db_session.commit()
    month = date(2028, 3, 1)
    activity.submit_report(db_session, adviser, activity.ReportCommand(month, 0, "", ()), date(2028, 4, 5))
    report = activity.report_of(db_session, adviser.id, month)
    with pytest.raises(activity.ActivityError, match="Solo el coordinador de la región del asesor") as refused:
        activity.rate(db_session, caribe, report, 2, date(2028, 4, 6))
    assert refused.value.status == 403 and report.coordinator_rating is None
    activity.rate(db_session, quindio, report, 4, date(2028, 4, 6))
    assert report.coordinator_rating == 4
