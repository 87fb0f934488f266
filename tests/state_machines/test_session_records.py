"""Sessions as data (issue 20): the corporation's recorded extension of an ordinary period (L136 art. 23 par. 1;
DL1421 art. 10; L56 art. 1 par.), the executive's convocations with their window, purpose and caps (L136 art. 23
par. 2, art. 78; L2200 art. 23; L56 art. 1 mod. L617 art. 29), and every debate and vote inside a valid session
(L136 art. 24; L2200 art. 25). Dates on both sides of each boundary."""
from __future__ import annotations

from datetime import date

import pytest

from state_machines.approval.pdt import PDT_MACHINE, PlanSnapshot
from state_machines.core.machine import TransitionRefused
from state_machines.core.roles import Role
from state_machines.corporation import sessions
from state_machines.corporation.debates import DebateRecord
from state_machines.corporation.sanction import SanctionRecord
from state_machines.corporation.sessions import (
    Convocation,
    Corporation,
    SessionExtension,
    SessionRecords,
    convocation_basis,
    convocation_verdict,
    debate_session_verdict,
    extension_verdict,
    extraordinary_sessions_verdict,
    session_on,
    year_calendar,
)

C, E = Role.CORPORACION, Role.EJECUTIVO
CAT1_2024 = Corporation("municipio", "1", date(2024, 1, 1))  # first year: 2 Jan-29 Feb, 1 Jun-31 Jul, 1 Oct-30 Nov
ASAMBLEA_2020 = Corporation("departamento", None, date(2020, 1, 1))
ASAMBLEA_2024 = Corporation("departamento", None, date(2024, 1, 1))
BOGOTA_2024 = Corporation("municipio", "especial", date(2024, 1, 1), "bogota")
NONE = SessionRecords()


def ok(corp, day, records=NONE, on_objections=False):
    return debate_session_verdict(corp, records, day, "una sesión que debata o vote el plan", on_objections)


# --- Ordinary periods: first and last day, the day before and after ----------------------------------------

@pytest.mark.parametrize("day,allowed", [
    (date(2024, 5, 10), False),  # the example: category 1, in recess, nothing convoked
    (date(2024, 5, 31), False), (date(2024, 6, 1), True),  # second period's first day
    (date(2024, 7, 31), True), (date(2024, 8, 1), False),  # its last day (L136 art. 23 b: "último día de julio")
    (date(2024, 2, 29), True), (date(2024, 3, 1), False),  # first year's first period ends with February
])
def test_a_concejo_of_category_1_debates_only_in_its_ordinary_periods(day, allowed):
    allowed_, reason, basis = ok(CAT1_2024, day)
    assert allowed_ is allowed
    if not allowed:
        assert basis == "L136 art. 23 par. 2; L136 art. 24"
        assert "receso" in reason and "carece de validez" in reason


def test_without_category_nothing_is_asserted():
    assert ok(Corporation("municipio", None, date(2024, 1, 1)), date(2024, 5, 10))[0] is True


# --- The ten-day extension (L136 art. 23 par. 1) ------------------------------------------------------------

def test_an_extension_recorded_within_the_period_adds_ten_calendar_days_day_10_in_day_11_out():
    allowed, _, basis, ext = extension_verdict(CAT1_2024, NONE, date(2024, 7, 20), 10)
    assert allowed and basis == "L136 art. 23 par. 1"
    assert (ext.starts_on, ext.ends_on) == (date(2024, 8, 1), date(2024, 8, 10))
    records = SessionRecords(extensions=(ext,))
    assert ok(CAT1_2024, date(2024, 8, 10), records)[0] is True  # tenth day of the extension
    assert ok(CAT1_2024, date(2024, 8, 11), records)[0] is False  # eleventh
    assert session_on(CAT1_2024, records, date(2024, 8, 1)).kind == "extended"


def test_an_extension_is_decided_within_its_period_once_and_for_at_most_ten_days():
    assert extension_verdict(CAT1_2024, NONE, date(2024, 8, 1), 10)[0] is False  # the period already ended
    assert extension_verdict(CAT1_2024, NONE, date(2024, 7, 31), 10)[0] is True  # its last day
    assert extension_verdict(CAT1_2024, NONE, date(2024, 7, 31), 11)[0] is False
    done = SessionRecords(extensions=(SessionExtension(date(2024, 7, 31), 5),))
    again = extension_verdict(CAT1_2024, done, date(2024, 7, 31), 5)
    assert again[0] is False and "ya tiene una prórroga" in again[1]


def test_an_asamblea_extends_under_l56_before_8_february_2022_and_not_under_l2200_after():
    before = extension_verdict(ASAMBLEA_2020, NONE, date(2021, 7, 15), 10)
    assert before[0] is True and before[2] == "L56 art. 1 par."
    assert before[3].ends_on == date(2021, 8, 9)  # 30 July + 10
    after = extension_verdict(ASAMBLEA_2020, NONE, date(2022, 3, 15), 10)
    assert after[0] is False and after[2] == "L2200 art. 23"
    assert extension_verdict(ASAMBLEA_2020, NONE, date(2022, 2, 7), 10)[2] != "L2200 art. 23"


# --- Convocations: window, purpose, the plan named ---------------------------------------------------------

def test_a_convocation_for_the_plan_makes_the_recess_day_valid_and_one_for_other_matters_does_not():
    for_plan = SessionRecords(convocations=(Convocation(date(2024, 5, 1), date(2024, 5, 31), "Plan de desarrollo"),))
    assert ok(CAT1_2024, date(2024, 5, 10), for_plan)[0] is True
    other = SessionRecords(convocations=(Convocation(date(2024, 5, 1), date(2024, 5, 31), "Presupuesto",
                                                     covers_plan=False),))
    allowed, reason, basis = ok(CAT1_2024, date(2024, 5, 10), other)
    assert not allowed and "otros asuntos" in reason and "L136 art. 23 par. 2" in basis


def test_the_plan_need_not_be_named_when_the_setting_says_so(monkeypatch):
    monkeypatch.setattr(sessions, "CONVOCATION_MUST_NAME_PLAN", False)
    other = SessionRecords(convocations=(Convocation(date(2024, 5, 1), date(2024, 5, 31), "Presupuesto",
                                                     covers_plan=False),))
    assert ok(CAT1_2024, date(2024, 5, 10), other)[0] is True


def test_a_convocation_needs_its_window_and_purpose_and_cannot_start_before_its_decree():
    assert convocation_verdict(CAT1_2024, NONE, None, date(2024, 4, 29))[0] is False
    assert convocation_verdict(CAT1_2024, NONE, Convocation(date(2024, 5, 2), date(2024, 5, 1), "Plan"),
                               date(2024, 4, 29))[0] is False
    assert convocation_verdict(CAT1_2024, NONE, Convocation(date(2024, 5, 1), date(2024, 5, 31), "  "),
                               date(2024, 4, 29))[0] is False
    early = Convocation(date(2024, 4, 28), date(2024, 5, 31), "Plan", convoked_on=date(2024, 4, 29))
    assert convocation_verdict(CAT1_2024, NONE, early, date(2024, 4, 29))[0] is False
    assert convocation_verdict(CAT1_2024, NONE, Convocation(date(2024, 4, 29), date(2024, 5, 31), "Plan",
                                                            convoked_on=date(2024, 4, 29)), date(2024, 4, 29))[0]



def test_a_convocation_ends_within_the_corporations_period():
    """The corporation convoked is the one elected for the period (AL02): sessions past its last day are a
    typing error (and an Asamblea's yearly cap would otherwise be counted over every year to the end date)."""
    last_day = Convocation(date(2027, 12, 1), date(2027, 12, 31), "Plan")
    assert convocation_verdict(CAT1_2024, NONE, last_day, date(2027, 11, 30))[0] is True
    for corp in (CAT1_2024, ASAMBLEA_2024, BOGOTA_2024):
        refused = convocation_verdict(corp, NONE, Convocation(date(2027, 12, 1), date(9999, 1, 1), "Plan"),
                                      date(2027, 11, 30))
        assert refused[0] is False and refused[2].startswith("AL02; ")
        assert "termina el 31 de diciembre de 2027" in refused[1]

# --- Caps ---------------------------------------------------------------------------------------------------

def test_a_concejo_convoked_for_objections_sits_at_most_five_days():
    five = Convocation(date(2024, 8, 5), date(2024, 8, 9), "Objeciones al plan", for_objections=True)
    six = Convocation(date(2024, 8, 5), date(2024, 8, 10), "Objeciones al plan", for_objections=True)
    assert convocation_verdict(CAT1_2024, NONE, five, date(2024, 8, 2))[0] is True
    refused = convocation_verdict(CAT1_2024, NONE, six, date(2024, 8, 2))
    assert refused[0] is False and refused[2] == "L136 art. 78" and "5 días" in refused[1]
    # An Asamblea is not held to L136 art. 78's five days.
    assert convocation_verdict(ASAMBLEA_2024, NONE, Convocation(date(2024, 3, 4), date(2024, 3, 9), "Objeciones",
                                                                for_objections=True), date(2024, 3, 1))[0]


def test_an_asamblea_sits_extraordinarily_at_most_three_months_a_year_under_l2200():
    # 2025 (not the first year): recess 1 Jan-28 Feb (59 days) and 1 Dec-31 Dec (31 days) = 90 days.
    first = Convocation(date(2025, 1, 1), date(2025, 2, 28), "Plan")
    records = SessionRecords(convocations=(first,))
    assert convocation_verdict(ASAMBLEA_2024, NONE, first, date(2024, 12, 20))[0] is True
    assert convocation_verdict(ASAMBLEA_2024, records, Convocation(date(2025, 12, 1), date(2025, 12, 31), "Plan"),
                               date(2025, 11, 20))[0] is True  # 90 days: the cap reached, not passed
    records = SessionRecords(convocations=(first, Convocation(date(2025, 12, 1), date(2025, 12, 31), "Plan")))
    refused = convocation_verdict(ASAMBLEA_2024, records, Convocation(date(2025, 5, 1), date(2025, 5, 1), "Plan"),
                                  date(2025, 4, 20))
    assert refused[0] is False and refused[2] == "L2200 art. 23" and "3 meses" in refused[1]
    # Days inside ordinary sessions do not count: a convocation over March-April adds nothing.
    assert convocation_verdict(ASAMBLEA_2024, records, Convocation(date(2025, 3, 1), date(2025, 4, 30), "Plan"),
                               date(2025, 2, 20))[0] is True


def test_the_cap_is_one_month_before_8_february_2022_and_three_after():
    # 2022, second year of the 2020 period: recess until 28 February. 20 days already convoked in January.
    january = SessionRecords(convocations=(Convocation(date(2022, 1, 3), date(2022, 1, 22), "Otros"),))
    before = convocation_verdict(ASAMBLEA_2020, january, Convocation(date(2022, 2, 7), date(2022, 2, 28), "Plan"),
                                 date(2022, 2, 4))
    assert before[0] is False and before[2] == "L56 art. 1 (mod. L617 art. 29)" and "1 mes" in before[1]
    after = convocation_verdict(ASAMBLEA_2020, january, Convocation(date(2022, 2, 8), date(2022, 2, 28), "Plan"),
                                date(2022, 2, 4))
    assert after[0] is True


def test_a_convocation_cites_the_law_of_its_date_and_bogota_its_own_statute():
    assert convocation_basis("departamento", date(2022, 2, 7)) == "L56 art. 1 (mod. L617 art. 29)"
    assert convocation_basis("departamento", date(2022, 2, 8)) == "L2200 art. 23"
    assert convocation_basis("municipio", date(2024, 5, 1)) == "L136 art. 23 par. 2"
    assert convocation_basis("municipio", date(2024, 5, 1), "bogota") == "DL1421 art. 10"
    verdict = extraordinary_sessions_verdict("municipio", "especial", date(2024, 1, 1), date(2024, 3, 15),
                                             special="bogota")
    assert verdict.needed and "DL1421 art. 10" in verdict.legal_basis and "L136 art. 23 par. 2" not in verdict.legal_basis


# --- Bogotá (DL1421 art. 10) --------------------------------------------------------------------------------

def test_bogota_sits_thirty_days_from_1_february_extends_up_to_ten_and_has_no_yearly_cap():
    assert ok(BOGOTA_2024, date(2024, 3, 1))[0] is True  # 1 February + 29 days (2024 is a leap year)
    allowed, _, basis = ok(BOGOTA_2024, date(2024, 3, 2))
    assert not allowed and basis == "DL1421 art. 10"
    ext = extension_verdict(BOGOTA_2024, NONE, date(2024, 2, 20), 10)
    assert ext[0] and ext[2] == "DL1421 art. 10" and ext[3].ends_on == date(2024, 3, 11)
    long = Convocation(date(2024, 6, 1), date(2024, 7, 31), "Plan")
    assert convocation_verdict(BOGOTA_2024, NONE, long, date(2024, 5, 20))[0] is True


# --- The route's guards -------------------------------------------------------------------------------------

def snap(state, day, corp=CAT1_2024, records=NONE, **kw):
    return PlanSnapshot(state=state, entity_kind=corp.entity_kind, today=day, fiscal_category=corp.category,
                        period_start=corp.period_start, special_regime=corp.special, session_records=records, **kw)


def test_the_committee_debate_in_recess_is_refused_with_its_norm_and_accepted_inside_the_convocation():
    with pytest.raises(TransitionRefused) as refused:
        PDT_MACHINE.fire(snap("in_debate", date(2024, 5, 10)), "record_committee_debate", C)
    assert refused.value.legal_basis == "L136 art. 23 par. 2; L136 art. 24"
    convoked = SessionRecords(convocations=(Convocation(date(2024, 5, 1), date(2024, 5, 31), "Plan"),))
    assert PDT_MACHINE.fire(snap("in_debate", date(2024, 5, 10), records=convoked), "record_committee_debate",
                            C).dest == "in_debate"


@pytest.mark.parametrize("trigger,state,kw", [
    ("record_plenary_debate", "in_debate", {"debates": DebateRecord((date(2024, 4, 1),), date(2024, 4, 1))}),
    ("approve_plan", "in_debate", {"debates": DebateRecord((date(2024, 4, 1),), date(2024, 4, 1),
                                                           (date(2024, 5, 10),))}),
    ("vote_down", "in_debate", {"corporation_voted_down": True}),
    ("continue_committee_debate", "in_debate", {"debates": DebateRecord((date(2024, 4, 1),))}),
])
def test_every_debate_and_vote_of_the_plan_is_refused_in_recess(trigger, state, kw):
    with pytest.raises(TransitionRefused) as refused:
        PDT_MACHINE.fire(snap(state, date(2024, 5, 10), **kw), trigger, C)
    assert "L136 art. 24" in refused.value.legal_basis


def test_the_decision_on_objections_is_valid_in_sessions_convoked_for_them():
    objected = SanctionRecord.from_data({"grounds": ["inconveniencia"], "objected_on": "2024-08-02"})
    with pytest.raises(TransitionRefused):
        PDT_MACHINE.fire(snap("objected", date(2024, 8, 6), sanction=objected), "reject_objections", C)
    for_objections = SessionRecords(convocations=(Convocation(date(2024, 8, 5), date(2024, 8, 9), "Objeciones",
                                                              covers_plan=False, for_objections=True),))
    assert PDT_MACHINE.fire(snap("objected", date(2024, 8, 6), records=for_objections, sanction=objected),
                            "reject_objections", C).dest == "sanction_due"


def test_the_extension_and_convocation_acts_read_what_the_act_brings():
    with pytest.raises(TransitionRefused) as refused:
        PDT_MACHINE.fire(snap("in_debate", date(2024, 5, 10), extension_days=10), "extend_sessions", C)
    assert refused.value.legal_basis == "L136 art. 23 par. 1"
    assert PDT_MACHINE.fire(snap("in_debate", date(2024, 7, 20), extension_days=10), "extend_sessions", C)
    with pytest.raises(TransitionRefused):
        PDT_MACHINE.fire(snap("in_debate", date(2024, 4, 29)), "convoke_sessions", E)  # no window
    conv = Convocation(date(2024, 5, 1), date(2024, 5, 31), "Plan de desarrollo", convoked_on=date(2024, 4, 29))
    assert PDT_MACHINE.fire(snap("in_debate", date(2024, 4, 29), convocation=conv), "convoke_sessions", E)


def test_the_year_calendar_lists_spans_with_their_kind_and_norm():
    records = SessionRecords(extensions=(SessionExtension(date(2024, 7, 31), 10),),
                             convocations=(Convocation(date(2024, 5, 1), date(2024, 5, 31), "Plan"),))
    spans = year_calendar(CAT1_2024, records, 2024)
    kinds = [(s.start, s.end, s.kind) for s in spans]
    assert (date(2024, 1, 2), date(2024, 2, 29), "ordinary") in kinds
    assert (date(2024, 5, 1), date(2024, 5, 31), "convoked") in kinds
    assert (date(2024, 8, 1), date(2024, 8, 10), "extended") in kinds
    assert (date(2024, 8, 11), date(2024, 9, 30), "recess") in kinds
    assert spans[0].start == date(2024, 1, 1) and spans[-1].end == date(2024, 12, 31)


def test_the_extension_is_offered_only_around_an_ordinary_period():
    listing = dict(extension_days=None, listing=True)
    assert PDT_MACHINE.fire(snap("in_debate", date(2024, 7, 31), **listing), "extend_sessions", C)  # last day
    assert PDT_MACHINE.fire(snap("in_debate", date(2024, 8, 10), **listing), "extend_sessions", C)  # typed late
    with pytest.raises(TransitionRefused):
        PDT_MACHINE.fire(snap("in_debate", date(2024, 8, 11), **listing), "extend_sessions", C)
    # Listing leaves the debate guard to the form (the act's own date decides when it is sent).
    assert PDT_MACHINE.fire(snap("in_debate", date(2024, 5, 10), listing=True), "record_committee_debate", C)
