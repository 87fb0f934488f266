"""What the survey's figures give away by subtraction (survey.withheld_cells): for random small sets of answers and
every query the open API takes (each range of months, the country, each region, each department), no sum of one or
two answers and no withheld cell comes out of any linear combination of the published (count, mean) pairs; and the
results page of a viewer who may see some entities adds to the API nothing but those entities' answers.

A published mean over a set S of answers, with its count, gives the sum over S: the test keeps, for the answers'
scores and for each aspect's ratings, the sets whose sums are published, and asks whether a set's indicator lies in
their span (exact arithmetic modulo a prime larger than any minor of a 0/1 matrix of this size)."""
from __future__ import annotations

from datetime import date
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflow_app.models import SURVEY_ASPECTS
from workflow_app.services.followup import survey
from workflow_app.services.followup.survey import Answer, aggregate

PRIME = 2**61 - 1
#: Three regions, one with a single department: the tree the API's filters cut (DANE codes are real, names short).
LAYOUT = {"08": "Caribe", "70": "Caribe", "63": "Eje Cafetero y Antioquia", "05": "Eje Cafetero y Antioquia",
          "17": "Eje Cafetero y Antioquia", "76": "Pacífico"}
MONTHS = (date(2028, 1, 1), date(2028, 2, 1), date(2028, 3, 1))
SPACES = ("", *SURVEY_ASPECTS)  # "": the answers' scores (and the dissatisfied share, over the same sets)


class Span:
    """The span of 0/1 vectors over answer ids, in echelon form modulo PRIME."""

    def __init__(self, ids: list[int]):
        self.ids = ids
        self.rows: dict[int, list[int]] = {}  # pivot column -> row with 1 there

    def _reduce(self, vector: list[int]) -> list[int]:
        v = list(vector)
        for col, row in self.rows.items():
            if v[col]:
                factor = v[col]
                v = [(x - factor * y) % PRIME for x, y in zip(v, row)]
        return v

    def add(self, members) -> None:
        v = self._reduce([1 if i in members else 0 for i in self.ids])
        col = next((c for c, x in enumerate(v) if x), None)
        if col is None:
            return
        inverse = pow(v[col], PRIME - 2, PRIME)
        v = [x * inverse % PRIME for x in v]
        for other, row in self.rows.items():  # keep the form reduced, so that _reduce needs one pass
            if row[col]:
                factor = row[col]
                self.rows[other] = [(x - factor * y) % PRIME for x, y in zip(row, v)]
        self.rows[col] = v

    def holds(self, members) -> bool:
        return not any(self._reduce([1 if i in members else 0 for i in self.ids]))


@st.composite
def answer_sets(draw):
    entities = draw(st.lists(st.sampled_from(sorted(LAYOUT)), min_size=2, max_size=11))
    rating = st.one_of(st.none(), st.integers(1, 5))
    answers = []
    for entity_id, department in enumerate(entities, start=1):
        for month in MONTHS:
            if not draw(st.integers(0, 3)):  # three entities in four answer a month
                continue
            ratings = draw(st.tuples(*(rating for _ in SURVEY_ASPECTS)).filter(lambda r: any(r)))
            rated = {k: v for k, v in zip(SURVEY_ASPECTS, ratings) if v is not None}
            answers.append(Answer(entity_id, month, department, department, LAYOUT[department],
                                  sum(rated.values()) / len(rated), rated))
    return answers


def queries():
    """Every query the API takes: a range of months and the country, a region or a department."""
    areas = [(None, None), *((r, None) for r in sorted(set(LAYOUT.values()))), *((None, d) for d in sorted(LAYOUT))]
    for i, first in enumerate(MONTHS):
        for last in MONTHS[i:]:
            for region, department in areas:
                yield first, last, region, department


def published(answers, known=frozenset()):
    """Space -> the sets of answer ids (list index) whose sums the figures of every query give, and the cells the
    public API withholds as (space, set) pairs."""
    ids = {id(a): n for n, a in enumerate(answers)}
    sums: dict[str, list[frozenset[int]]] = {space: [] for space in SPACES}
    withheld: list[frozenset[int]] = []

    def cell(members, average, why):
        if not members:
            return
        scored = frozenset(ids[id(a)] for a in members)
        if average is None:
            assert why, "a figure without a value says why"
            withheld.append(scored)
            return
        assert not why
        sums[""].append(scored)
        for key in SURVEY_ASPECTS:
            sums[key].append(frozenset(ids[id(a)] for a in members if key in a.aspects))

    for first, last, region, department in queries():
        scope = [a for a in answers if first <= a.month <= last]
        res = aggregate(scope, region, department, known)
        area = [a for a in scope if (region is None or a.region == region)
                and (department is None or a.department == department)]
        for m in res.months:
            its = [a for a in area if a.month.isoformat() == m.key]
            cell(its, m.average, m.withheld)
            assert (m.average is None) == (m.dissatisfied_per_100 is None)
            assert all((value is None) == (m.average is None) for value in m.aspects.values())
        for previous, m in zip(res.months, res.months[1:]):  # a variation is the difference of two shown months
            assert m.variation is None or None not in (previous.average, m.average)
        for row in res.aspects:
            rated = [a for a in area if row.key in a.aspects]
            if row.average is not None:
                sums[row.key].append(frozenset(ids[id(a)] for a in rated))
            elif rated:
                assert row.withheld
        for g in res.regions:
            cell([a for a in area if a.region == g.key], g.average, g.withheld)
        for g in res.departments:
            cell([a for a in area if a.department == g.key], g.average, g.withheld)
    return sums, withheld


def span_of(answers, sets, known=frozenset()):
    span = Span(list(range(len(answers))))
    for members in sets:
        span.add(members)
    for n, a in enumerate(answers):  # what the viewer knows answer by answer
        if a.entity_id in known:
            span.add({n})
    return span


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answer_sets())
def test_no_combination_of_published_figures_gives_a_withheld_cell_or_one_or_two_answers(answers):
    sums, withheld = published(answers)
    k = survey.API_MIN_ANSWERS
    for space in SPACES:
        span = span_of(answers, sums[space])
        members = [n for n, a in enumerate(answers) if not space or space in a.aspects]
        for size in range(1, k):
            for few in combinations(members, size):
                assert not span.holds(set(few)), (space, [answers[n] for n in few])
        if not space:
            for cell in withheld:
                assert not span.holds(cell), [answers[n] for n in cell]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answer_sets(), seen=st.sets(st.integers(1, 11)))
def test_the_results_page_adds_to_the_api_only_the_answers_its_viewer_may_see(answers, seen):
    public, _ = published(answers)
    page, _ = published(answers, frozenset(seen))
    for space in SPACES:
        span = span_of(answers, public[space], seen)
        for members in page[space]:
            assert span.holds(members), (space, [answers[n] for n in members])


def test_the_testers_february_and_march_give_nothing_by_subtraction():
    """QA: over February and March 2028 the API showed «Cumplimiento de objetivos» 4,0 over 7 answers, February
    4,2 over 5 and March withheld with 2: 7 × 4,0 − 5 × 4,2 = 7, March's two answers (4 and 3)."""
    feb, mar = date(2028, 2, 1), date(2028, 3, 1)

    def answer(entity_id, month, department, objectives, *rest):
        ratings = dict(zip(SURVEY_ASPECTS, (objectives, *rest)))
        return Answer(entity_id, month, department, department, LAYOUT[department],
                      sum(ratings.values()) / len(ratings), ratings)

    answers = [answer(1, feb, "63", 4, 5, 5, 4, 4), answer(2, feb, "63", 4, 3, 4, 4, 3), answer(3, feb, "63", 3, 3, 4, 3),
               answer(4, feb, "70", 5, 4, 5, 4, 4), answer(5, feb, "63", 5, 4, 5, 5, 5),
               answer(2, mar, "63", 4, 4, 4, 4, 4), answer(3, mar, "63", 3, 3, 4, 3, 3)]
    api = survey.api_aggregates(aggregate(answers))
    february, march = api["meses"]
    assert (february["respuestas"], february["aspectos"]["objectives"]) == (5, 4.2)
    assert (march["respuestas"], march["promedio"], march["aspectos"], march["reservado"]) == (2, None, {}, True)
    assert "Menos de 3 respuestas" in march["motivo_reserva"]
    objectives = next(a for a in api["aspectos"] if a["aspecto"] == "objectives")
    assert (objectives["respuestas"], objectives["promedio"], objectives["reservado"]) == (7, None, True)
    assert "En algún mes del período" in objectives["motivo_reserva"]
    # Every figure over the two months is withheld: each, minus February's, would be March's.
    assert all(g["promedio"] is None for g in api["regiones"] + api["departamentos"] + api["aspectos"])
    # February alone: Sucre's one answer is withheld, and so is the region that holds all the others, else the
    # country's February minus it would give Sucre's.
    alone = survey.api_aggregates(aggregate([a for a in answers if a.month == feb]))
    assert alone["meses"][0]["promedio"] is not None and alone["meses"][0]["aspectos"]["objectives"] == 4.2
    assert [(g["nombre"], g["reservado"]) for g in alone["regiones"]] == [
        ("Caribe", True), ("Eje Cafetero y Antioquia", True)]
    sums, withheld = published(answers)
    span = span_of(answers, sums["objectives"])
    assert not span.holds({5, 6})  # March's two answers
