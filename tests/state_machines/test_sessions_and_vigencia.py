"""The corporation's session calendar (L136 art. 23; L2200 art. 23; L56 art. 1), the duty to convoke
extraordinary sessions (L152 art. 40), the debate gap (L136 art. 73; TAB-3d; L2200 art. 97) and the day the
adopted plan enters into force (CPACA art. 65; L4-1913 art. 61; L2200 art. 103)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from state_machines import calendar as legal_calendar
from state_machines.calendar import compute_deadlines, in_force_on, parse_facts
from state_machines.corporation.debates import DEBATE_RULES, earliest_plenary_on, latest_committee_approval_for
from state_machines.corporation.sessions import CATEGORIES, extraordinary_sessions_verdict, ordinary_periods


@pytest.mark.parametrize("category,needed", [("especial", True), ("1", True), ("2", True), ("3", False),
                                             ("4", False), ("5", False), ("6", False)])
def test_concejo_filed_on_30_april_2024_needs_extraordinary_sessions_by_category(category, needed):
    verdict = extraordinary_sessions_verdict("municipio", category, date(2024, 1, 1), date(2024, 4, 30))
    assert (verdict.window_start, verdict.window_end) == (date(2024, 5, 1), date(2024, 5, 31))
    assert verdict.needed is needed
    assert "L136 art. 23" in verdict.legal_basis
    if needed:
        assert verdict.first_recess_day == date(2024, 5, 1) and "extraordinarias" in verdict.explanation


def test_municipio_without_category_is_unknown_not_guessed():
    verdict = extraordinary_sessions_verdict("municipio", None, date(2024, 1, 1), date(2024, 4, 30))
    assert verdict.needed is None and "categoría" in verdict.explanation


def test_first_year_of_a_six_month_concejo_starts_2_january_and_later_years_1_march():
    periods, basis = ordinary_periods("municipio", "1", 2024, date(2024, 1, 1))
    assert periods[0] == (date(2024, 1, 2), date(2024, 2, 29)) and basis == "L136 art. 23"
    periods, _ = ordinary_periods("municipio", "1", 2027, date(2024, 1, 1))  # 4th year, by analogy
    assert periods[0] == (date(2027, 3, 1), date(2027, 4, 30))


def test_asamblea_per_ley_2200_and_before_it_per_ley_56():
    periods, basis = ordinary_periods("departamento", None, 2028, date(2028, 1, 1))
    assert basis == "L2200 art. 23" and periods == ((date(2028, 1, 1), date(2028, 2, 29)),
                                                     (date(2028, 6, 1), date(2028, 7, 30)),
                                                     (date(2028, 10, 1), date(2028, 11, 30)))
    periods, basis = ordinary_periods("departamento", None, 2020, date(2020, 1, 1))
    assert basis == "L56 art. 1" and periods[0][0] == date(2020, 1, 2)
    # An Asamblea in its first year is in recess March to May: a plan filed in April always needs a convocation.
    assert extraordinary_sessions_verdict("departamento", None, date(2028, 1, 1), date(2028, 4, 28)).needed


def test_convocation_duty_appears_after_filing_only_when_needed_and_until_convoked():
    base = {"entity_kind": "municipio", "period_start": "2024-01-01", "fiscal_category": "2",
            "events": {"filed_with_corporacion": "2024-04-30"}}
    by_key = legal_calendar.deadline_map(compute_deadlines(parse_facts(base)))
    convocation = by_key["sessions_convocation"]
    # The first working day in recess is Thursday 2 May (1 May is a holiday; issue 20: only working days count).
    assert convocation.act_by == date(2024, 4, 30) and convocation.overdue_from == date(2024, 5, 3)
    assert convocation.legal_basis == "L152 art. 40; L136 art. 23 par. 2" and convocation.effect == "warning"
    assert "L136 art. 23 par. 2" in convocation.explanation
    convoked = {**base, "events": {**base["events"], "sessions_convoked": "2024-04-30"}}
    assert "sessions_convocation" not in legal_calendar.deadline_map(compute_deadlines(parse_facts(convoked)))
    small = {**base, "fiscal_category": "6"}
    assert "sessions_convocation" not in legal_calendar.deadline_map(compute_deadlines(parse_facts(small)))


def test_unknown_category_is_refused_by_the_facts():
    with pytest.raises(legal_calendar.FactsError) as error:
        parse_facts({"entity_kind": "municipio", "period_start": "2024-01-01", "fiscal_category": "7"})
    assert error.value.field == "fiscal_category"


@settings(max_examples=150, deadline=None)
@given(category=st.sampled_from(CATEGORIES), filed=st.dates(date(2024, 1, 2), date(2027, 11, 30)),
       kind=st.sampled_from(["municipio", "departamento"]))
def test_convocation_deadline_keeps_the_calendar_invariants(category, filed, kind):
    facts = parse_facts({"entity_kind": kind, "period_start": "2024-01-01", "fiscal_category": category,
                         "events": {"filed_with_corporacion": filed.isoformat()}})
    cal = legal_calendar.default_calendar()
    verdict = extraordinary_sessions_verdict(kind, category, date(2024, 1, 1), filed, is_working=cal.is_business)
    found = [d for d in compute_deadlines(facts) if d.key == "sessions_convocation"]
    assert bool(found) == bool(verdict.needed)
    for d in found:
        assert d.act_by == cal.prev_business(d.earliest) and d.overdue_from == d.latest + timedelta(days=1)
        assert not cal.is_nonworking(d.latest) and d.earliest <= d.latest
        assert all(norm in d.explanation for norm in d.legal_basis.split("; "))


def test_municipal_plenary_from_the_fourth_day_calendar_or_business_as_configured():
    rule = DEBATE_RULES["municipio"]
    assert earliest_plenary_on(date(2024, 5, 23), rule) == date(2024, 5, 27)  # legal notes §2 example
    business = replace(rule, gap_unit="business")
    assert earliest_plenary_on(date(2024, 5, 23), business) == date(2024, 5, 29)
    assert earliest_plenary_on(date(2017, 6, 21), rule) > date(2017, 6, 24)  # TAB-d: Ciénega, too short
    assert earliest_plenary_on(date(2028, 5, 10), DEBATE_RULES["departamento"]) == date(2028, 5, 11)
    # Filed 30 April 2024: to decide by 31 May, the committee approves by Monday 27 May 2024 (legal notes §2).
    assert latest_committee_approval_for(date(2024, 5, 31), rule) == date(2024, 5, 27)


def test_in_force_on_the_publication_day_or_the_later_day_the_act_declares():
    published = date(2028, 6, 5)
    assert in_force_on(published) == published
    assert in_force_on(published, "day_after_publication") == date(2028, 6, 6)
    assert in_force_on(published, "fixed_date", date(2028, 7, 1)) == date(2028, 7, 1)
    assert in_force_on(published, "fixed_date", date(2028, 6, 1)) == published  # never before publication
    with pytest.raises(legal_calendar.FactsError):
        in_force_on(published, "fixed_date")
    assert legal_calendar.in_force_of_dates({"published": "2028-06-05", "vigencia": "day_after_publication"}) == \
        date(2028, 6, 6)
    assert legal_calendar.in_force_of_dates({}) is None


@pytest.mark.parametrize("kind, published, special, article", [
    ("municipio", date(2024, 5, 24), None, "L136 art. 81"),
    ("municipio", date(2024, 5, 24), "bogota", "DL1421 art. 23; L136 art. 81 (DL1421 art. 2)"),
    ("departamento", date(2024, 5, 24), None, "L2200 art. 103"),
    ("departamento", date(2020, 6, 10), None, "D1222 art. 82"),
])
def test_the_force_of_a_published_plan_cites_its_own_statute(kind, published, special, article):
    """A municipio's plan does not cite the departmental code, nor a 2020 ordenanza the Ley 2200 of 2022."""
    basis = legal_calendar.in_force_basis(kind, published, special)
    assert basis == f"CPACA art. 65; L4-1913 art. 61; {article}"
    text = legal_calendar.in_force_explanation(published, basis=basis)
    assert text.endswith(f"(un acto general no obliga antes de publicarse: {basis}).")


def _objected_in_june(extensions=None) -> dict:
    events = {"approved": "2028-05-15", "sent_for_sanction": "2028-05-17", "objected": "2028-06-01"}
    if extensions is not None:
        events["session_extensions"] = extensions
    return {"entity_kind": "municipio", "period_start": "2028-01-01", "fiscal_category": "6", "article_count": 34,
            "events": events}


def test_a_recorded_extension_keeps_the_concejo_reunido_for_the_objections():
    """L136 art. 78 inc. 3 ("si el Concejo no estuviere reunido") with L136 art. 23 par. 1: a category 6 Concejo is in
    recess on 1 June, unless it extended its May sessions over that day."""
    def keys_of(data):
        return {d.key for d in compute_deadlines(parse_facts(data))}
    assert "objections_convocation" in keys_of(_objected_in_june())
    assert "objections_convocation" not in keys_of(_objected_in_june([["2028-06-01", "2028-06-10"]]))
    assert "objections_convocation" in keys_of(_objected_in_june([["2028-03-01", "2028-03-10"]]))
    # Equal facts are equal keys (the sweep and the board memoise on them), in whatever order the windows come.
    a = parse_facts(_objected_in_june([["2028-06-01", "2028-06-10"], ["2028-03-01", "2028-03-10"]]))
    b = parse_facts(_objected_in_june([["2028-03-01", "2028-03-10"], ["2028-06-01", "2028-06-10"]]))
    assert a == b and hash(a) == hash(b)


@pytest.mark.parametrize("bad, field", [("2028-06-01", "events.session_extensions"),
                                        ([["2028-06-01"]], "events.session_extensions.0"),
                                        ([["2028-06-10", "2028-06-01"]], "events.session_extensions.0"),
                                        ([["2028-06-01", "10/06/2028"]], "events.session_extensions.0")])
def test_malformed_extensions_are_refused_never_guessed(bad, field):
    with pytest.raises(legal_calendar.FactsError) as error:
        parse_facts(_objected_in_june(bad))
    assert error.value.field == field


def test_a_recorded_extension_counts_in_the_corporation_s_month():
    """L136 art. 23 par. 1, as the verdict has always said ("la prórroga ... solo cuenta si el Concejo la decide"):
    filed on 5 May 2028, a category 6 Concejo's month runs to 5 June, in recess from Thursday 1 June; its recorded
    extension to 10 June covers the rest, so nothing needs convoking; a shorter one moves the first day in recess."""
    plain = extraordinary_sessions_verdict("municipio", "6", date(2028, 1, 1), date(2028, 5, 5))
    assert plain.needed and plain.first_recess_day == date(2028, 6, 1)
    covered = extraordinary_sessions_verdict("municipio", "6", date(2028, 1, 1), date(2028, 5, 5),
                                             extensions=((date(2028, 6, 1), date(2028, 6, 10)),))
    assert covered.needed is False
    assert "Prórroga registrada: del 1 de junio de 2028 al 10 de junio de 2028 (L136 art. 23 par. 1)." in \
        covered.explanation
    short = extraordinary_sessions_verdict("municipio", "6", date(2028, 1, 1), date(2028, 5, 5),
                                           is_working=lambda d: d.weekday() < 5,
                                           extensions=((date(2028, 6, 1), date(2028, 6, 2)),))
    assert short.needed and short.first_recess_day == date(2028, 6, 5)  # Saturday 3 and Sunday 4 are not working
    facts = {"entity_kind": "municipio", "period_start": "2028-01-01", "fiscal_category": "6",
             "events": {"filed_with_corporacion": "2028-05-05"}}
    assert "sessions_convocation" in {d.key for d in compute_deadlines(parse_facts(facts))}
    facts["events"]["session_extensions"] = [["2028-06-01", "2028-06-10"]]
    assert "sessions_convocation" not in {d.key for d in compute_deadlines(parse_facts(facts))}


def test_sessions_convoked_for_the_plan_keep_the_concejo_reunido_for_the_objections():
    data = _objected_in_june()
    data["events"]["objected"] = "2028-06-05"
    assert "objections_convocation" in {d.key for d in compute_deadlines(parse_facts(data))}
    data["events"]["session_convocations"] = [["2028-06-01", "2028-06-15"]]
    assert "objections_convocation" not in {d.key for d in compute_deadlines(parse_facts(data))}
    data["events"]["session_convocations"] = [["2028-06-15", "2028-06-01"]]
    with pytest.raises(legal_calendar.FactsError) as error:
        parse_facts(data)
    assert error.value.field == "events.session_convocations.0" and "convocatoria" in error.value.message


def _ordinance(**events) -> dict:
    return {"entity_kind": "departamento", "period_start": "2028-01-01", "article_count": 60,
            "events": {"approved": "2028-07-10", **events}}


def test_an_asamblea_entering_recess_within_the_term_obliges_the_governor_to_publish_the_objected_project():
    """L2200 art. 100 inc. 4: "Si la asamblea entrare en receso dentro de estos términos, el gobernador tendrá el
    deber de publicar el proyecto objetado, dentro de aquellos plazos". Remitted on Thursday 20 July 2028 with 60
    articles (twenty business days), the Asamblea's June-July sessions end on 30 July (L2200 art. 23): objected on
    1 August, the governor publishes it by the term's last day."""
    def term(data):
        return next((d for d in compute_deadlines(parse_facts(data)) if d.key == "objected_publication"), None)
    objection = next(d for d in compute_deadlines(parse_facts(_ordinance(sent_for_sanction="2028-07-20")))
                     if d.key == "objection_term")
    found = term(_ordinance(sent_for_sanction="2028-07-20", objected="2028-08-01"))
    assert (found.latest, found.act_by, found.legal_basis) == (objection.latest, objection.latest,
                                                              "L2200 art. 100 inc. 4")
    assert "la Asamblea está en receso desde el lunes 31 de julio de 2028, dentro de él" in found.explanation
    # Published: settled. Objected again on the amended project: a new duty.
    assert term(_ordinance(sent_for_sanction="2028-07-20", objected="2028-08-01",
                           objected_published="2028-08-03")) is None
    # Sitting through the whole term (remitted 5 June, 60 articles: to 4 July), or a Concejo: no such duty.
    assert term(_ordinance(sent_for_sanction="2028-06-05", objected="2028-06-20")) is None
    municipal = {**_ordinance(sent_for_sanction="2028-07-20", objected="2028-08-01"), "entity_kind": "municipio",
                 "fiscal_category": "1"}
    assert term(municipal) is None
    # Extraordinary sessions convoked for the plan over the rest of the term: the Asamblea is not in recess.
    assert term(_ordinance(sent_for_sanction="2028-07-20", objected="2028-08-01",
                           session_convocations=[["2028-07-31", "2028-09-30"]])) is None


def test_an_ordenanza_before_2022_cites_decreto_1222():
    # D1222 art. 78: ten business days for 60 articles, from 26 July 2021 to 9 August; the sessions of L56 art. 1
    # end on 30 July.
    data = {"entity_kind": "departamento", "period_start": "2020-01-01", "article_count": 60,
            "events": {"approved": "2021-07-15", "sent_for_sanction": "2021-07-26", "objected": "2021-08-02"}}
    found = next(d for d in compute_deadlines(parse_facts(data)) if d.key == "objected_publication")
    assert found.legal_basis == "D1222 art. 78"


def test_the_48_hours_to_the_tribunal_run_from_the_governor_s_receipt_of_the_communication():
    """L2200 art. 101: "en un término de cuarenta y ocho horas (48) siguientes al recibo de la comunicación": the
    Asamblea insists on 26 May 2028, the governor receives its communication on 29 May: to the Tribunal by 31 May
    (28 May without the receipt). L136 art. 80 counts its ten days from the insistence whatever the receipt."""
    def remission(kind, **events):
        data = {"entity_kind": kind, "period_start": "2028-01-01", "fiscal_category": "6", "article_count": 12,
                "events": {"approved": "2028-05-15", "sent_for_sanction": "2028-05-17", "objected": "2028-05-19",
                           "illegality_insisted": "2028-05-26", **events}}
        return next(d for d in compute_deadlines(parse_facts(data)) if d.key == "tribunal_remission")
    assert remission("departamento").latest == date(2028, 5, 28)
    received = remission("departamento", illegality_communicated="2028-05-29")
    assert received.latest == date(2028, 5, 31) and "desde el recibo de la comunicación" in received.explanation
    assert remission("departamento", illegality_communicated="2028-05-20").latest == date(2028, 5, 28)  # not this one
    assert remission("municipio").latest == remission("municipio", illegality_communicated="2028-05-29").latest


def test_the_notice_does_not_say_the_corporation_left_sessions_it_was_never_in():
    """QA (7 December 2026): a first-year Asamblea (L2200 art. 23) has had no ordinary sessions since February;
    «desde el martes 2 de mayo» read as if it sat until then. A Concejo that sits until the month's middle does
    leave them «desde» that day."""
    asamblea = extraordinary_sessions_verdict("departamento", None, date(2028, 1, 1), date(2028, 4, 28))
    assert asamblea.needed and "pero en ese lapso la Asamblea no está en sesiones ordinarias" in asamblea.explanation
    assert "desde el" not in asamblea.explanation.split("pero", 1)[1].split(".")[0]
    concejo = extraordinary_sessions_verdict("municipio", "6", date(2024, 1, 1), date(2024, 5, 15))
    assert concejo.needed and "pero desde el " in concejo.explanation
