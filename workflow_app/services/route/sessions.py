"""The corporation's sessions as data (issue 20): the rows of ``corporation_sessions`` read into the pure
``state_machines.corporation.sessions`` records, written by the acts that record them (the corporation's
extension, the executive's convocation), and the year's calendar for the secretary's page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from state_machines.corporation.sessions import (
    SESSION_KINDS,
    Convocation,
    Corporation,
    SessionDay,
    SessionExtension,
    SessionRecords,
    convocation_basis,
    extension_basis,
    extension_verdict,
    year_calendar,
)
from workflow_app.models import CorporationSession, Plan


class SessionDataError(ValueError):
    """The act's window or days cannot be read (the form's validation normally catches it first)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message, self.field = message, field


def corporation_of(plan: Plan) -> Corporation:
    return Corporation(plan.entity.calendar_kind, plan.entity.fiscal_category, plan.period.start_on,
                       plan.entity.special_regime)


def session_records(session: Session, entity_id: int) -> SessionRecords:
    """Every extension and convocation recorded for the entity's corporation, oldest first."""
    rows = session.scalars(select(CorporationSession).filter_by(entity_id=entity_id)
                           .order_by(CorporationSession.starts_on, CorporationSession.id)).all()
    extensions = tuple(SessionExtension(r.period_end or r.starts_on, (r.ends_on - r.starts_on).days + 1,
                                        r.recorded_on, r.reference) for r in rows if r.kind == "extension")
    convocations = tuple(Convocation(r.starts_on, r.ends_on, r.purpose, r.covers_plan, r.for_objections,
                                     r.recorded_on, r.reference) for r in rows if r.kind == "convocation")
    return SessionRecords(extensions, convocations)


def _day(value: Any, field: str) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise SessionDataError("Escriba la fecha como día/mes/año.", field) from exc


#: The states in which a convocation is for the executive's objections (L136 art. 78): the plan's, and the
#: harmonisation's acuerdo or ordenanza in Phase II.
OBJECTED_STATES = frozenset({"objected", "harm_objected"})


def convocation_of(payload: Mapping[str, Any], plan_state: str, act_on: date) -> Convocation | None:
    """The convocation an act brings; convoked while the plan (or the harmonisation's project) is objected, it is
    for the objections (L136 art. 78). ``covers_plan``: the decree submits the development plan (the route's form
    asks it; a Phase II convocation, for the budget or the harmonisation, does not)."""
    starts, ends = _day(payload.get("starts_on"), "starts_on"), _day(payload.get("ends_on"), "ends_on")
    if starts is None or ends is None:
        return None
    return Convocation(starts, ends, str(payload.get("purpose") or "").strip(), bool(payload.get("covers_plan")),
                       plan_state in OBJECTED_STATES, act_on)


def extension_days_of(payload: Mapping[str, Any]) -> int | None:
    try:
        return int(payload["extension_days"]) if payload.get("extension_days") else None
    except (TypeError, ValueError):
        return None


def record_session(session: Session, plan: Plan, effect: str, payload: Mapping[str, Any], act_on: date,
                   reference: str, source_state: str) -> tuple[date, date] | None:
    """The row of an extension or a convocation the act just recorded (its guard already checked it); the first
    and last day of an extension, or of a convocation for the plan (or its objections), are returned, for the
    plan's calendar facts."""
    if effect == "record_convocation":
        conv = convocation_of(payload, source_state, act_on)
        if conv is None:
            raise SessionDataError("Indique las fechas de inicio y fin de las sesiones extraordinarias.", "starts_on")
        session.add(CorporationSession(
            entity_id=plan.entity_id, plan_id=plan.id, kind="convocation", starts_on=conv.starts_on,
            ends_on=conv.ends_on, purpose=conv.purpose, covers_plan=conv.covers_plan,
            for_objections=conv.for_objections, recorded_on=act_on, reference=reference.strip()[:120]))
        return (conv.starts_on, conv.ends_on) if conv.covers_plan or conv.for_objections else None
    corp = corporation_of(plan)
    ok, reason, _, ext = extension_verdict(corp, session_records(session, plan.entity_id), act_on,
                                           extension_days_of(payload))
    if not ok or ext is None:
        raise SessionDataError(reason, "extension_days")
    session.add(CorporationSession(
        entity_id=plan.entity_id, plan_id=plan.id, kind="extension", starts_on=ext.starts_on, ends_on=ext.ends_on,
        period_end=ext.period_end, purpose="", covers_plan=True, for_objections=False, recorded_on=act_on,
        reference=reference.strip()[:120]))
    return ext.starts_on, ext.ends_on


@dataclass(frozen=True)
class CalendarSpan:
    first: date
    last: date
    kind: str
    label: str
    may_debate: bool
    legal_basis: str
    explanation: str


def _recorded_spans(corp: Corporation, records: SessionRecords, year: int) -> list[CalendarSpan]:
    """The extensions and convocations recorded for the corporation that touch ``year``, by their first day: what
    its secretary's page still lists when the calendar is unknown (no category; QA 7 December 2026: a recorded
    convocation appeared nowhere)."""
    out = []
    for conv in records.convocations:
        if conv.starts_on.year <= year <= conv.ends_on.year:
            kind = "convoked" if conv.covers_plan or conv.for_objections else "convoked_other"
            out.append(CalendarSpan(conv.starts_on, conv.ends_on, kind, SESSION_KINDS[kind], kind == "convoked",
                                    convocation_basis(corp.entity_kind, conv.starts_on, corp.special),
                                    f"Objeto: {conv.purpose}." if conv.purpose else "Sin objeto registrado."))
    for ext in records.extensions:
        if ext.starts_on.year <= year <= ext.ends_on.year:
            out.append(CalendarSpan(ext.starts_on, ext.ends_on, "extended", SESSION_KINDS["extended"], True,
                                    extension_basis(corp), f"Prórroga de {ext.days} días del período ordinario."))
    return sorted(out, key=lambda span: span.first)


#: The kinds of session in which a plan in force's acts before the corporation (the budget's, the harmonisation's)
#: may take place (``phase2.is_corporation_in_session``: any recorded convocation counts); the route's plan only in
#: those convoked for it (``sessions.CONVOCATION_MUST_NAME_PLAN``).
_PHASE2_VALID = ("ordinary", "extended", "convoked", "convoked_other")
_ROUTE_VALID = ("ordinary", "extended", "convoked")


def year_spans(session: Session, plan: Plan, year: int) -> tuple[list[CalendarSpan] | None, list[CalendarSpan]]:
    """The corporation's year for its secretary's page: spans of ordinary, extended, convoked sessions and
    recess, whether the plan (once in force, its budget's or harmonisation's project) may be debated in each and
    why; None when the calendar is unknown (no category), and then, second, the sessions recorded that year
    (``_recorded_spans``; empty otherwise)."""
    corp = corporation_of(plan)
    records = session_records(session, plan.entity_id)
    spans: list[SessionDay] = year_calendar(corp, records, year)
    if len(spans) == 1 and spans[0].kind == "unknown":
        return None, _recorded_spans(corp, records, year)
    in_force = plan.state == "in_force"
    valid = _PHASE2_VALID if in_force else _ROUTE_VALID
    # In force, a convocation that does not submit the plan (the budget's) is no "other matter" to this page.
    label = {**SESSION_KINDS, "convoked_other": SESSION_KINDS["convoked"]} if in_force else SESSION_KINDS
    return [CalendarSpan(s.start or s.day, s.end or s.day, s.kind, label[s.kind],
                         s.kind in valid, s.legal_basis, s.explanation)
            for s in spans], []
