"""The legal deadline engine against calendar-contract.md and legal-path.md §e/§c. No app, no database."""
import copy
import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from state_machines import calendar as cal_module
from state_machines.calendar import (
    BusinessCalendar,
    Deadline,
    Facts,
    FactsError,
    add_months,
    calendar_json,
    compute_deadlines,
    deadline_map,
    format_date_es,
    parse_facts,
)

D = date.fromisoformat

# --- The three worked examples of calendar-contract.md (every column) ---------------------------------------

EXAMPLE_2024 = {
    "entity_kind": "municipio",
    "period_start": "2024-01-01",
    "posesion": "2024-01-01",
    "nonworking_weekdays": [5, 6],
    "regime": "ordinary",
    "d683_articles": [],
    "events": {
        "ctp_presented": "2024-02-29",
        "car_copies_received": {"CRQ": "2024-02-29"},
        "filed_with_corporacion": "2024-04-30",
    },
}
TABLE_2024 = {
    "consolidation": ("2024-02-29", "2024-03-01", "2024-02-29", "2024-03-02"),
    "ctp_presentation": ("2024-02-29", "2024-03-01", "2024-02-29", "2024-03-02"),
    "car_concept:CRQ": ("2024-03-21", "2024-03-21", "2024-03-21", "2024-03-22"),
    "ctp_concept": ("2024-03-28", "2024-04-01", "2024-03-27", "2024-04-02"),
    "filing": ("2024-04-30", "2024-04-30", "2024-04-30", "2024-05-01"),
    "corporation_decision": ("2024-05-30", "2024-05-31", "2024-05-30", "2024-06-01"),
}

EXAMPLE_2028 = {
    "entity_kind": "municipio",
    "period_start": "2028-01-01",
    "events": {
        "ctp_presented": "2028-02-29",
        "car_copies_received": {"CRQ": "2028-02-29"},
        "filed_with_corporacion": "2028-04-28",
    },
}
TABLE_2028 = {
    "consolidation": ("2028-02-29", "2028-03-01", "2028-02-29", "2028-03-02"),
    "car_concept:CRQ": ("2028-03-22", "2028-03-22", "2028-03-22", "2028-03-23"),
    "ctp_concept": ("2028-03-28", "2028-03-31", "2028-03-28", "2028-04-01"),
    "filing": ("2028-04-30", "2028-05-02", "2028-04-28", "2028-05-03"),
    "corporation_decision": ("2028-05-28", "2028-05-30", "2028-05-26", "2028-05-31"),
}

EXAMPLE_D683 = {
    "entity_kind": "departamento",
    "period_start": "2020-01-01",
    "regime": "d683_2020",
    "d683_articles": ["art1"],
    "events": {
        "ctp_presented": "2020-02-28",
        "filed_with_corporacion": "2020-06-12",
        "adopted": "2020-07-10",
    },
}
TABLE_D683 = {
    "consolidation": ("2020-02-29", "2020-03-02", "2020-02-28", "2020-03-03"),
    "ctp_concept": ("2020-03-27", "2020-03-30", "2020-03-27", "2020-03-31"),
    "filing": ("2020-06-15", "2020-06-15", "2020-06-12", "2020-06-16"),
    "corporation_decision": ("2020-07-15", "2020-07-15", "2020-07-15", "2020-07-16"),
    "piscc": ("2020-08-10", "2020-08-10", "2020-08-10", "2020-08-11"),
}

EXPECTED_EFFECT_AND_BASIS = {
    "consolidation": ("warning", "L152 art. 39 num. 3"),
    "ctp_presentation": ("warning", "L152 art. 39 num. 5"),
    "car_concept:CRQ": ("warning", "D1865 art. 3 num. 3; L4-1913 art. 62"),
    "ctp_concept": ("ctp_requirement_deemed_fulfilled", "L152 art. 39 num. 6"),
    "filing": ("warning", "L152 art. 40"),
    "corporation_decision": ("decree_adoption_enabled", "L152 art. 40"),
}
EXPECTED_EFFECT_AND_BASIS_D683 = {
    **EXPECTED_EFFECT_AND_BASIS,
    "filing": ("warning", "D683 art. 1"),
    "corporation_decision": ("decree_adoption_enabled", "D683 art. 3"),
    "piscc": ("warning", "D683 art. 4"),
}

WORKED_EXAMPLES = [
    pytest.param(EXAMPLE_2024, TABLE_2024, EXPECTED_EFFECT_AND_BASIS, id="municipio-2024"),
    pytest.param(EXAMPLE_2028, TABLE_2028, EXPECTED_EFFECT_AND_BASIS, id="municipio-2028"),
    pytest.param(EXAMPLE_D683, TABLE_D683, EXPECTED_EFFECT_AND_BASIS_D683, id="departamento-2020-d683-art1"),
]


def _row(d: Deadline) -> tuple[str, str, str, str]:
    return (d.earliest.isoformat(), d.latest.isoformat(), d.act_by.isoformat(), d.overdue_from.isoformat())


@pytest.mark.parametrize("facts, table, effects", WORKED_EXAMPLES)
def test_worked_example_rows_hold_exactly(facts, table, effects):
    by_key = deadline_map(compute_deadlines(parse_facts(facts)))
    for key, row in table.items():
        assert _row(by_key[key]) == row, key
        assert (by_key[key].effect, by_key[key].legal_basis) == effects[key], key


@pytest.mark.parametrize("facts, table, effects", WORKED_EXAMPLES)
def test_worked_example_has_exactly_the_tabled_deadlines_plus_ctp_presentation(facts, table, effects):
    # The 2028 and D683 tables leave out ctp_presentation, whose dates the contract defines as consolidation's.
    by_key = deadline_map(compute_deadlines(parse_facts(facts)))
    assert set(by_key) == set(table) | {"ctp_presentation"}
    assert _row(by_key["ctp_presentation"]) == _row(by_key["consolidation"])


def test_contract_output_example_for_ctp_concept_is_reproduced_in_json():
    out = calendar_json(EXAMPLE_2024)
    ctp = next(d for d in out["deadlines"] if d["key"] == "ctp_concept")
    assert {k: v for k, v in ctp.items() if k != "explanation"} == {
        "key": "ctp_concept",
        "earliest": "2024-03-28",
        "latest": "2024-04-01",
        "act_by": "2024-03-27",
        "overdue_from": "2024-04-02",
        "effect": "ctp_requirement_deemed_fulfilled",
        "legal_basis": "L152 art. 39 num. 6",
    }
    assert list(ctp) == [
        "key", "earliest", "latest", "act_by", "overdue_from", "effect", "legal_basis", "explanation",
    ]


def test_json_output_is_serialisable_and_authority_only_on_car_concept():
    out = calendar_json(EXAMPLE_2024)
    assert json.loads(json.dumps(out)) == out
    with_authority = [d for d in out["deadlines"] if "authority" in d]
    assert [(d["key"], d["authority"]) for d in with_authority] == [("car_concept", "CRQ")]
    assert list(with_authority[0])[:3] == ["key", "authority", "earliest"]


def test_output_follows_the_route_order_with_authorities_sorted_by_code():
    facts = copy.deepcopy(EXAMPLE_D683)
    facts["d683_articles"] = ["art2", "art1"]
    facts["events"]["filed_with_corporacion"] = "2020-04-29"  # art. 2 is for a plan filed by 30 April 2020
    facts["events"]["car_copies_received"] = {"CVC": "2020-03-02", "CAR": "2020-03-03", "CORPONOR": "2020-03-02"}
    keys = [d.map_key for d in compute_deadlines(parse_facts(facts))]
    assert keys == [
        "consolidation",
        "ctp_presentation",
        "car_concept:CAR",
        "car_concept:CORPONOR",
        "car_concept:CVC",
        "ctp_concept",
        "filing",
        "executive_modifications",
        "corporation_decision",
        "sessions_convocation",  # filed on 29 April 2020: the Asamblea was not in ordinary sessions
        "piscc",
    ]


# --- Which deadlines appear --------------------------------------------------------------------------------


def test_only_period_deadlines_appear_when_no_event_is_known():
    facts = parse_facts({"entity_kind": "municipio", "period_start": "2024-01-01"})
    assert [d.key for d in compute_deadlines(facts)] == ["consolidation", "ctp_presentation", "filing"]


def test_ordinary_regime_never_gets_piscc_even_when_adopted():
    facts = copy.deepcopy(EXAMPLE_2024)
    facts["events"]["adopted"] = "2024-05-28"
    assert "piscc" not in deadline_map(compute_deadlines(parse_facts(facts)))


def test_d683_art2_only_keeps_ordinary_filing_and_adds_executive_modifications():
    facts = {
        "entity_kind": "municipio",
        "period_start": "2020-01-01",
        "regime": "d683_2020",
        "d683_articles": ["art2"],
        "events": {"ctp_presented": "2020-02-28", "filed_with_corporacion": "2020-04-30"},
    }
    by_key = deadline_map(compute_deadlines(parse_facts(facts)))
    assert _row(by_key["filing"]) == ("2020-04-30", "2020-04-30", "2020-04-30", "2020-05-01")
    assert by_key["filing"].legal_basis == "L152 art. 40"
    assert _row(by_key["executive_modifications"]) == ("2020-06-15", "2020-06-15", "2020-06-12", "2020-06-16")
    assert by_key["executive_modifications"].legal_basis == "D683 art. 2"
    assert _row(by_key["corporation_decision"]) == ("2020-07-15", "2020-07-15", "2020-07-15", "2020-07-16")
    assert by_key["corporation_decision"].legal_basis == "D683 art. 3"
    assert "piscc" not in by_key


def test_ordinary_2020_plan_keeps_the_one_month_decision_rule():
    facts = {
        "entity_kind": "municipio",
        "period_start": "2020-01-01",
        "events": {"filed_with_corporacion": "2020-04-30"},
    }
    decision = deadline_map(compute_deadlines(parse_facts(facts)))["corporation_decision"]
    # CE-1999 reading: filed 30 April -> the month is 1-31 May; 31 May 2020 is a Sunday -> Monday 1 June.
    assert _row(decision) == ("2020-05-30", "2020-06-01", "2020-05-29", "2020-06-02")


@pytest.mark.parametrize(
    "filed, expected",
    [
        # E + 1 month = 30 April, (E + 1 day) + 1 month - 1 day = 29 April: the readings cross.
        ("2024-03-30", ("2024-04-29", "2024-04-30", "2024-04-29", "2024-05-01")),
        # E + 1 month = 29 February 2024, the other reading 28 February.
        ("2024-01-30", ("2024-02-28", "2024-02-29", "2024-02-28", "2024-03-01")),
    ],
)
def test_corporation_month_readings_that_cross_at_month_end_still_give_an_ordered_interval(filed, expected):
    facts = {"entity_kind": "municipio", "period_start": "2024-01-01", "events": {"filed_with_corporacion": filed}}
    decision = deadline_map(compute_deadlines(parse_facts(facts)))["corporation_decision"]
    assert _row(decision) == expected
    assert "mes completo desde el día siguiente" in decision.explanation.split("Lectura amplia")[0]


def test_fixed_dates_extend_only_if_the_policy_value_says_so(monkeypatch):
    monkeypatch.setattr(cal_module, "EXTEND_FIXED_DATES", True)
    filing = deadline_map(compute_deadlines(parse_facts(EXAMPLE_D683)))["filing"]
    assert _row(filing) == ("2020-06-15", "2020-06-16", "2020-06-12", "2020-06-17")


def test_car_term_length_is_a_policy_value(monkeypatch):
    monkeypatch.setattr(cal_module, "CAR_CONCEPT_BUSINESS_DAYS", 10)
    car = deadline_map(compute_deadlines(parse_facts(EXAMPLE_2024)))["car_concept:CRQ"]
    assert car.latest == D("2024-03-14")


# --- Explanations ------------------------------------------------------------------------------------------


def test_ctp_explanation_names_start_unit_extension_and_holiday_in_spanish():
    text = deadline_map(compute_deadlines(parse_facts(EXAMPLE_2024)))["ctp_concept"].explanation
    assert "presentación al CTP el jueves 29 de febrero de 2024" in text
    assert "un mes" in text
    assert (
        "el último día (domingo 31 de marzo de 2024) no es hábil; se extiende al lunes 1 de abril de 2024 "
        "(L4-1913 art. 62)" in text
    )
    assert "jueves 28 de marzo de 2024 (festivo: Jueves Santo)" in text
    assert "miércoles 27 de marzo de 2024" in text


def test_fixed_date_explanation_says_it_is_not_extended():
    text = deadline_map(compute_deadlines(parse_facts(EXAMPLE_D683)))["filing"].explanation
    assert "D683 art. 1" in text
    assert "lunes 15 de junio de 2020 (festivo: Corpus Christi" in text
    assert "una fecha fija no se extiende" in text
    assert "viernes 12 de junio de 2020" in text


def test_decision_explanation_names_the_executive_of_the_entity_kind():
    municipio = deadline_map(compute_deadlines(parse_facts(EXAMPLE_2024)))["corporation_decision"].explanation
    departamento = deadline_map(compute_deadlines(parse_facts(EXAMPLE_D683)))["corporation_decision"].explanation
    assert "Decisión del Concejo" in municipio and "el alcalde puede adoptar el plan por decreto" in municipio
    assert "Decisión de la Asamblea" in departamento and "el gobernador puede adoptar" in departamento


@pytest.mark.parametrize(
    "d, weekday, expected",
    [
        (date(2024, 2, 29), False, "29 de febrero de 2024"),
        (date(2024, 2, 29), True, "jueves 29 de febrero de 2024"),
        (date(2020, 6, 13), True, "sábado 13 de junio de 2020"),
        (date(2028, 5, 31), True, "miércoles 31 de mayo de 2028"),
        (date(2025, 9, 1), False, "1 de septiembre de 2025"),
    ],
)
def test_format_date_es(d, weekday, expected):
    assert format_date_es(d, weekday=weekday) == expected


# --- Business days: Ley Emiliani, Semana Santa, configurable weekdays, injectable holidays --------------------


def _car(received: str, weekdays=(5, 6), calendar=None) -> Deadline:
    facts = parse_facts(
        {
            "entity_kind": "municipio",
            "period_start": "2024-01-01",
            "nonworking_weekdays": list(weekdays),
            "events": {"car_copies_received": {"CRQ": received}},
        }
    )
    return deadline_map(compute_deadlines(facts, calendar))["car_concept:CRQ"]


def test_car_term_skips_reyes_moved_to_monday_by_ley_emiliani():
    # Received Friday 5 Jan 2024; 6 Jan (Saturday) is observed Monday 8 Jan (L51 art. 1).
    car = _car("2024-01-05")
    assert _row(car) == ("2024-01-29", "2024-01-29", "2024-01-29", "2024-01-30")
    assert "lunes 8 de enero de 2024 (Día de los Reyes Magos" in car.explanation


def test_car_term_crossing_semana_santa_2024_skips_san_jose_and_the_holy_days():
    # Received Friday 22 March 2024: 25 (San José moved), 28 (Jueves Santo), 29 (Viernes Santo) are holidays.
    car = _car("2024-03-22")
    assert _row(car) == ("2024-04-17", "2024-04-17", "2024-04-17", "2024-04-18")
    for name in ("Día de San José", "Jueves Santo", "Viernes Santo"):
        assert name in car.explanation
    assert "Se excluyen 8 días de cierre semanal" in car.explanation


def test_entity_open_on_saturday_counts_saturdays_as_business_days():
    assert _car("2024-02-29", weekdays=(6,)).latest == D("2024-03-18")
    facts = parse_facts({**EXAMPLE_2028, "nonworking_weekdays": [6]})
    filing = deadline_map(compute_deadlines(facts))["filing"]
    # 30 April 2028 is a Sunday: an office open on Saturday acts by Saturday 29 April, not Friday 28.
    assert _row(filing) == ("2028-04-30", "2028-05-02", "2028-04-29", "2028-05-03")


def test_entity_closed_on_an_unusual_weekday_is_explained():
    facts = parse_facts({**EXAMPLE_2024, "nonworking_weekdays": [1, 5, 6]})  # closed on Tuesdays too
    filing = deadline_map(compute_deadlines(facts))["filing"]
    assert _row(filing) == ("2024-04-30", "2024-05-02", "2024-04-29", "2024-05-03")
    assert "martes 30 de abril de 2024, la entidad no atiende ese día" in filing.explanation


def test_facts_weekdays_win_over_the_injected_calendar_weekdays():
    calendar = BusinessCalendar(nonworking_weekdays={6})
    assert _car("2024-02-29", weekdays=(5, 6), calendar=calendar).latest == D("2024-03-21")


def test_holiday_source_is_injectable():
    no_holidays = BusinessCalendar(holiday_provider=lambda year: {})
    assert _car("2024-03-22", calendar=no_holidays).latest == D("2024-04-12")


def test_holiday_source_may_be_a_mapping_or_a_holidays_object():
    import holidays

    assert BusinessCalendar(holiday_provider={date(2024, 3, 1): "Festivo local"}).is_nonworking(date(2024, 3, 1))
    official = BusinessCalendar(holiday_provider=holidays.country_holidays("CO"))
    assert official.is_nonworking(date(2028, 5, 29))  # Ascensión moved, loaded on demand
    assert not official.is_nonworking(date(2028, 5, 26))


def test_extra_holidays_are_non_working_and_named():
    calendar = BusinessCalendar(extra_holidays={date(2024, 3, 1): "Paro cívico"})
    assert calendar.holiday_name(date(2024, 3, 1)) == "Paro cívico"
    assert _car("2024-02-29", calendar=calendar).latest == D("2024-03-22")
    unnamed = BusinessCalendar(extra_holidays=[date(2024, 3, 1)])
    assert unnamed.is_nonworking(date(2024, 3, 1))
    assert unnamed.holiday_name(date(2024, 3, 1))


def test_an_unverified_provider_holiday_can_be_removed():
    chiquinquira_2028 = date(2028, 7, 10)  # reported only by the holidays package (legal-path.md §e.5)
    assert BusinessCalendar().is_nonworking(chiquinquira_2028)
    assert not BusinessCalendar(removed_holidays=[chiquinquira_2028]).is_nonworking(chiquinquira_2028)


def test_business_calendar_primitives():
    cal = BusinessCalendar()
    jueves_santo = date(2024, 3, 28)
    assert cal.is_nonworking(jueves_santo) and cal.holiday_name(jueves_santo) == "Jueves Santo"
    assert cal.holiday_name(date(2024, 3, 30)) is None  # a plain Saturday is no holiday
    assert cal.is_nonworking(date(2024, 3, 30))
    assert not cal.is_nonworking(date(2024, 3, 27))
    assert cal.next_business(jueves_santo) == date(2024, 4, 1)
    assert cal.prev_business(jueves_santo) == date(2024, 3, 27)
    assert cal.next_business(date(2024, 3, 27)) == date(2024, 3, 27)
    assert cal.add_business_days(date(2024, 2, 29), 15) == date(2024, 3, 21)
    assert cal.add_business_days(date(2024, 3, 21), -15) == date(2024, 2, 29)
    assert cal.add_business_days(date(2024, 3, 30), 0) == date(2024, 3, 30)
    assert cal.add_business_days(date(2024, 3, 27), 1) == date(2024, 4, 1)
    assert cal.business_days_between(date(2024, 2, 29), date(2024, 3, 21)) == 15
    assert cal.business_days_between(date(2024, 3, 21), date(2024, 2, 29)) == -15
    assert cal.business_days_between(date(2024, 3, 27), date(2024, 3, 27)) == 0
    assert cal.business_days_between(date(2024, 3, 27), date(2024, 3, 31)) == 0


def test_holiday_names_are_spanish_and_ley_emiliani_moves_are_said_so():
    cal = BusinessCalendar()
    assert cal.holiday_name(date(2024, 1, 1)) == "Año Nuevo"
    assert cal.holiday_name(date(2024, 3, 25)) == "Día de San José (trasladado al lunes)"
    assert cal.holiday_name(date(2024, 3, 19)) is None  # the original date is not a holiday once moved


@pytest.mark.parametrize("weekdays", [{7}, {-1}, set(range(7))])
def test_business_calendar_refuses_impossible_weekdays(weekdays):
    with pytest.raises(ValueError):
        BusinessCalendar(nonworking_weekdays=weekdays)


# --- add_months (CC art. 67) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, months, expected",
    [
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-04-30", 1, "2024-05-30"),
        ("2024-05-01", 1, "2024-06-01"),
        ("2024-03-31", 1, "2024-04-30"),
        ("2024-01-01", 2, "2024-03-01"),
        ("2024-12-31", 2, "2025-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-03-31", -1, "2024-02-29"),
        ("2024-01-15", -1, "2023-12-15"),
        ("2024-01-15", 0, "2024-01-15"),
    ],
)
def test_add_months_keeps_day_number_and_clamps_to_month_end(start, months, expected):
    assert add_months(D(start), months) == D(expected)


def test_thirtieth_of_april_filing_gives_thirtieth_and_thirty_first_of_may():
    decision = deadline_map(compute_deadlines(parse_facts(EXAMPLE_2024)))["corporation_decision"]
    assert (decision.earliest, decision.latest) == (D("2024-05-30"), D("2024-05-31"))


# --- Invalid facts: each refused with the exact field --------------------------------------------------------


def _with(path: str, value, base=EXAMPLE_2024):
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    target = data
    for p in parents:
        target = target.setdefault(p, {})
    if value is _DELETE:
        target.pop(last, None)
    else:
        target[last] = value
    return data


_DELETE = object()
D683_BASE = EXAMPLE_D683

INVALID = [
    ("body-not-object", ["entity_kind", "municipio"], ""),
    ("body-null", None, ""),
    ("unknown-top-level-key", _with("posesión", "2024-01-02"), "posesión"),
    ("missing-entity-kind", _with("entity_kind", _DELETE), "entity_kind"),
    ("unknown-entity-kind", _with("entity_kind", "distrito"), "entity_kind"),
    ("entity-kind-not-string", _with("entity_kind", 1), "entity_kind"),
    ("missing-period-start", _with("period_start", _DELETE), "period_start"),
    ("period-start-number", _with("period_start", 20240101), "period_start"),
    ("period-start-bad-format", _with("period_start", "2024-1-1"), "period_start"),
    ("period-start-compact-iso", _with("period_start", "20240101"), "period_start"),
    ("period-start-not-1-january", _with("period_start", "2024-02-01"), "period_start"),
    ("period-start-not-a-period-year", _with("period_start", "2023-01-01"), "period_start"),
    ("period-start-before-4-year-periods", _with("period_start", "2000-01-01"), "period_start"),
    ("posesion-non-existent", _with("posesion", "2023-02-29"), "posesion"),
    ("posesion-before-period", _with("posesion", "2023-12-31"), "posesion"),
    ("posesion-after-period", _with("posesion", "2028-01-01"), "posesion"),
    ("posesion-list", _with("posesion", ["2024-01-01"]), "posesion"),
    ("weekday-out-of-range", _with("nonworking_weekdays", [5, 7]), "nonworking_weekdays"),
    ("weekday-negative", _with("nonworking_weekdays", [-1]), "nonworking_weekdays"),
    ("all-weekdays-closed", _with("nonworking_weekdays", [0, 1, 2, 3, 4, 5, 6]), "nonworking_weekdays"),
    ("weekdays-not-list", _with("nonworking_weekdays", "5,6"), "nonworking_weekdays"),
    ("weekday-bool", _with("nonworking_weekdays", [True]), "nonworking_weekdays"),
    ("weekday-float", _with("nonworking_weekdays", [5.0]), "nonworking_weekdays"),
    ("unknown-regime", _with("regime", "extraordinario"), "regime"),
    ("regime-not-string", _with("regime", ["ordinary"]), "regime"),
    ("d683-outside-2020", _with("d683_articles", ["art1"], _with("regime", "d683_2020")), "regime"),
    ("d683-without-articles", _with("d683_articles", [], D683_BASE), "d683_articles"),
    ("d683-articles-missing", _with("d683_articles", _DELETE, D683_BASE), "d683_articles"),
    ("unknown-d683-article", _with("d683_articles", ["art3"], D683_BASE), "d683_articles"),
    ("d683-articles-not-list", _with("d683_articles", "art1", D683_BASE), "d683_articles"),
    ("d683-articles-with-ordinary", _with("d683_articles", ["art1"]), "d683_articles"),
    ("events-not-object", _with("events", ["2024-02-29"]), "events"),
    ("unknown-event", _with("events.ctp_presentd", "2024-02-29"), "events.ctp_presentd"),
    ("ctp-non-existent-date", _with("events.ctp_presented", "2024-02-30"), "events.ctp_presented"),
    ("ctp-number", _with("events.ctp_presented", 20240229), "events.ctp_presented"),
    (
        "ctp-before-posesion",
        _with("posesion", "2024-01-10", _with("events.ctp_presented", "2024-01-09")),
        "events.ctp_presented",
    ),
    ("ctp-after-period", _with("events.ctp_presented", "2028-01-01"), "events.ctp_presented"),
    ("car-copies-list", _with("events.car_copies_received", ["CRQ"]), "events.car_copies_received"),
    ("car-code-empty", _with("events.car_copies_received", {"": "2024-02-29"}), "events.car_copies_received"),
    ("car-code-blank", _with("events.car_copies_received", {"  ": "2024-02-29"}), "events.car_copies_received"),
    (
        "car-copy-before-posesion",
        _with("events.car_copies_received", {"CRQ": "2023-12-31"}),
        "events.car_copies_received.CRQ",
    ),
    (
        "car-copy-bad-date",
        _with("events.car_copies_received", {"CVC": "2024-02-29", "CRQ": "2024-13-01"}),
        "events.car_copies_received.CRQ",
    ),
    ("car-copy-number", _with("events.car_copies_received", {"CRQ": 5}), "events.car_copies_received.CRQ"),
    ("car-copy-null", _with("events.car_copies_received", {"CRQ": None}), "events.car_copies_received.CRQ"),
    (
        "filing-before-ctp",
        _with("events.filed_with_corporacion", "2024-02-28"),
        "events.filed_with_corporacion",
    ),
    (
        "filing-before-posesion",
        _with("posesion", "2024-01-10", _with("events", {"filed_with_corporacion": "2024-01-05"})),
        "events.filed_with_corporacion",
    ),
    ("adopted-before-filing", _with("events.adopted", "2024-04-29"), "events.adopted"),
    ("adopted-without-filing", _with("events.filed_with_corporacion", _DELETE, _with("events.adopted", "2024-05-28")),
     "events.adopted"),
]


@pytest.mark.parametrize("data, field", [pytest.param(d, f, id=i) for i, d, f in INVALID])
def test_invalid_facts_are_refused_with_the_offending_field(data, field):
    with pytest.raises(FactsError) as caught:
        parse_facts(data)
    assert caught.value.field == field
    assert caught.value.to_json() == {"error": {"field": field, "message": caught.value.message}}
    assert caught.value.message.endswith(".") and caught.value.message[0].isupper()


def test_calendar_json_raises_facts_error_with_the_contract_message():
    with pytest.raises(FactsError) as caught:
        calendar_json(_with("posesion", "2024-01-10", _with("events.ctp_presented", "2024-01-09")))
    assert caught.value.to_json() == {
        "error": {
            "field": "events.ctp_presented",
            "message": "La fecha de presentación al CTP es anterior a la posesión.",
        }
    }


def test_facts_built_by_hand_are_checked_too():
    with pytest.raises(FactsError) as caught:
        Facts("municipio", date(2024, 1, 1), date(2024, 1, 1), ctp_presented=date(2024, 3, 1),
              filed_with_corporacion=date(2024, 2, 1))
    assert caught.value.field == "events.filed_with_corporacion"


def test_optional_fields_accept_null_and_defaults_apply():
    facts = parse_facts(
        {
            "entity_kind": "municipio",
            "period_start": "2024-01-01",
            "posesion": None,
            "nonworking_weekdays": None,
            "regime": None,
            "d683_articles": None,
            "events": {"ctp_presented": None, "car_copies_received": None},
        }
    )
    assert facts == Facts("municipio", date(2024, 1, 1), date(2024, 1, 1))
    assert facts.nonworking_weekdays == frozenset({5, 6}) and facts.regime == "ordinary"


def test_same_day_events_are_valid():
    facts = parse_facts(
        _with("events", {"ctp_presented": "2024-01-01", "filed_with_corporacion": "2024-01-01",
                         "adopted": "2024-01-01", "car_copies_received": {"CRQ": "2024-01-01"}})
    )
    assert facts.adopted == facts.filed_with_corporacion == facts.ctp_presented == facts.posesion


def test_late_posesion_moves_the_two_month_window_but_not_the_filing_window():
    by_key = deadline_map(compute_deadlines(parse_facts(_with("posesion", "2024-03-15", _with("events", {})))))
    assert _row(by_key["consolidation"]) == ("2024-05-14", "2024-05-15", "2024-05-14", "2024-05-16")
    assert by_key["filing"].earliest == D("2024-04-30")


# --- Properties over random valid facts ----------------------------------------------------------------------

FIXED_DATE_BASES = {"D683 art. 1", "D683 art. 2", "D683 art. 3"}


@st.composite
def valid_facts(draw):
    year = draw(st.sampled_from([2020, 2024, 2028]))
    period_start = date(year, 1, 1)
    posesion = period_start + timedelta(days=draw(st.integers(0, 90)))
    weekdays = draw(st.frozensets(st.integers(0, 6), max_size=6))
    data = {
        "entity_kind": draw(st.sampled_from(["municipio", "departamento"])),
        "period_start": period_start.isoformat(),
        "posesion": posesion.isoformat(),
        "nonworking_weekdays": sorted(weekdays),
        "events": {},
    }
    if year == 2020 and draw(st.booleans()):
        data["regime"] = "d683_2020"
        data["d683_articles"] = sorted(draw(st.frozensets(st.sampled_from(["art1", "art2"]), min_size=1)))
    events = data["events"]
    codes = draw(st.frozensets(st.sampled_from(["CAR", "CRQ", "CVC", "CORPOBOYACA"]), max_size=3))
    events["car_copies_received"] = {
        c: (posesion + timedelta(days=draw(st.integers(0, 200)))).isoformat() for c in sorted(codes)
    }
    last = posesion
    if draw(st.booleans()):
        last = last + timedelta(days=draw(st.integers(0, 120)))
        events["ctp_presented"] = last.isoformat()
    if draw(st.booleans()):
        last = last + timedelta(days=draw(st.integers(0, 150)))
        events["filed_with_corporacion"] = last.isoformat()
        if draw(st.booleans()):
            last = last + timedelta(days=draw(st.integers(0, 90)))
            events["adopted"] = last.isoformat()
    return data


@settings(max_examples=300, deadline=None)
@given(valid_facts())
def test_deadline_invariants_hold_for_any_valid_facts(data):
    facts = parse_facts(data)
    cal = BusinessCalendar(facts.nonworking_weekdays)
    deadlines = compute_deadlines(facts)
    for d in deadlines:
        assert d.earliest <= d.latest
        assert d.act_by <= d.earliest
        assert not cal.is_nonworking(d.act_by)
        assert cal.prev_business(d.earliest) == d.act_by
        assert d.overdue_from == d.latest + timedelta(days=1)
        if d.legal_basis in FIXED_DATE_BASES:
            assert d.earliest == d.latest
        else:
            assert not cal.is_nonworking(d.latest)
            # The readings differ by at most 3 days (legal-path.md §e.2); beyond that only art. 62 extends.
            day = d.earliest + timedelta(days=4)
            while day < d.latest:
                assert cal.is_nonworking(day)
                day += timedelta(days=1)
        if d.key == "car_concept":
            received = facts.car_copies_received[d.authority]
            assert d.earliest == d.latest == d.act_by
            assert cal.business_days_between(received, d.latest) == 15
        assert all(norm in d.explanation for norm in d.legal_basis.split("; "))
    keys = [d.map_key for d in deadlines]
    assert len(keys) == len(set(keys))
    assert ("ctp_concept" in keys) == (facts.ctp_presented is not None)
    assert ("corporation_decision" in keys) == (facts.filed_with_corporacion is not None)
    assert ("piscc" in keys) == (facts.adopted is not None and (
        facts.uses_d683 or (facts.period_start.year == 2020 and facts.adopted.year == 2020)))  # D683 art. 4
    assert ("executive_modifications" in keys) == ("art2" in facts.articles_in_use)
    assert {k for k in keys if k.startswith("car_concept:")} == {
        f"car_concept:{c}" for c in facts.car_copies_received
    }


@settings(max_examples=100, deadline=None)
@given(valid_facts())
def test_computation_is_deterministic_and_independent_of_input_order(data):
    first = calendar_json(data)
    reordered = copy.deepcopy(data)
    reordered["events"]["car_copies_received"] = dict(reversed(list(data["events"]["car_copies_received"].items())))
    reordered["nonworking_weekdays"] = list(reversed(data["nonworking_weekdays"]))
    assert calendar_json(reordered) == first
    assert calendar_json(copy.deepcopy(data)) == first


def test_d683_article_2_is_not_used_by_a_plan_filed_after_30_april_2020():
    """legal-path.md §c: art. 2 is for the plan filed by 30 April 2020, and art. 3's 15 July follows art. 1 or 2
    used; a plan filed on 5 May with art. 2 alone has the ordinary month (QA, 7 December 2026: it got 15 July)."""
    facts = {"entity_kind": "municipio", "period_start": "2020-01-01", "posesion": "2020-01-01", "regime": "d683_2020",
             "d683_articles": ["art2"], "events": {"filed_with_corporacion": "2020-05-05"}}
    late = {d.key: d for d in compute_deadlines(parse_facts(facts))}["corporation_decision"]
    assert late.act_by != date(2020, 7, 15) and late.latest <= date(2020, 6, 8) and "D683" not in late.legal_basis
    on_time = dict(facts, events={"filed_with_corporacion": "2020-04-30"})
    assert {d.key: d for d in compute_deadlines(parse_facts(on_time))}["corporation_decision"].act_by == \
        date(2020, 7, 15)
