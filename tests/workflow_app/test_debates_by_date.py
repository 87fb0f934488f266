"""Debates, archive and vigencia by date, on PostgreSQL through the service (issue 20, debates): D1222 art. 75's
three debates and art. 83's thirty days before 8 February 2022; the denial in first debate, its reconsideration and
the archive (L136 arts. 73, 75; L2200 art. 98; D1222 art. 76); D683 art. 2's change to the filed PPI."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from notifications.sweep import run_sweep
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import Cast, make_plan, walk_to
from workflow_app.models import PlanEvent
from workflow_app.services.route.casefile import case_file
from workflow_app.services.route.plans import ActRefused, executive_change_verdict
from workflow_app.services.route.ppi import PpiFrozen, PpiLine, save_ppi_version
from workflow_app.services.route.worklist import actions_for

LINES = [PpiLine("Agua potable", "Acueducto veredal", 2020, "SGP Agua potable", 1_250_000)]


def route_2020(cast: Cast, filed_on: str = "2020-04-28") -> None:
    """The 2020 route up to the committee (a convocation recorded, so the debates fall inside sessions)."""
    for who, trigger, on, kw in (
        ("ejecutivo", "take_office", "2020-01-02", {}),
        ("planeacion", "start_drafting", "2020-01-10", {}),
        ("planeacion", "submit_to_consejo_de_gobierno", "2020-02-27", {}),
        ("planeacion", "consolidate", "2020-02-27", {}),
        ("ejecutivo", "submit_to_ctp", "2020-02-27", {}),
        ("ctp", "record_ctp_concept", "2020-03-26", {"payload": {"scope": "total", "concept": "favorable"}}),
        ("planeacion", "consider_concepts", "2020-04-02", {"car_wait_reason": "Concepto de la CAR pendiente."}),
        ("ejecutivo", "file_with_corporacion", filed_on, {"legal_review_note": "Radicado en el plazo del D683."}),
        # D1222 art. 75 / L56 art. 1: the Asamblea convoked for the plan in May 2020 (sessions as data, issue 20).
        ("ejecutivo", "convoke_sessions", filed_on, {"payload": {
            "starts_on": max(filed_on, "2020-05-01"), "ends_on": "2020-05-30", "purpose": "Proyecto de ordenanza del plan de desarrollo",
            "covers_plan": True}}),
        ("corporacion", "assign_to_committee", "2020-05-04", {}),
    ):
        cast.act(who, trigger, on, **kw)


def state_after_sweep(cast: Cast, day: date) -> str:
    """The plan's state after the background sweep of ``day`` (the automatic effects of the law)."""
    run_sweep(day, cast.session)
    cast.session.refresh(cast.plan)
    return cast.plan.state


def refused(cast: Cast, who: str, trigger: str, on: str, **kw) -> ActRefused:
    with pytest.raises(ActRefused) as caught:
        cast.act(who, trigger, on, **kw)
    return caught.value


def test_an_ordenanza_of_2020_needs_three_debates_on_three_days_and_a_silent_one_binds_30_days_later(db_session):
    """D1222 art. 75 "tres (3) debates, celebrados en tres (3) días distintos"; art. 83 "treinta (30) días después
    de su publicación"."""
    quindio = Cast(db_session, make_plan(db_session, "63", year=2020))
    route_2020(quindio)
    quindio.act("corporacion", "record_committee_debate", "2020-05-05", payload={"committee_outcome": "approved"})
    quindio.act("corporacion", "record_plenary_debate", "2020-05-06")
    early = refused(quindio, "corporacion", "approve_plan", "2020-05-06")
    assert early.legal_basis == "D1222 art. 75" and "tres debates" in early.message
    same_day = refused(quindio, "corporacion", "record_third_debate", "2020-05-06")
    assert same_day.legal_basis == "D1222 art. 75" and "tres días distintos" in same_day.message
    quindio.act("corporacion", "record_third_debate", "2020-05-07")
    quindio.act("corporacion", "approve_plan", "2020-05-07")
    assert quindio.plan.state == "approved_by_corporacion"
    assert quindio.plan.event_dates["debates"]["third"] == ["2020-05-07"]
    quindio.act("corporacion", "send_for_sanction", "2020-05-08", payload={"articles_sent": 30})
    quindio.act("ejecutivo", "sanction", "2020-05-11")
    quindio.act("ejecutivo", "publish", "2020-05-13", payload={"vigencia": "silent"})
    db_session.refresh(quindio.plan)
    assert quindio.plan.state == "published"  # not the same day: 30 days later (D1222 art. 83)
    assert quindio.plan.event_dates["silent_vigencia_basis"] == "D1222 art. 83"
    assert state_after_sweep(quindio, date(2020, 6, 11)) == "published"
    assert state_after_sweep(quindio, date(2020, 6, 12)) == "in_force"


def test_an_ordenanza_of_2028_is_approved_in_two_debates_and_a_silent_one_binds_on_publication(db_session):
    """L2200 art. 97 "dos (2) debates celebrados en distintos días"; art. 103: no later than its publication."""
    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "sanctioned")
    quindio.act("ejecutivo", "publish", "2028-05-22", payload={"vigencia": "silent"})
    db_session.refresh(quindio.plan)
    assert quindio.plan.state == "in_force"  # the same day (L2200 art. 103)


def test_a_third_debate_is_refused_for_an_ordenanza_under_ley_2200(db_session):
    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "in_debate")
    quindio.act("corporacion", "publish_ponencia", "2028-05-08", payload={"ponencia_debate": "committee"})
    quindio.act("corporacion", "record_committee_debate", "2028-05-10", payload={"committee_outcome": "approved"})
    quindio.act("corporacion", "publish_ponencia", "2028-05-11", payload={"ponencia_debate": "plenary"})
    quindio.act("corporacion", "record_plenary_debate", "2028-05-12")
    third = refused(quindio, "corporacion", "record_third_debate", "2028-05-13")
    assert third.legal_basis == "L2200 art. 97" and "8 de febrero de 2022" in third.message


def test_a_denial_in_first_debate_is_reconsidered_and_does_not_open_the_decree(db_session):
    """L136 art. 73: "podrá ser nuevamente considerado por el Concejo"; the plenary's denial is what opens the
    decree at once (L152 art. 40; CE-2127)."""
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "in_debate")
    genova.act("corporacion", "record_committee_debate", "2028-05-10", payload={"committee_outcome": "continues"})
    genova.act("corporacion", "deny_in_first_debate", "2028-05-11")
    down = refused(genova, "corporacion", "vote_down", "2028-05-11", payload={"voted_down": True})
    assert down.legal_basis == "L136 art. 73; L152 art. 40" and "reconsiderarse" in down.message
    blocked = refused(genova, "corporacion", "continue_committee_debate", "2028-05-12",
                      payload={"committee_outcome": "approved"})
    assert "L136 art. 75" in blocked.legal_basis and "de nuevo" in blocked.message
    genova.act("corporacion", "reconsider_first_debate", "2028-05-12")
    genova.act("corporacion", "continue_committee_debate", "2028-05-12", payload={"committee_outcome": "approved"})
    debates = genova.plan.event_dates["debates"]
    assert debates["committee_approved"] == "2028-05-12" and debates["reconsidered"] == ["2028-05-12"]
    assert "committee_denied" not in debates
    genova.act("corporacion", "vote_down", "2028-05-16", payload={"voted_down": True})
    assert genova.plan.state == "decree_eligible"


def test_a_project_archived_at_the_end_of_the_sessions_waits_for_the_month_before_the_decree(db_session):
    """L136 art. 75: not approved in first debate during the sessions: archived; L152 art. 40: decree after the
    month."""
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "in_debate")
    genova.act("corporacion", "record_committee_debate", "2028-05-10", payload={"committee_outcome": "continues"})
    genova.act("corporacion", "deny_in_first_debate", "2028-05-11")
    genova.act("corporacion", "archive_project", "2028-05-26")
    assert genova.plan.state == "project_archived"
    early = refused(genova, "sistema", "enable_decree_adoption", "2028-05-27", evidence=False)
    assert early.legal_basis.startswith("L152 art. 40")
    genova.act("sistema", "enable_decree_adoption", "2028-06-05", evidence=False)
    assert genova.plan.state == "decree_eligible"


def test_under_ley_2200_one_approved_debate_keeps_the_project_out_of_the_archive(db_session):
    """L2200 art. 98: "no recibieren aprobación en por lo menos un debate"."""
    after = Cast(db_session, make_plan(db_session, "63"))
    walk_to(after, "in_debate")
    after.act("corporacion", "publish_ponencia", "2028-05-08", payload={"ponencia_debate": "committee"})
    after.act("corporacion", "record_committee_debate", "2028-05-10", payload={"committee_outcome": "approved"})
    kept = refused(after, "corporacion", "archive_project", "2028-05-31")
    assert kept.legal_basis == "L2200 art. 98"


def test_under_decreto_1222_one_approved_debate_does_not_keep_it(db_session):
    """D1222 art. 76: "no recibieren aprobación por lo menos en dos debates"."""
    before = Cast(db_session, make_plan(db_session, "63", year=2020))
    route_2020(before)
    before.act("corporacion", "record_committee_debate", "2020-05-05", payload={"committee_outcome": "approved"})
    before.act("corporacion", "archive_project", "2020-05-29")
    assert before.plan.state == "project_archived"


def test_d683_art2_lets_the_executive_change_the_filed_ppi_until_15_june_2020(db_session):
    """D683 art. 2: plans filed by 30 April 2020 "could be modified by the executive ... until 15 June 2020"."""
    genova = Cast(db_session, make_plan(db_session, "63302", year=2020, regime="d683_2020",
                                        d683_articles=["art2"]))
    route_2020(genova)
    assert executive_change_verdict(genova.plan, date(2020, 6, 15)).ok
    saved = save_ppi_version(db_session, genova.plan, LINES, source="form", actor=None,
                             executive_change=executive_change_verdict(genova.plan, date(2020, 6, 15)))
    assert saved.items[0].amount == 1_250_000
    with pytest.raises(PpiFrozen) as frozen:
        save_ppi_version(db_session, genova.plan, LINES, source="form", actor=None,
                         executive_change=executive_change_verdict(genova.plan, date(2020, 6, 16)))
    assert frozen.value.legal_basis == "L152 art. 40"
    assert executive_change_verdict(genova.plan, date(2020, 6, 16)).legal_basis == "D683 art. 2"


def test_d683_art2_is_not_for_a_plan_filed_after_30_april_2020_nor_without_the_option(db_session):
    late = Cast(db_session, make_plan(db_session, "63302", year=2020, regime="d683_2020", d683_articles=["art2"]))
    route_2020(late, filed_on="2020-05-04")
    verdict = executive_change_verdict(late.plan, date(2020, 6, 10))
    assert not verdict.ok and verdict.legal_basis == "D683 art. 2" and "30 de abril de 2020" in verdict.reason
    plain = Cast(db_session, make_plan(db_session, "63111", year=2020))
    route_2020(plain)
    with pytest.raises(PpiFrozen):
        save_ppi_version(db_session, plain.plan, LINES, source="form", actor=None,
                         executive_change=executive_change_verdict(plain.plan, date(2020, 6, 10)))


def test_the_sweep_opens_the_decree_for_the_archived_project_on_the_day_the_month_ran_out(db_session):
    """L152 art. 40 (calendar-contract.md: filed Friday 28 April 2028, overdue from 31 May 2028), after the archive
    of L136 art. 75."""
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "in_debate")
    genova.act("corporacion", "record_committee_debate", "2028-05-10", payload={"committee_outcome": "continues"})
    genova.act("corporacion", "archive_project", "2028-05-26")
    assert state_after_sweep(genova, date(2028, 5, 30)) == "project_archived"
    assert state_after_sweep(genova, date(2028, 5, 31)) == "decree_eligible"


def test_the_ppi_page_lets_planeacion_save_the_executive_change_until_15_june_2020(client, db_session, set_today):
    """D683 art. 2 in the pages: the filed PPI opens to the executive's change (no amendment chosen) until 15 June
    2020; on 16 June the page refuses with the norm and nothing is saved."""
    genova = Cast(db_session, make_plan(db_session, "63302", year=2020, regime="d683_2020", d683_articles=["art2"]))
    route_2020(genova)
    assert login(client, genova.planeacion.email, "clave-de-prueba").status_code == 302
    url = f"/planes/{genova.plan.id}/ppi/editar"
    set_today("2020-06-15")
    page = client.get(url).get_data(as_text=True)
    assert "Ninguna: cambio del alcalde o gobernador (Decreto 683 de 2020, art. 2)" in page
    response = client.post(url, data={
        "csrf_token": csrf_from(page), "based_on": "", "accion": "guardar", "amendment": "", "note": "",
        "rows-0-program": "Agua potable", "rows-0-project": "Acueducto veredal", "rows-0-year": "2020",
        "rows-0-funding_source": "SGP Agua potable", "rows-0-amount": "1.250.000"})
    assert response.status_code == 302
    set_today("2020-06-16")
    assert client.get(url).status_code == 409


def test_a_plan_adopted_by_decree_is_never_said_approved_by_the_concejo(db_session, client):
    """L152 art. 40: the Concejo did not decide in its month and the mayor adopted the plan by decree; once it is
    published, its debates section said «Plan aprobado el …» with the decree's date (QA, 7 December 2026)."""
    from workflow_app.services.route.casefile import _debates

    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "in_debate")
    genova.act("corporacion", "record_committee_debate", "2028-05-10", payload={"committee_outcome": "continues"})
    genova.act("corporacion", "deny_in_first_debate", "2028-05-11")
    genova.act("corporacion", "archive_project", "2028-05-26")
    genova.act("sistema", "enable_decree_adoption", "2028-06-05", evidence=False)
    genova.act("ejecutivo", "adopt_by_decree", "2028-06-06")
    published = genova.act("ejecutivo", "publish", "2028-06-07", payload={"vigencia": "on_publication"})
    assert genova.plan.state in ("published", "in_force")
    assert published.legal_basis == "CPACA art. 65"  # a decree, not an acuerdo (L136 art. 81)
    debates = _debates(genova.plan)
    assert debates.approved_on is None and debates.decree_adopted_on == date(2028, 6, 6)
    page = " ".join(client.get("/publico/63302").get_data(as_text=True).split())
    assert "Plan aprobado el" not in page
    assert "Adoptado por decreto del alcalde el 6 de junio de 2028" in page and "L152 art. 40" in page
    vigencia = page.split("<strong>Vigencia:</strong>")[1].split("</p>")[0]
    assert "(un acto general no obliga antes de publicarse: CPACA art. 65; L4-1913 art. 61)" in vigencia, vigencia


def test_the_overdue_month_says_why_no_decree_while_the_project_was_never_assigned(db_session, client, set_today,
                                                                                   monkeypatch):
    """legal-path.md T11 (``pdt.DECREE_WHEN_NEVER_ASSIGNED`` False): the calendar says «puede adoptar el plan por
    decreto» from 31 May, but a project the Concejo never assigned stays filed; the mayor's page says why beside
    the overdue month (QA, 7 December 2026: the page promised a power the route did not give)."""
    from state_machines.approval import pdt

    set_today("2028-06-02")
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "filed_with_corporacion")
    login(client, genova.ejecutivo.email, "clave-de-prueba")
    page = " ".join(client.get(f"/planes/{genova.plan.id}").get_data(as_text=True).split())
    assert "Mientras el Concejo de Génova no reparta el proyecto a su comisión, esta ruta no habilita" in page
    # The calendar's own sentence says the same condition, on every page that shows it (the personal calendar had
    # the decree unconditionally).
    whatif = " ".join(client.get(f"/planes/{genova.plan.id}/que-pasa-si").get_data(as_text=True).split())
    assert ("el alcalde puede adoptar el plan por decreto. Esta ruta lo habilita si la corporación ya repartió el "
            "proyecto a su comisión") in whatif
    assert pdt.decree_waits_for_assignment("in_debate") is None  # assigned: the decree opens with the month
    monkeypatch.setattr(pdt, "DECREE_WHEN_NEVER_ASSIGNED", True)  # the filing's reading: no such note
    assert pdt.decree_waits_for_assignment("filed_with_corporacion") is None
    assert pdt.decree_condition() == ""


def test_the_ponencia_for_the_second_debate_comes_after_the_committees_approval(db_session):
    """L2200 art. 102: the ponencia for the second debate reports on the project the committee approved; it was
    accepted before the first debate (QA, 7 December 2026)."""
    from workflow_app.services.route.plans import ActInvalid

    quindio = Cast(db_session, make_plan(db_session, "63"))
    walk_to(quindio, "in_debate")
    with pytest.raises(ActInvalid) as refused:
        quindio.act("corporacion", "publish_ponencia", "2028-05-08", payload={"ponencia_debate": "plenary"})
    assert refused.value.field == "ponencia_debate" and "primer debate" in str(refused.value)
    assert "ponencia_plenary" not in (quindio.plan.event_dates.get("debates") or {})
    quindio.act("corporacion", "publish_ponencia", "2028-05-08", payload={"ponencia_debate": "committee"})
    quindio.act("corporacion", "record_committee_debate", "2028-05-10", payload={"committee_outcome": "approved"})
    quindio.act("corporacion", "publish_ponencia", "2028-05-12", payload={"ponencia_debate": "plenary"})
    assert quindio.plan.event_dates["debates"]["ponencia_plenary"] == "2028-05-12"


def test_an_ordenanza_of_2020_recorded_in_2028_is_offered_the_debates_of_its_own_law(db_session):
    """QA, 7 December 2026: listing what may be done with today's law (2028), a 2020 ordenanza in debate was offered
    Ley 2200's ponencia (refused by its date), refused its first debate for want of that ponencia, and told it is
    approved in two debates. The law of its filing's day lists the acts; the form's date decides."""
    quindio = Cast(db_session, make_plan(db_session, "63", year=2020))
    route_2020(quindio)
    later = date(2028, 3, 10)
    offered = {o.trigger: o for o in actions_for(quindio.corporacion, quindio.plan, later)}
    assert "record_committee_debate" in offered and "publish_ponencia" not in offered
    assert offered["record_committee_debate"].legal_basis == "D1222 art. 75"
    debates = case_file(db_session, quindio.plan).debates
    assert (debates.legal_basis, debates.debates_required) == ("D1222 art. 75", 3)
    quindio.act("corporacion", "record_committee_debate", "2020-05-05", today="2028-03-10",
                payload={"committee_outcome": "approved"})
    quindio.act("corporacion", "record_plenary_debate", "2020-05-06", today="2028-03-10")
    db_session.refresh(quindio.plan)
    plenary = db_session.scalars(select(PlanEvent).where(PlanEvent.plan_id == quindio.plan.id)
                                 .order_by(PlanEvent.id.desc())).first()
    assert (plenary.trigger, plenary.legal_basis) == ("record_plenary_debate", "D1222 art. 75")  # the law of its day
    assert "record_third_debate" in {o.trigger for o in actions_for(quindio.corporacion, quindio.plan, later)}
