"""The last stretch (issue 20): remission, sanction or objection by article count, the corporation's decision on
the objections, the president's sanction, the Tribunal, publication and the governor's copy, each term in the
legal calendar under its own law and date (L136 arts. 76, 78-82; L2200 arts. 100-103; D1222 art. 78).

Dates are checked on both sides of each boundary: the last day of a term and the day after it."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from state_machines.approval.pdt import PDT_MACHINE, PlanSnapshot
from state_machines.calendar import calendar_json, compute_deadlines, deadline_map, parse_facts
from state_machines.core.machine import TransitionRefused
from state_machines.core.roles import Role
from state_machines.corporation.sanction import SANCTION_LAWS, SanctionRecord, sanction_law

E, C, P = Role.EJECUTIVO, Role.CORPORACION, Role.PLANEACION


def facts(kind="municipio", period="2028-01-01", articles=None, **events):
    data = {"entity_kind": kind, "period_start": period, "posesion": period,
            "events": {"filed_with_corporacion": period[:4] + "-04-28"} if period != "2020-01-01" else {}}
    data["events"].update({k: v for k, v in events.items()})
    if articles is not None:
        data["article_count"] = articles
    return data


def deadlines(**kw):
    return {d["key"]: d for d in calendar_json(facts(**kw))["deadlines"]}


def snapshot(state, today, kind="municipio", sanction=SanctionRecord(), approved_on=date(2028, 5, 15), **kw):
    data = facts(kind=kind, **{k: v for k, v in kw.pop("events", {}).items()}, articles=kw.pop("articles", None))
    dl = deadline_map(compute_deadlines(parse_facts(data)))
    return PlanSnapshot(state=state, entity_kind=kind, today=today, deadlines=dl, sanction=sanction,
                        approved_on=approved_on, **kw)


def refusal(s, trigger, role):
    with pytest.raises(TransitionRefused) as refused:
        PDT_MACHINE.fire(s, trigger, role)
    return refused.value


# --- The law of each entity and date ------------------------------------------------------------------------

def test_acuerdos_follow_l136_and_ordenanzas_l2200_from_8_february_2022_and_d1222_before():
    assert sanction_law("municipio", date(2020, 5, 1)).code == "L136"
    assert sanction_law("departamento", date(2022, 2, 7)).code == "D1222"
    assert sanction_law("departamento", date(2022, 2, 8)).code == "L2200"


@pytest.mark.parametrize("code,sizes", [
    ("L136", {20: 5, 21: 10, 50: 10, 51: 20}),  # L136 art. 78
    ("L2200", {20: 5, 21: 10, 50: 10, 51: 20}),  # L2200 art. 100
    ("D1222", {20: 4, 21: 6, 50: 6, 51: 10}),  # D1222 art. 78
])
def test_the_objection_term_follows_the_article_count_on_both_sides_of_each_threshold(code, sizes):
    law = SANCTION_LAWS[code]
    assert {n: law.objection_days(n) for n in sizes} == sizes


# --- The legal calendar's new keys ------------------------------------------------------------------------------

def test_remission_for_sanction_is_five_business_days_after_the_approval_for_acuerdos_only():
    # Approved Monday 15 May 2028: 16, 17, 18, 19, 22 May (L136 art. 76; L4-1913 art. 62).
    muni = deadlines(approved="2028-05-15")["sanction_remission"]
    assert (muni["latest"], muni["overdue_from"], muni["legal_basis"]) == ("2028-05-22", "2028-05-23", "L136 art. 76")
    assert "sanction_remission" not in deadlines(kind="departamento", approved="2028-05-15")


@pytest.mark.parametrize("articles,latest", [(20, "2028-05-24"), (21, "2028-06-01"), (51, "2028-06-15")])
def test_objection_term_in_the_calendar_by_article_count(articles, latest):
    # Sent Wednesday 17 May 2028; 5, 10 or 20 business days (Monday 29 May 2028, Ascensión, is not one).
    d = deadlines(sent_for_sanction="2028-05-17", articles=articles)["objection_term"]
    assert d["latest"] == latest and d["legal_basis"] == "L136 art. 78"
    assert f"{articles} artículos" in d["explanation"]


def test_no_objection_term_without_the_article_count():
    assert "objection_term" not in deadlines(sent_for_sanction="2028-05-17")


def test_ordenanza_objection_term_cites_l2200_after_2022_and_d1222_before():
    after = deadlines(kind="departamento", approved="2028-05-15", sent_for_sanction="2028-05-17", articles=10)
    assert after["objection_term"]["legal_basis"] == "L2200 art. 100"
    before = deadlines(kind="departamento", period="2020-01-01", approved="2020-05-15",
                       sent_for_sanction="2020-05-19", articles=10)
    assert before["objection_term"]["legal_basis"] == "D1222 art. 78"
    # D1222 art. 78: 4 business days from Tuesday 19 May 2020: 20, 21, 22, 26 May (25 May 2020 a holiday).
    assert before["objection_term"]["latest"] == "2020-05-26"


def test_sanction_after_rejection_tribunal_publication_and_governor_copy_terms():
    d = deadlines(objections_rejected="2028-06-01", illegality_insisted="2028-06-01", sanctioned="2028-06-13")
    assert (d["sanction_after_rejection"]["latest"], d["sanction_after_rejection"]["legal_basis"]) == \
        ("2028-06-13", "L136 art. 79")
    assert (d["tribunal_remission"]["latest"], d["tribunal_remission"]["legal_basis"]) == ("2028-06-15", "L136 art. 80")
    assert (d["publication"]["latest"], d["publication"]["legal_basis"]) == ("2028-06-29", "L136 art. 81")
    assert (d["governor_copy"]["latest"], d["governor_copy"]["legal_basis"]) == ("2028-06-21", "L136 art. 82")


def test_ordenanza_goes_to_the_tribunal_within_48_hours_and_has_no_governor_copy():
    d = deadlines(kind="departamento", approved="2028-05-15", illegality_insisted="2028-06-01",
                  sanctioned="2028-06-13")
    assert (d["tribunal_remission"]["latest"], d["tribunal_remission"]["legal_basis"]) == \
        ("2028-06-03", "L2200 art. 101")
    assert "governor_copy" not in d and d["publication"]["legal_basis"] == "L2200 art. 103"


def test_the_governor_copy_term_goes_once_the_copy_is_sent():
    assert "governor_copy" not in deadlines(sanctioned="2028-06-13", governor_copy_sent="2028-06-14")


def test_an_event_before_the_posesion_is_refused_with_its_field():
    from state_machines.calendar import FactsError
    with pytest.raises(FactsError) as error:
        calendar_json(facts(sanctioned="2027-12-31"))
    assert error.value.field == "events.sanctioned"


# --- The acts ---------------------------------------------------------------------------------------------------

def test_objection_needs_its_grounds_and_the_article_count():
    s = snapshot("sanction_pending", date(2028, 5, 18), events={"sent_for_sanction": "2028-05-17"})
    assert "inconveniencia" in refusal(s, "object", E).reason
    s = replace(s, objection_grounds=frozenset({"inconveniencia"}))
    refused = refusal(s, "object", E)
    assert "artículos" in refused.reason and refused.legal_basis == "L136 art. 78"


def test_objection_on_the_last_day_of_the_term_is_accepted_and_the_day_after_refused():
    # 20 articles, sent Wednesday 17 May 2028: five business days, to Wednesday 24 May.
    kw = dict(events={"sent_for_sanction": "2028-05-17"}, articles=20,
              objection_grounds=frozenset({"inconveniencia"}), article_count=20)
    assert PDT_MACHINE.fire(snapshot("sanction_pending", date(2028, 5, 24), **kw), "object", E).dest == "objected"
    refused = refusal(snapshot("sanction_pending", date(2028, 5, 25), **kw), "object", E)
    assert refused.legal_basis == "L136 art. 78" and "24 de mayo de 2028" in refused.reason


def test_rejected_inconvenience_objections_oblige_the_executive_and_bar_a_second_objection():
    objected = snapshot("objected", date(2028, 6, 1), sanction=SanctionRecord(grounds=frozenset({"inconveniencia"})))
    assert PDT_MACHINE.fire(objected, "reject_objections", C).dest == "sanction_due"
    refused = refusal(objected, "insist_on_project", C)
    assert refused.legal_basis == "L136 art. 79"
    due = replace(objected, state="sanction_due", objection_grounds=frozenset({"inconveniencia"}))
    refused = refusal(due, "object", E)
    assert refused.code == "wrong_state" and "L136 art. 79" in refused.legal_basis
    assert "no puede objetarse otra vez" in refused.reason


def test_the_president_sanctions_only_after_the_executives_eight_days():
    # Rejected Thursday 1 June 2028: the mayor has to Tuesday 13 June; the president from Wednesday 14 June.
    record = SanctionRecord(grounds=frozenset({"inconveniencia"}), overridden=True)
    kw = dict(sanction=record, events={"objections_rejected": "2028-06-01"})
    refused = refusal(snapshot("sanction_due", date(2028, 6, 13), **kw), "sanction_by_president", C)
    assert refused.legal_basis == "L136 art. 79" and "14 de junio de 2028" in refused.reason
    assert PDT_MACHINE.fire(snapshot("sanction_due", date(2028, 6, 14), **kw), "sanction_by_president",
                            C).dest == "sanctioned"
    # the mayor may still sanction late (no automatic effect besides the president's power)
    assert PDT_MACHINE.fire(snapshot("sanction_due", date(2028, 6, 20), **kw), "sanction", E).dest == "sanctioned"


def test_after_a_tribunal_ruling_the_executive_sanctions_not_the_president():
    record = SanctionRecord(grounds=frozenset({"ilegalidad"}), via_tribunal=True)
    s = snapshot("sanction_due", date(2028, 9, 1), sanction=record, events={"objections_rejected": "2028-06-01"})
    assert refusal(s, "sanction_by_president", C).legal_basis == "L136 art. 80"


def test_insisted_illegality_goes_to_the_tribunal_and_may_end_archived():
    record = SanctionRecord(grounds=frozenset({"ilegalidad", "inconveniencia"}))
    objected = snapshot("objected", date(2028, 6, 1), sanction=record)
    assert refusal(objected, "reject_objections", C).legal_basis == "L136 art. 80"
    assert PDT_MACHINE.fire(objected, "insist_on_project", C).dest == "illegality_insisted"
    sent = PDT_MACHINE.fire(replace(objected, state="illegality_insisted"), "send_to_tribunal", E)
    assert sent.dest == "before_tribunal" and sent.effects == ()
    tribunal = replace(objected, state="before_tribunal")
    assert PDT_MACHINE.fire(tribunal, "record_tribunal_archive", C).dest == "archived"
    # L136 art. 80: a partly vitiated acuerdo returns to the Concejo, then to the Tribunal for the final ruling.
    assert refusal(tribunal, "record_tribunal_articles_archived", E).legal_basis == "L136 art. 80"
    assert PDT_MACHINE.fire(tribunal, "record_tribunal_partial", E).dest == "tribunal_reconsideration"
    assert PDT_MACHINE.fire(replace(tribunal, state="tribunal_reconsideration"), "return_to_tribunal", C).dest == \
        "before_tribunal"
    final = replace(tribunal, sanction=replace(record, reconsidered=True))
    assert "definitivo" in refusal(final, "record_tribunal_partial", E).reason
    assert PDT_MACHINE.fire(final, "record_tribunal_articles_archived", E).dest == "sanction_due"
    assert PDT_MACHINE.is_final("archived")


def test_late_tribunal_remission_is_flagged_not_refused():
    record = SanctionRecord(grounds=frozenset({"ilegalidad"}))
    s = snapshot("illegality_insisted", date(2028, 6, 16), sanction=record,
                 events={"illegality_insisted": "2028-06-01"})
    assert PDT_MACHINE.fire(s, "send_to_tribunal", E).effects == ("flag:late_tribunal_remission",)
    on_time = replace(s, today=date(2028, 6, 15))
    assert PDT_MACHINE.fire(on_time, "send_to_tribunal", E).effects == ()


def test_the_governor_copy_and_its_review_are_municipal_and_recorded_once():
    s = snapshot("sanctioned", date(2028, 6, 21), events={"sanctioned": "2028-06-13"})
    assert PDT_MACHINE.fire(s, "send_copy_to_governor", E).effects == ("record_sanction",)
    late = replace(s, today=date(2028, 6, 22))
    assert PDT_MACHINE.fire(late, "send_copy_to_governor", P).effects == ("record_sanction", "flag:late_governor_copy")
    dept = replace(s, entity_kind="departamento")
    assert refusal(dept, "send_copy_to_governor", E).legal_basis == "L136 art. 82"
    assert "primero" in refusal(replace(s, state="in_force", governor_review="ajustado"), "record_governor_review",
                                E).reason.lower()
    sent = replace(s, state="in_force", sanction=SanctionRecord(governor_copy_sent=date(2028, 6, 15)))
    assert refusal(sent, "record_governor_review", E).reason.startswith("Indique")
    assert PDT_MACHINE.fire(replace(sent, governor_review="ajustado"), "record_governor_review", E).dest == "in_force"


def test_late_publication_is_flagged_from_the_eleventh_business_day():
    s = snapshot("sanctioned", date(2028, 6, 29), events={"sanctioned": "2028-06-13"})
    assert "flag:late_publication" not in PDT_MACHINE.fire(s, "publish", E).effects
    assert "flag:late_publication" in PDT_MACHINE.fire(replace(s, today=date(2028, 6, 30)), "publish", E).effects


# --- The convocation's norm by date (issue 20) -------------------------------------------------------------------

def test_an_asamblea_convoked_in_2020_cites_l56_and_from_8_february_2022_l2200():
    from state_machines.corporation.sessions import convocation_basis
    assert convocation_basis("departamento", date(2022, 2, 7)) == "L56 art. 1 (mod. L617 art. 29)"
    assert convocation_basis("departamento", date(2022, 2, 8)) == "L2200 art. 23"
    assert convocation_basis("municipio", date(2020, 4, 30)) == "L136 art. 23 par. 2"
    d = {x["key"]: x for x in calendar_json({"entity_kind": "departamento", "period_start": "2020-01-01",
                                             "events": {"filed_with_corporacion": "2020-04-30"}})["deadlines"]}
    assert d["sessions_convocation"]["legal_basis"] == "L152 art. 40; L56 art. 1 (mod. L617 art. 29)"
    assert "L2200" not in d["sessions_convocation"]["explanation"]


# --- Decreto 683 de 2020 art. 2 (issue 20) -----------------------------------------------------------------------

def test_d683_art2_modifications_only_for_plans_filed_by_30_april_2020():
    from state_machines.calendar import Deadline
    term = Deadline("executive_modifications", date(2020, 6, 15), date(2020, 6, 15), date(2020, 6, 12),
                    date(2020, 6, 16), "warning", "D683 art. 2", "")
    base = PlanSnapshot(state="in_debate", entity_kind="municipio", today=date(2020, 6, 1), regime="d683_2020",
                        d683_articles=frozenset({"art2"}), deadlines={"executive_modifications": term})
    on_time = replace(base, filed_on=date(2020, 4, 30))
    assert PDT_MACHINE.fire(on_time, "modify_by_executive", E).dest == "in_debate"
    late = replace(base, filed_on=date(2020, 5, 1))
    refused = refusal(late, "modify_by_executive", E)
    assert refused.legal_basis == "D683 art. 2" and "30 de abril de 2020" in refused.reason


# --- The convocation duty: working days outside sessions only; D683 art. 3's window (issue 20) ------------------

def _convocation(filed: str, category: str = "6", period: str = "2028-01-01", **extra):
    data = {"entity_kind": "municipio", "period_start": period, "fiscal_category": category,
            "events": {"filed_with_corporacion": filed}, **extra}
    return {d["key"]: d for d in calendar_json(data)["deadlines"]}.get("sessions_convocation")


def test_a_weekend_outside_sessions_does_not_create_the_duty_to_convoke():
    # Category 6 sits in May: filed Friday 28 April 2028, the month runs 29 April-28 May; 29-30 April is a
    # weekend: no convocation. Filed Thursday 27 April: Friday 28 April is a working day in recess: convoke.
    assert _convocation("2028-04-28") is None
    due = _convocation("2028-04-27")
    assert due is not None and "viernes 28 de abril de 2028" in due["explanation"]


def test_under_d683_art3_the_window_runs_to_15_july_2020():
    # Category 6 filed 30 April 2020 under D683 art. 1: the window runs to 15 July (D683 art. 3), past May:
    # the first working day in recess is Monday 1 June 2020... 1 June 2020 is a holiday, so Tuesday 2 June.
    d683 = _convocation("2020-04-30", period="2020-01-01", regime="d683_2020", d683_articles=["art1"])
    assert d683 is not None and "martes 2 de junio de 2020" in d683["explanation"]
    assert "D683 art. 3" in d683["explanation"]
    assert _convocation("2020-04-30", period="2020-01-01") is None  # ordinary: the month is May, in sessions


# --- D683 art. 4: the PISCC for every plan adopted in 2020 (issue 20) --------------------------------------------

def test_the_piscc_term_applies_to_every_plan_adopted_in_2020_and_to_none_after():
    ordinary_2020 = {"entity_kind": "municipio", "period_start": "2020-01-01",
                     "events": {"filed_with_corporacion": "2020-04-30", "adopted": "2020-05-29"}}
    keys = {d["key"]: d for d in calendar_json(ordinary_2020)["deadlines"]}
    assert keys["piscc"]["legal_basis"] == "D683 art. 4"
    adopted_2021 = {**ordinary_2020, "events": {"filed_with_corporacion": "2020-04-30", "adopted": "2021-01-04"}}
    assert "piscc" not in {d["key"] for d in calendar_json(adopted_2021)["deadlines"]}
    approved = PlanSnapshot(state="in_debate", entity_kind="municipio", today=date(2020, 5, 29))
    from state_machines.approval.pdt import is_d683_regime
    assert is_d683_regime(approved) and not is_d683_regime(replace(approved, today=date(2021, 1, 4)))


# --- Bogotá (Decreto-Ley 1421 de 1993, issue 20) ------------------------------------------------------------------

def test_bogota_sits_from_1_february_1_may_1_august_1_november_for_30_days():
    from state_machines.corporation.sessions import ordinary_periods
    periods, basis = ordinary_periods("municipio", "especial", 2028, date(2028, 1, 1), "bogota")
    assert basis == "DL1421 art. 10"
    assert periods[0] == (date(2028, 2, 1), date(2028, 3, 1)) and periods[1] == (date(2028, 5, 1), date(2028, 5, 30))
    # Filed Friday 28 April 2028: the month runs 29 April-28 May, all in the May period from Monday 1 May
    # (29-30 April a weekend): no convocation; filed 2 May: the window reaches Wednesday 31 May, in recess.
    bogota = {"entity_kind": "municipio", "period_start": "2028-01-01", "fiscal_category": "especial",
              "special_regime": "bogota"}
    keys = {d["key"] for d in calendar_json({**bogota, "events": {"filed_with_corporacion": "2028-04-28"}})["deadlines"]}
    assert "sessions_convocation" not in keys
    d = {x["key"]: x for x in calendar_json({**bogota, "events": {"filed_with_corporacion": "2028-05-02"}})["deadlines"]}
    assert "miércoles 31 de mayo de 2028" in d["sessions_convocation"]["explanation"]
    assert "DL1421 art. 10" in d["sessions_convocation"]["explanation"]
    # the general law (category especial, first year) would be in recess all of May
    general = {x["key"] for x in calendar_json({**bogota, "special_regime": None,
                                               "events": {"filed_with_corporacion": "2028-04-28"}})["deadlines"]}
    assert "sessions_convocation" in general


def test_bogota_debates_on_different_days_without_the_three_day_gap():
    from state_machines.corporation.debates import DebateRecord
    committee = DebateRecord((date(2028, 5, 10),), date(2028, 5, 10))
    bogota = PlanSnapshot(state="in_debate", entity_kind="municipio", today=date(2028, 5, 11), debates=committee,
                          special_regime="bogota")
    assert PDT_MACHINE.fire(bogota, "record_plenary_debate", C).dest == "in_debate"
    same_day = refusal(replace(bogota, today=date(2028, 5, 10)), "record_plenary_debate", C)
    assert same_day.legal_basis == "DL1421 art. 22"
    general = refusal(replace(bogota, special_regime=None), "record_plenary_debate", C)
    assert "L136 art. 73" in general.legal_basis


def test_an_unknown_special_regime_is_refused_with_its_field():
    from state_machines.calendar import FactsError
    with pytest.raises(FactsError) as error:
        calendar_json({"entity_kind": "municipio", "period_start": "2028-01-01", "special_regime": "medellin"})
    assert error.value.field == "special_regime"


def test_the_last_stretchs_warnings_cite_the_statute_of_the_entitys_act():
    from state_machines.approval.flags import FLAG_LABELS, flag_label
    from state_machines.core.wording import readable_sources

    acuerdo, ordenanza = sanction_law("municipio", date(2028, 5, 1)), sanction_law("departamento", date(2028, 5, 1))
    bogota, ordenanza_2020 = sanction_law("municipio", date(2028, 5, 1), "bogota"), \
        sanction_law("departamento", date(2020, 5, 1))
    assert flag_label("late_tribunal_remission", acuerdo) == "Enviado al Tribunal después de los diez días (L136 art. 80)"
    assert flag_label("late_tribunal_remission", ordenanza) == \
        "Enviado al Tribunal después de los dos días calendario (L2200 art. 101)"
    assert flag_label("late_objection", bogota) == "Objetado después de los diez días (DL1421 art. 23)"
    assert flag_label("late_remission", bogota) == \
        "Remitido para sanción después de los cinco días (L136 art. 76 (DL1421 art. 2))"
    assert readable_sources(flag_label("late_remission", bogota)).endswith("(L136 art. 76, por DL1421 art. 2)")
    assert flag_label("late_objection", ordenanza_2020).endswith("(D1222 art. 78)")
    # The other warnings keep their one norm; without a statute, the table's words.
    assert flag_label("late_filing", bogota) == FLAG_LABELS["late_filing"] == flag_label("late_filing")
    assert flag_label("made_up") == "made_up"
