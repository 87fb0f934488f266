"""¿Qué pasa si…?: a plan's legal calendar for hypothetical dates, computed by the same functions as the real
one (``state_machines.calendar.compute_deadlines``, the session calendar, the debate rule, ``in_force_on``).
Nothing is written."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from state_machines import calendar as legal_calendar
from state_machines.approval.route import route_order_problems
from state_machines.core.wording import localize
from state_machines.corporation.debates import debate_rule_for, latest_committee_approval_for, plenary_gap_explanation
from state_machines.corporation.sessions import SessionsVerdict, extraordinary_sessions_verdict
from workflow_app.models import Plan, jurisdictions_of
from workflow_app.services.route.plans import period_facts, recorded_extensions, special_regime_of


@dataclass(frozen=True)
class WhatIf:
    deadlines: list = field(default_factory=list)
    sessions: SessionsVerdict | None = None
    committee_text: str = ""
    plenary_text: str = ""
    in_force_text: str = ""
    error_field: str | None = None
    error: str = ""
    errors: tuple[tuple[str, str], ...] = ()  # every (field, reason) found, shown at once


def plan_what_if_defaults(plan: Plan) -> dict:
    """The form's starting values: the plan's own known dates."""
    dates = plan.event_dates or {}
    cars = [p.data.get("received_on") for p in plan.procedures if p.machine == "car_review" and p.data]
    debates = dates.get("debates") or {}

    def day(value):
        return date.fromisoformat(value) if value else None
    return {"posesion": plan.posesion_day, "ctp_presented": day(dates.get("ctp_presented")),
            "car_copy_received": day(next((c for c in cars if c), None)),
            "filed_with_corporacion": day(dates.get("filed_with_corporacion")),
            "committee_approved": day(debates.get("committee_approved")), "published": day(dates.get("published")),
            "vigencia": dates.get("vigencia") or "on_publication",
            "in_force_declared": day(dates.get("in_force_declared"))}


FIELD_OF_FACT = {"posesion": "posesion", "events.ctp_presented": "ctp_presented",
                 "events.filed_with_corporacion": "filed_with_corporacion", "fiscal_category": "fiscal_category",
                 "vigencia": "vigencia", "in_force_declared": "in_force_declared"}


def what_if(plan: Plan, command) -> WhatIf:
    order = route_order_problems({name: getattr(command, name) for name in (
        "posesion", "ctp_presented", "car_copy_received", "filed_with_corporacion", "committee_approved",
        "published")})
    # The plan's settings refuse a posesión outside the period's first year (AL02; L152 art. 39): so does this page.
    outside = command.posesion and legal_calendar.posesion_refusal(command.posesion, plan.period.start_on)
    if order or outside:  # the route refuses these orders (state_machines.approval.route.ROUTE_ORDER): no calendar
        order = [*([("posesion", outside)] if outside else []),
                 *((name, localize(message, plan.entity.wording)) for name, message in order)]
        return WhatIf(error_field=order[0][0], error=" ".join(message for _, message in order), errors=tuple(order))
    facts = period_facts(plan)
    facts["events"] = {}
    if command.posesion:
        facts["posesion"] = command.posesion.isoformat()
    if command.ctp_presented:
        facts["events"]["ctp_presented"] = command.ctp_presented.isoformat()
    if command.car_copy_received:
        codes = sorted({p.subject for p in plan.procedures if p.machine == "car_review"}
                       or {j.authority_code for j in jurisdictions_of(plan.entity)}) or ["CAR"]
        facts["events"]["car_copies_received"] = {c: command.car_copy_received.isoformat() for c in codes}
    if command.filed_with_corporacion:
        facts["events"]["filed_with_corporacion"] = command.filed_with_corporacion.isoformat()
    if command.fiscal_category:
        facts["fiscal_category"] = command.fiscal_category
    try:
        parsed = legal_calendar.parse_facts(facts)
        deadlines = legal_calendar.compute_deadlines(parsed)
    except legal_calendar.FactsError as exc:
        field_name = next((v for k, v in FIELD_OF_FACT.items() if exc.field.startswith(k)), None)
        if exc.field.startswith("events.car_copies_received"):
            field_name = "car_copy_received"
        return WhatIf(error_field=field_name, error=exc.message)
    kind = plan.entity.calendar_kind
    # Bogotá's statute (DL1421 art. 22) or the entity's law on the day asked about (D1222 art. 75 before 8 Feb 2022).
    special = special_regime_of(plan)
    rule = debate_rule_for(kind, special, command.committee_approved or command.filed_with_corporacion)
    committee = plenary = in_force = ""
    sessions = None
    if command.filed_with_corporacion:
        sessions = extraordinary_sessions_verdict(kind, parsed.fiscal_category, parsed.period_start,
                                                  command.filed_with_corporacion,
                                                  is_working=legal_calendar.default_calendar(
                                                      plan.entity.weekdays).is_business,
                                                  special=special, extensions=recorded_extensions(plan))
        decision = next((d for d in deadlines if d.key == "corporation_decision"), None)
        if decision is not None:
            last = latest_committee_approval_for(decision.act_by, rule)
            committee = (f"Para que la plenaria alcance a decidir a más tardar el "
                         f"{legal_calendar.format_date_es(decision.act_by, weekday=True)}, la comisión debe aprobar "
                         f"el proyecto a más tardar el {legal_calendar.format_date_es(last, weekday=True)} "
                         f"({rule.legal_basis}).")
    if command.committee_approved:
        plenary = plenary_gap_explanation(command.committee_approved, rule)
    if command.published:
        try:
            in_force = legal_calendar.in_force_explanation(
                command.published, command.vigencia, command.in_force_declared,
                legal_calendar.silent_vigencia(kind, command.published)[0],
                legal_calendar.in_force_basis(kind, command.published, special))
        except legal_calendar.FactsError as exc:
            return WhatIf(error_field=FIELD_OF_FACT.get(exc.field), error=exc.message)
    return WhatIf(deadlines, sessions, committee, plenary, in_force)
