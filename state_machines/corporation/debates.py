"""The corporation's two debates, as each kind of entity's law orders them (legal-path.md §b.2 T10).

- Municipio (L136 art. 73): first debate in the permanent committee, second in plenary, "en distintos días";
  the plenary considers the project "tres días después de su aprobación en la comisión". The Tribunal
  Administrativo de Boyacá reads three full common (calendar) days in between, both ends excluded: committee
  on day C, the plenary may sit from C + 4 (TAB-3d; TAB-d held 21 -> 24 June 2017 too short).
- Departamento (L2200 art. 97): "dos (2) debates celebrados en distintos días"; no minimum gap in the law
  (a reglamento interno may add one); first debate in the permanent Plan de Desarrollo committee (L2200
  art. 30), second in plenary.
- Departamento before 8 February 2022 (D1222 art. 75, as SUIN's text of Decreto 1222 de 1986 reads it): "Para
  que un proyecto sea ordenanza debe aprobarse en tres (3) debates, celebrados en tres (3) días distintos"; the
  committee's first debate, then the plenary's second and third, each on its own day (``debates_required``).

Each debate is recorded once; a repeated session is recorded as a continuation of the same debate, never as a
new one. The rules are data (``DEBATE_RULES``): a corporation whose reglamento counts business days, or adds a
gap, changes a value here, not code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from state_machines.calendar import BusinessCalendar, default_calendar, format_date_es

GAP_UNITS = ("calendar", "business")


@dataclass(frozen=True)
class DebateRule:
    """How many full days must pass between the committee's approval and the plenary, counted how."""

    min_full_days_between: int
    gap_unit: str
    legal_basis: str
    corporation: str  # for the explanation: "el Concejo" / "la Asamblea"
    explanation: str
    #: How many debates make the act (L136 art. 73 and L2200 art. 97: two; D1222 art. 75: three).
    debates_required: int = 2

    def __post_init__(self) -> None:
        if self.gap_unit not in GAP_UNITS:
            raise ValueError(f"gap_unit must be one of {GAP_UNITS}: {self.gap_unit!r}")
        if self.min_full_days_between < 0:
            raise ValueError("min_full_days_between cannot be negative")


#: L136 art. 73 and TAB-3d for concejos; L2200 art. 97 for asambleas (minimum gap 0: only different days).
DEBATE_RULES: dict[str, DebateRule] = {
    "municipio": DebateRule(
        min_full_days_between=3, gap_unit="calendar", legal_basis="L136 art. 73; TAB-3d", corporation="el Concejo",
        explanation=("la plenaria considera el proyecto tres días después de su aprobación en la comisión: deben "
                     "pasar tres días comunes completos entre uno y otro debate (L136 art. 73; TAB-3d)")),
    # Decreto-Ley 1421 de 1993 art. 22 (issue 20): Bogotá's acuerdos in two debates on different days, without
    # L136 art. 73's three days between them.
    "bogota": DebateRule(
        min_full_days_between=0, gap_unit="calendar", legal_basis="DL1421 art. 22", corporation="el Concejo",
        explanation="los dos debates se celebran en distintos días (DL1421 art. 22); no se aplica el intervalo de "
                    "tres días de la Ley 136"),
    "departamento": DebateRule(
        min_full_days_between=0, gap_unit="calendar", legal_basis="L2200 art. 97", corporation="la Asamblea",
        explanation="los dos debates se celebran en distintos días (L2200 art. 97); la ley no fija un intervalo mínimo"),
    # D1222 art. 75 (ordenanzas approved before 8 February 2022): "tres (3) debates, celebrados en tres (3) días
    # distintos"; no gap beyond the different day.
    "departamento_d1222": DebateRule(
        min_full_days_between=0, gap_unit="calendar", legal_basis="D1222 art. 75", corporation="la Asamblea",
        explanation="los tres debates se celebran en tres días distintos (D1222 art. 75); la ley no fija un "
                    "intervalo mínimo", debates_required=3),
}
#: Ley 2200 de 2022 (D.O. 51.942) replaced Decreto 1222 de 1986's ordenanza procedure from this day.
D1222_UNTIL = date(2022, 2, 8)


def debate_rule_key(entity_kind: str, special_regime: str | None, on: date | None) -> str:
    """The ``DEBATE_RULES`` key for an entity at the date ``on`` of the act (the approval; unknown: today's law):
    Bogotá's statute, the municipal law, or the departmental law in force that day (D1222 art. 75 before 8
    February 2022, L2200 art. 97 from then). Interpretation (README): the number of debates follows the law in
    force when the plan is approved, the act that makes the project an ordenanza."""
    if special_regime:
        return special_regime
    if entity_kind == "departamento" and on is not None and on < D1222_UNTIL:
        return "departamento_d1222"
    return entity_kind


def debate_rule_for(entity_kind: str, special_regime: str | None, on: date | None) -> DebateRule:
    return DEBATE_RULES[debate_rule_key(entity_kind, special_regime, on)]


#: The acts that record a debate's session.
DEBATE_TRIGGERS = frozenset({"record_committee_debate", "continue_committee_debate", "record_plenary_debate",
                             "continue_plenary_debate", "record_third_debate"})


def debate_basis(trigger: str, entity_kind: str, special_regime: str | None, on: date | None) -> str | None:
    """The norm a debate's history row cites where the corporation's own statute orders its debates: an
    Asamblea's L2200 art. 97 (D1222 art. 75 for an ordenanza approved before 8 February 2022), Bogotá's DL1421 art.
    22. None for a municipal Concejo and for other acts: the table's basis for its kind
    (``sanction.legal_basis_for``: L136 art. 73, never "L136 art. 73; L2200 art. 97", QA 7 December 2026)."""
    key = debate_rule_key(entity_kind, special_regime, on)
    if trigger not in DEBATE_TRIGGERS or key == "municipio":
        return None
    return DEBATE_RULES[key].legal_basis


@dataclass(frozen=True)
class DebateRecord:
    """The debates recorded so far: session dates of each, and the day the committee approved the project."""

    committee_sessions: tuple[date, ...] = ()
    committee_approved_on: date | None = None
    plenary_sessions: tuple[date, ...] = field(default=())
    #: L2200 art. 102: the day the project and the ponencia for each debate were published (ordenanzas).
    ponencia_committee_on: date | None = None
    ponencia_plenary_on: date | None = None
    #: D1222 art. 75: the plenary's third debate (ordenanzas approved before 8 February 2022).
    third_sessions: tuple[date, ...] = ()
    #: L136 art. 73: the day the first debate denied the project, while no reconsideration reopened it.
    committee_denied_on: date | None = None
    #: L136 art. 73: the days the denied project was taken up again ("nuevamente considerado").
    reconsidered_on: tuple[date, ...] = ()

    @property
    def has_committee_debate(self) -> bool:
        return bool(self.committee_sessions)

    @property
    def has_plenary_debate(self) -> bool:
        return bool(self.plenary_sessions)

    @property
    def has_third_debate(self) -> bool:
        return bool(self.third_sessions)

    @classmethod
    def from_data(cls, data: dict | None) -> "DebateRecord":
        """From the plan's stored ``event_dates["debates"]`` (ISO strings)."""
        data = data or {}
        approved = data.get("committee_approved")

        def day(key):
            return date.fromisoformat(data[key]) if data.get(key) else None
        def days(key):
            return tuple(date.fromisoformat(d) for d in data.get(key, ()))
        return cls(days("committee"), date.fromisoformat(approved) if approved else None, days("plenary"),
                   day("ponencia_committee"), day("ponencia_plenary"), days("third"), day("committee_denied"),
                   days("reconsidered"))


def earliest_plenary_on(committee_approved_on: date, rule: DebateRule,
                        calendar: BusinessCalendar | None = None) -> date:
    """First day the plenary may hold the second debate. Calendar days: C + N + 1 (N full days strictly between;
    with N = 0, the next day). Business days: the day after the N-th business day after C (L4-1913 art. 62)."""
    n = rule.min_full_days_between
    if rule.gap_unit == "business" and n:
        cal = calendar or default_calendar()
        return cal.add_business_days(committee_approved_on, n) + timedelta(days=1)
    return committee_approved_on + timedelta(days=n + 1)


def plenary_gap_explanation(committee_approved_on: date, rule: DebateRule,
                            calendar: BusinessCalendar | None = None) -> str:
    first = earliest_plenary_on(committee_approved_on, rule, calendar)
    return (f"Aprobado en comisión el {format_date_es(committee_approved_on, weekday=True)}: {rule.explanation}. "
            f"La plenaria puede dar el segundo debate desde el {format_date_es(first, weekday=True)}.")


def latest_committee_approval_for(decision_day: date, rule: DebateRule,
                                  calendar: BusinessCalendar | None = None) -> date:
    """The last day the committee can approve so that the plenary can still sit on ``decision_day``."""
    day = decision_day - timedelta(days=1)
    while earliest_plenary_on(day, rule, calendar) > decision_day:
        day -= timedelta(days=1)
    return day
