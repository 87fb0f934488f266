"""The independent reference scenarios of issue 20 (``reference_last_stretch.json``), worked out by hand from the
statutes, run through the legal calendar and the state machines: every bullet under the issue's "Why", on both
sides of each date boundary (8 February 2022; D683's 30 April, 15 June and 15 July 2020; the article-count
thresholds; Bogotá; the category 6 filing of Friday 28 April 2028)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from state_machines import calendar as legal_calendar
from state_machines.approval.pdt import PDT_MACHINE, PlanSnapshot, executive_ppi_change_verdict, is_archivable
from state_machines.core.machine import TransitionRefused
from state_machines.core.roles import Role
from state_machines.corporation.debates import DebateRecord, debate_rule_for, earliest_plenary_on
from state_machines.corporation.sanction import SanctionRecord
from state_machines.corporation.sessions import extraordinary_sessions_verdict, ordinary_periods

DATA = json.loads((Path(__file__).parent / "reference_last_stretch.json").read_text(encoding="utf-8"))
SCENARIOS = DATA["scenarios"]
D = date.fromisoformat
#: The issue's "Why" bullets the scenarios must all cover.
BULLETS = {"after the vote: sanction and objection terms", "publication and review", "debates in recess",
           "convocation duty", "departments before 8 February 2022", "before each debate; archive and reconsideration",
           "Bogotá", "Decreto 683"}


def by_kind(kind):
    return [pytest.param(s, id=s["id"]) for s in SCENARIOS if s["kind"] == kind]


def test_the_scenarios_cover_every_bullet_and_cite_a_norm_with_its_phrase():
    assert {s["bullet"] for s in SCENARIOS} == BULLETS
    assert all(s["norm"] and s["phrase"] for s in SCENARIOS)
    assert len({s["id"] for s in SCENARIOS}) == len(SCENARIOS)


@pytest.mark.parametrize("row", by_kind("calendar"))
def test_calendar_keys_agree_with_the_hand_worked_dates(row):
    out = {d["key"]: d for d in legal_calendar.calendar_json(row["facts"])["deadlines"]}
    if row["expect"] is None:
        assert row["key"] not in out, f"{row['norm']}: the statute writes no term"
        return
    got = out[row["key"]]
    assert {k: got[k] for k in row["expect"]} == row["expect"]


@pytest.mark.parametrize("row", by_kind("in_force"))
def test_the_day_a_published_act_binds(row):
    published = D(row["published"])
    days, basis = legal_calendar.silent_vigencia(row["entity_kind"], published)
    assert legal_calendar.in_force_on(published, row["vigencia"], None, days) == D(row["expect"])
    if row["vigencia"] == "silent" and row["entity_kind"] == "departamento":
        assert row["norm"] in basis


@pytest.mark.parametrize("row", by_kind("debates"))
def test_the_debates_each_law_asks(row):
    rule = debate_rule_for(row["entity_kind"], row["special_regime"], D(row["on"]))
    expect = row["expect"]
    assert (rule.debates_required, rule.legal_basis) == (expect["debates_required"], expect["legal_basis"])
    assert earliest_plenary_on(D(expect["committee_approved"]), rule) == D(expect["plenary_from"])


@pytest.mark.parametrize("row", by_kind("archive"))
def test_the_archive_at_the_end_of_the_sessions(row):
    on = D(row["on"])
    # approvals: 1 = the committee approved the first debate; 2 = and the plenary gave the second
    debates = DebateRecord((on,), on if row["approvals"] else None, (on,) if row["approvals"] > 1 else ())
    snapshot = PlanSnapshot(state="in_debate", entity_kind=row["entity_kind"], today=on, debates=debates)
    verdict = is_archivable(snapshot)
    assert verdict.ok == row["expect"]["archivable"]
    if not verdict.ok:
        assert verdict.legal_basis == row["expect"]["legal_basis"]


@pytest.mark.parametrize("row", by_kind("sessions"))
def test_ordinary_sessions_by_law(row):
    on = D(row["on"])
    periods, basis = ordinary_periods(row["entity_kind"], row["category"], on.year, D(row["period_start"]),
                                      row["special_regime"])
    assert any(start <= on <= end for start, end in periods) == row["expect"]["in_ordinary_sessions"]
    assert basis == row["expect"]["legal_basis"]


@pytest.mark.parametrize("row", by_kind("convocation"))
def test_the_convocation_duty_and_its_norm(row):
    cal = legal_calendar.default_calendar()
    verdict = extraordinary_sessions_verdict(row["entity_kind"], row["category"], D(row["period_start"]),
                                             D(row["filed_on"]), is_working=cal.is_business)
    assert verdict.needed == row["expect"]["needed"]
    if verdict.needed:
        assert row["expect"]["legal_basis_contains"] in verdict.legal_basis


def _snapshot(row) -> PlanSnapshot:
    data = dict(row["snapshot"])
    deadlines = {}
    if row.get("facts"):
        deadlines = legal_calendar.deadline_map(legal_calendar.compute_deadlines(legal_calendar.parse_facts(row["facts"])))
    return PlanSnapshot(
        state=data["state"], entity_kind=data["entity_kind"], today=D(data["today"]),
        regime=data.get("regime", "ordinary"), d683_articles=frozenset(data.get("d683_articles", ())),
        deadlines=deadlines, filed_on=D(data["filed_on"]) if data.get("filed_on") else None,
        approved_on=D(data["approved_on"]) if data.get("approved_on") else None,
        debates=DebateRecord.from_data(data.get("debates")), sanction=SanctionRecord.from_data(data.get("sanction")),
        corporation_voted_down=True, has_evidence=True)


@pytest.mark.parametrize("row", by_kind("machine"))
def test_the_route_acts_by_date(row):
    snapshot, expect = _snapshot(row), row["expect"]
    if row["trigger"] == "executive_ppi_change":
        verdict = executive_ppi_change_verdict(snapshot)
        assert verdict.ok == expect["ok"] and (verdict.ok or verdict.legal_basis == expect["legal_basis"])
        return
    try:
        outcome = PDT_MACHINE.fire(snapshot, row["trigger"], Role(row["role"]))
    except TransitionRefused as refused:
        assert not expect["ok"], refused.reason
        assert refused.legal_basis == expect["legal_basis"]
    else:
        assert expect["ok"] and outcome.dest == expect["dest"]
