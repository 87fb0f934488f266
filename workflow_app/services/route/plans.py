"""Apply a legal act to a stored plan: authorise, ask the machine, persist, audit, notify, commit once.

The same function serves a person's form, the JSON API and the background sweep (as ``Role.SISTEMA``), so
automatic legal effects leave the same history row as any human act.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any, Mapping

from flask import current_app
from sqlalchemy import Date, bindparam, cast, func, select
from sqlalchemy.orm import Session, joinedload, object_session, scoped_session
from sqlalchemy.orm.exc import StaleDataError

from state_machines import calendar as legal_calendar
from state_machines.approval.basis import route_act_basis
from state_machines.approval.concepts import (
    CTP_SOURCE,
    Answer,
    ConceptContent,
    RecommendationRef,
    answers_from_data,
    concept_from_data,
    recommendations_of,
)
from state_machines.approval.pdt import (
    FILED_STATES,
    PDT_MACHINE,
    SESSION_GUARDED_TRIGGERS,
    PlanSnapshot,
    act_after_period,
    executive_ppi_change_verdict,
    has_no_car_inside_term,
    ponencia_order_problem,
    ppi_change_verdict,
)
from state_machines.approval.regimes import BUILTIN_REGIMES, ORDINARY, ExceptionalRegime
from state_machines.approval.route import (
    DUTIES,
    FACT_OF_TRIGGER,
    FACTS_CLEARED_BY,
    LINKED_SUBTRIGGERS,
    PAYLOAD_FACTS,
    PUBLIC_BY_LAW,
    duty_for,
    more_facts_of,
    withholding_refusal,
)
from state_machines.approval.submachines import (
    SUBMACHINES,
    AmendmentSnapshot,
    CarReviewSnapshot,
    CtpFormationSnapshot,
    CtpReviewSnapshot,
    HearingSnapshot,
    hearing_date_problem,
)
from state_machines.core.dates import parse_hour
from state_machines.core.machine import LegalMachine, Outcome, TransitionRefused, Verdict
from state_machines.core.roles import Role
from state_machines.core.wording import DOCUMENT_TITLES, localize, localize_basis
from state_machines.corporation.debates import DebateRecord
from state_machines.corporation.sanction import SanctionRecord
from state_machines.corporation.sessions import (
    SessionRecords,
    SessionsVerdict,
    extraordinary_sessions_verdict,
)
from state_machines.phase2 import (
    PHASE2_MACHINES,
    SESSION_TRIGGERS,
    phase2_act_date_problem,
    phase2_session_basis,
    phase2_title,
)
from workflow_app.history import seal
from workflow_app.infra.extensions import db
from workflow_app.models import (
    PLAN_GRAPH,  # noqa: F401 (re-exported: pages import it from here)
    Document,
    Plan,
    PlanEvent,
    PpiVersion,
    Procedure,
    Regime,
    User,
    authority_codes_of,
)
from workflow_app.services.cycle.reference_cache import load_act_plan
from workflow_app.services.events import act_recorded
from workflow_app.services.phase2.procedures import (
    apply_phase2_effect,
    in_force_day,
    is_phase2,
    open_phase2,
    phase2_context,
    phase2_snapshot,
)
from workflow_app.services.route.act_writes import write_act
from workflow_app.services.route.documents import (
    DocumentConflict,
    DocumentRejected,
    PendingEvidence,
    Upload,
    document_values,
    record_document,
    recorded,
)
from workflow_app.services.route.ppi import freeze_ppi
from workflow_app.services.route.sessions import (
    SessionDataError,
    convocation_of,
    extension_days_of,
    record_session,
    session_records,
)

CONFLICT_MESSAGE = "Otra persona actualizó este plan mientras usted trabajaba; recargue la página e intente de nuevo."


class ActError(Exception):
    """Base of the refusals a person sees; ``status`` is the HTTP status the web layer answers with."""

    status = 409

    def __init__(self, message: str, legal_basis: str = "", field: str | None = None):
        super().__init__(message)
        self.message, self.legal_basis, self.field = message, legal_basis, field


class ActRefused(ActError):
    """The law does not allow this act now (wrong state, guard failed)."""


class ActForbidden(ActError):
    status = 403


class ActInvalid(ActError):
    status = 422


class PlanConflict(ActError):
    """Someone else changed the plan since the page was loaded: nothing was written."""

    def __init__(self):
        super().__init__(CONFLICT_MESSAGE)


@dataclass(frozen=True)
class ActCommand:
    """One legal act, as a valid form (or the sweep) describes it."""

    trigger: str
    machine: str = "pdt_approval"
    subject: str | None = None  # the sub-procedure (CAR code, amendment or hearing number)
    act_on: date | None = None  # the act's legal date; defaults to today
    reference: str = ""  # radicado, acta, decree or acuerdo number
    notes: str = ""
    evidence: Upload | None = None
    evidence_title: str = ""
    # None: as the law says (public for PUBLIC_BY_LAW acts, L1712 art. 9); False withholds it, with a reason
    # for those acts (L1712 arts. 18-19).
    evidence_is_public: bool | None = None
    evidence_withheld_reason: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)
    legal_review_note: str = ""  # T7: justification of a late filing
    car_wait_reason: str = ""  # T6: why the plan is adjusted while a CAR is inside its term


def _is_public(command: ActCommand) -> bool:
    if command.evidence_is_public is None:
        return command.trigger in PUBLIC_BY_LAW
    return command.evidence_is_public


def machine_named(name: str) -> LegalMachine:
    if name == PDT_MACHINE.name:
        return PDT_MACHINE
    return PHASE2_MACHINES[name] if name in PHASE2_MACHINES else SUBMACHINES[name]


def period_facts(plan: Plan, extra_dates: Mapping[str, str] | None = None) -> dict:
    """The calendar facts of a plan (calendar-contract.md input), from its row and its CAR procedures."""
    dates = dict(plan.event_dates or {})
    dates.update(extra_dates or {})
    cars = {p.subject: p.data["received_on"] for p in plan.procedures
            if p.machine == "car_review" and p.data.get("received_on")}
    events: dict[str, Any] = {k: v for k, v in dates.items()
                              if k in legal_calendar.EVENT_KEYS and k != "car_copies_received"}
    cars.update(dates.get("car_copies_received", {}))
    if cars:
        events["car_copies_received"] = cars
    facts = {
        "entity_kind": plan.entity.calendar_kind,
        "period_start": plan.period.start_on.isoformat(),
        "posesion": plan.posesion_day.isoformat(),
        "nonworking_weekdays": plan.entity.weekdays,
        "regime": plan.regime,
        "events": events,
    }
    if plan.regime != ORDINARY:
        facts["d683_articles"] = list(plan.d683_articles or [])
    category = getattr(plan.entity, "fiscal_category", None)
    if category:
        facts["fiscal_category"] = category
    articles = (dates.get("sanction") or {}).get("articles")
    if articles:
        facts["article_count"] = int(articles)
    if special_regime_of(plan):
        facts["special_regime"] = special_regime_of(plan)
    return facts


def special_regime_of(plan: Plan) -> str | None:
    """Bogotá's Concejo follows Decreto-Ley 1421 de 1993 (arts. 10, 22), not L136 (``Entity.special_regime``)."""
    return getattr(plan.entity, "special_regime", None)


#: Regime rows change only when a new decree is loaded; a process re-reads them after this many seconds.
REGIME_CACHE_SECONDS = 300
_regime_cache: dict[str, tuple[float, ExceptionalRegime | None]] = {}


def regime_rules(code: str) -> ExceptionalRegime | None:
    """The parameters of an exceptional regime, from its row of the ``regimes`` table (data, not code); None for
    the ordinary regime. Unknown codes fall back to the calendar's built-ins (the row is the truth when present)."""
    if not code or code == ORDINARY:
        return None
    cached = _regime_cache.get(code)
    if cached is not None and time.monotonic() - cached[0] < REGIME_CACHE_SECONDS:
        return cached[1]
    row = db.session.get(Regime, code)
    rules = row.calendar_rules() if row is not None else BUILTIN_REGIMES.get(code)
    _regime_cache[code] = (time.monotonic(), rules)
    return rules


def clear_regime_cache() -> None:
    _regime_cache.clear()


def deadlines_for(plan: Plan, extra_dates: Mapping[str, str] | None = None) -> list[legal_calendar.Deadline]:
    """The plan's legal calendar. Memoised by its facts: the calendar is a pure function of them
    (calendar-contract.md), an act computes it twice (its guards, then its notices) and a page or a sweep
    computes the same facts again until the next act changes them."""
    facts_json = json.dumps(period_facts(plan, extra_dates), sort_keys=True)
    return list(_deadlines_of_facts(facts_json, regime_rules(plan.regime)))


@lru_cache(maxsize=100_000)
def _deadlines_of_facts(facts_json: str, rules: ExceptionalRegime | None = None
                        ) -> tuple[legal_calendar.Deadline, ...]:
    regimes = {rules.code: rules} if rules is not None else None
    return tuple(legal_calendar.compute_deadlines(legal_calendar.parse_facts(json.loads(facts_json), regimes)))


def regime_stamp(code: str) -> str:
    """What the calendar reads of a regime (``regime_rules``), as text that is the same in every process: for the
    keys of the page parts kept by plan version (the rows change with a decree, not with an act)."""
    rules = regime_rules(code)
    if rules is None:
        return code or ""
    return json.dumps([rules.code, rules.name, rules.norm, rules.period_start.isoformat(), rules.articles,
                       rules.to_data()], sort_keys=True)


def clear_deadline_memo() -> None:
    """As in a freshly started process (bench/sweep.py's cold run)."""
    _deadlines_of_facts.cache_clear()


def plan_snapshot(plan: Plan, today: date, command: ActCommand | None = None,
                  deadlines: Mapping[str, Any] | None = None, form_supplies: bool = False) -> PlanSnapshot:
    """``form_supplies``: for listing what may be done, assume the act's form brings what only it can bring
    (evidence, a late-filing note, a reason to go on without a CAR, the vote record); sending it checks again."""
    command = command or ActCommand(trigger="")
    procs = plan.procedures
    if deadlines is None:
        deadlines = legal_calendar.deadline_map(deadlines_for(plan))
    amendments = tuple(AmendmentSnapshot(id=p.subject, state=p.state, authors=tuple(p.data.get("authors", ())))
                       for p in procs if p.machine == "amendment")
    ctp = next((p for p in procs if p.machine == "ctp_review"), None)
    recommendations = plan_recommendations(plan)
    if form_supplies:
        answers = {r.key: Answer("aceptada", "—") for r in recommendations}
        concept = ConceptContent("favorable")
    else:
        answers = answers_from_data(command.payload.get("answers"))
        concept = concept_of_command(command)
    sanction = SanctionRecord.from_data((plan.event_dates or {}).get("sanction"))
    return PlanSnapshot(
        state=plan.state, entity_kind=plan.entity.calendar_kind, today=today, regime=plan.regime,
        d683_articles=frozenset(plan.d683_articles or []), deadlines=deadlines,
        regime_rules=regime_rules(plan.regime),
        car_reviews={p.subject: p.state for p in procs if p.machine == "car_review"},
        ctp_review_state=ctp.state if ctp else None,
        amendments=amendments,
        hearings=tuple(p.state for p in procs if p.machine == "hearing"),
        # Read only for the filing itself, or its form (``pdt.is_without_ppi``): no other act or page pays for it.
        has_ppi=_has_ppi(plan) if plan.state == "adjusting" and (
            form_supplies or (command is not None and command.trigger == "file_with_corporacion")) else None,
        has_legal_review_note=form_supplies or bool(command.legal_review_note.strip()),
        has_evidence=form_supplies or command.evidence is not None,
        has_acceptance_for=frozenset(p.subject for p in procs
                                     if p.machine == "amendment" and p.data.get("accepted_in_writing")),
        car_wait_justified=form_supplies or bool(command.car_wait_reason.strip()),
        corporation_voted_down=form_supplies or bool(command.payload.get("voted_down")),
        act_on=command.act_on, concept=concept, recommendations=recommendations, answers=answers,
        debates=DebateRecord.from_data((plan.event_dates or {}).get("debates")),
        in_force_on=legal_calendar.in_force_of_dates(plan.event_dates or {}),
        posesion_on=plan.posesion_day,
        sanction=sanction,
        objection_grounds=(frozenset({"ilegalidad"}) if form_supplies
                           else frozenset(command.payload.get("grounds") or ())),
        # Listing: the remitted project's count where recorded (its term is the one shown), else any count.
        article_count=(sanction.articles or 1) if form_supplies else _article_count(command),
        governor_review="ajustado" if form_supplies else command.payload.get("governor_review"),
        decision_votes=None if form_supplies else _count(command.payload.get("decision_votes")),
        corporation_members=None if form_supplies else _count(command.payload.get("corporation_members")),
        approved_on=approved_on(plan),
        filed_on=_day_of(plan, "filed_with_corporacion"),
        special_regime=special_regime_of(plan),
        # Sessions as data (issue 20); listing what may be done leaves the session guards to the act's form.
        fiscal_category=plan.entity.fiscal_category,
        period_start=plan.period.start_on, listing=form_supplies,
        session_records=_session_records(plan, command, form_supplies),
        convocation=_convocation(command, plan, today),
        extension_days=extension_days_of(command.payload),
    )


def _has_ppi(plan: Plan) -> bool:
    """A version of the plan's investment plan is registered (``pdt.is_without_ppi``: a flag at filing)."""
    return object_session(plan).scalar(select(PpiVersion.id).where(PpiVersion.plan_id == plan.id).limit(1)) is not None


def _session_records(plan: Plan, command: ActCommand, form_supplies: bool) -> SessionRecords:
    """The corporation's recorded extensions and convocations, read only for the acts whose guards use them, and
    only where the calendar is known (a municipio without category asserts nothing: L136 art. 23)."""
    if form_supplies or command.trigger not in SESSION_GUARDED_TRIGGERS:
        return SessionRecords()
    entity = plan.entity
    if entity.calendar_kind == "municipio" and not entity.fiscal_category and not entity.special_regime:
        return SessionRecords()
    return session_records(db.session, plan.entity_id)


def _convocation(command: ActCommand, plan: Plan, today: date):
    try:
        return convocation_of(command.payload, plan.state, command.act_on or today)
    except SessionDataError as exc:
        raise ActInvalid(exc.message, field=exc.field) from exc


def executive_change_verdict(plan: Plan, today: date) -> Verdict:
    """D683 art. 2: may the executive change the filed PPI itself today (``pdt.executive_ppi_change_verdict``)?"""
    return executive_ppi_change_verdict(plan_snapshot(plan, today))


def ppi_frozen_verdict(plan: Plan, today: date) -> Verdict:
    """Why the PPI cannot be changed freely now (L152 arts. 40, 45), unless D683 art. 2 lets the executive."""
    verdict = ppi_change_verdict(plan.state)
    if not verdict.ok and plan.state in FILED_STATES:
        executive = executive_change_verdict(plan, today)
        if executive.ok:
            return executive
    return verdict


def _day_of(plan: Plan, key: str) -> date | None:
    value = (plan.event_dates or {}).get(key)
    return date.fromisoformat(value) if value else None


def _payload_facts(command: ActCommand, act_on: date, today: date) -> dict[str, str]:
    """The dates the act's form states as facts (``route.PAYLOAD_FACTS``), each on or after the act and not after
    today (refused otherwise, with the field named)."""
    out = {}
    for key, fact in PAYLOAD_FACTS.get(command.trigger, ()):
        value = command.payload.get(key)
        if not value:
            continue
        day = _payload_day(value, key)
        if day < act_on or day > today:
            raise ActInvalid("La fecha de recibo no puede ser anterior al acto ni posterior a hoy.", field=key)
        out[fact] = day.isoformat()
    return out


def _payload_day(value: Any, field: str, basis: str = "") -> date:
    """A date the act's payload brings (a form's ``date``, an API's ISO text); an unreadable one is refused on
    ``field``."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ActInvalid("Escriba la fecha como día/mes/año.", basis, field=field) from None


def _count(value: Any) -> int | None:
    """A whole number the act's payload brings (a form's integer, an API's text), else None."""
    if isinstance(value, bool):
        return None
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _article_count(command: ActCommand) -> int | None:
    return _count(command.payload.get("article_count") or command.payload.get("articles_sent")) or None


def approved_on(plan: Plan) -> date | None:
    value = (plan.event_dates or {}).get("approved")
    return date.fromisoformat(value) if value else None


def concept_of_command(command: ActCommand) -> ConceptContent | None:
    """The concept an act brings (``concept`` = its sense, ``recommendations``, ``parts``), if any."""
    payload = command.payload
    if not payload.get("concept"):
        return None
    return ConceptContent(str(payload["concept"]), tuple(payload.get("recommendations") or ()),
                          tuple(payload.get("parts") or ()))


def plan_concepts(plan: Plan) -> list[tuple[str, ConceptContent, Procedure]]:
    """The concepts on file: the CTP's (its review) and each environmental authority's, as (source, content)."""
    out = []
    for proc in plan.procedures:
        if proc.machine not in ("ctp_review", "car_review"):
            continue
        concept = concept_from_data(proc.data or {})
        if concept is not None:
            out.append((CTP_SOURCE if proc.machine == "ctp_review" else proc.subject, concept, proc))
    return sorted(out, key=lambda item: (item[0] != CTP_SOURCE, item[0]))


def plan_recommendations(plan: Plan) -> tuple[RecommendationRef, ...]:
    """Every recommendation to answer when the concepts are considered (T6), numbered within its concept."""
    return recommendations_of((source, concept) for source, concept, _ in plan_concepts(plan))


def sub_snapshot(proc: Procedure, plan: Plan, today: date, deadlines: Mapping[str, Any], has_evidence: bool,
                 command: ActCommand | None = None):
    """``command``: the act being fired (its content); None when listing what may be done, where the act's form
    is assumed to bring what only it can bring (as ``has_evidence``)."""
    if is_phase2(proc.machine):
        # Phase II reads its own terms (phase-ii.md §2), not the approval route's. An act without a date is
        # today's (as ``apply_act`` records it); only a listing has none.
        try:
            return phase2_snapshot(db.session, proc, plan, today, phase2_context(db.session, plan).deadlines,
                                   has_evidence, (command.act_on or today) if command is not None else None,
                                   command.trigger if command is not None else None,
                                   command.payload if command is not None else None)
        except SessionDataError as exc:
            raise ActInvalid(exc.message, field=exc.field) from exc
    if proc.machine == "car_review":
        concept = ConceptContent("favorable") if command is None else concept_of_command(command)
        return CarReviewSnapshot(state=proc.state, today=today, authority_code=proc.subject,
                                 deadline=deadlines.get(f"car_concept:{proc.subject}"), has_evidence=has_evidence,
                                 concept=concept)
    if proc.machine == "ctp_review":
        return CtpReviewSnapshot(state=proc.state, today=today, deadline=deadlines.get("ctp_concept"),
                                 has_evidence=has_evidence)
    if proc.machine == "amendment":
        return AmendmentSnapshot(id=proc.subject, state=proc.state, authors=tuple(proc.data.get("authors", ())),
                                 has_evidence=has_evidence)
    if proc.machine == "hearing":
        scheduled = proc.data.get("scheduled_on")
        return HearingSnapshot(state=proc.state, today=today, has_evidence=has_evidence,
                               scheduled_on=date.fromisoformat(scheduled) if scheduled else None)
    return CtpFormationSnapshot(state=proc.state, entity_kind=plan.entity.calendar_kind, has_evidence=has_evidence,
                                has_municipal_representatives=bool(proc.data.get("has_municipal_representatives")))


def flags_if_recorded(plan: Plan, trigger: str, today: date) -> tuple[str, ...]:
    """The compliance flags (``flag:*`` effects, e.g. «Radicado sin audiencia pública», L1909 art. 22) that the
    route's act ``trigger`` would leave on the plan if recorded today: its form says so before, not only the plan
    page after (QA, 7 December 2026)."""
    row = PDT_MACHINE.row(plan.state, trigger)
    if row is None or not any(e.startswith("flag:") for e in row.effects):
        return ()  # most acts set no flag: no snapshot (it computes the plan's calendar) for them
    snapshot = plan_snapshot(plan, today, form_supplies=True)
    return tuple(e.removeprefix("flag:") for e in row.effects_for(snapshot) if e.startswith("flag:"))


def car_wait_problem(plan: Plan, act_on: date, today: date) -> str | None:
    """T6 (``pdt.has_no_car_inside_term``) asked before the act, so that the consideration's form says it beside
    its reason field, with its other errors: an environmental authority still inside its 15 business days and no
    reason written to go on without its concept. The refusal with its norm, or None."""
    verdict = has_no_car_inside_term(plan_snapshot(plan, today, ActCommand(trigger="consider_concepts",
                                                                             act_on=act_on)))
    return None if verdict.ok else f"{verdict.reason} ({verdict.legal_basis})"


def authorise(session: Session, actor: User | None, role: Role, plan: Plan, command: ActCommand) -> None:
    if role is Role.SISTEMA:
        if actor is not None:
            raise ActForbidden("Solo el sistema aplica los efectos legales automáticos.")
        return
    if actor is None or role not in actor.roles_for(plan.entity):
        raise ActForbidden("Su cuenta no tiene ese rol para esta entidad.")
    if role is Role.CAR and command.machine == "car_review":
        codes = {m.authority_code for m in actor.memberships if m.role == Role.CAR.value}
        if command.subject not in codes:
            raise ActForbidden("Solo la autoridad ambiental destinataria puede emitir este concepto.")


def apply_act(session: Session, *, plan_id: int, command: ActCommand, actor: User | None, role: Role,
              expected_version: int | None, today: date) -> PlanEvent:
    """Apply one act. Raises an ``ActError``; on any error nothing is written.

    The evidence PDF is checked and, in the local store, written and fsync'ed beside the act's database work
    (``documents.PendingEvidence``), and the act waits for both before its COMMIT; a refused or rolled-back act
    removes the file again."""
    if isinstance(session, scoped_session):
        session = session()  # the request's own session: the act's many calls on it skip the proxy's lookup
    pending = None
    if command.evidence is not None:
        withheld = withholding_refusal(command.trigger, _is_public(command), command.evidence_withheld_reason)
        if withheld:
            raise ActInvalid(withheld, field="withheld_reason")
        try:
            pending = PendingEvidence(command.evidence)
        except DocumentRejected as exc:
            raise ActInvalid(str(exc), field="evidence") from exc
    try:
        return _apply_act(session, plan_id, command, actor, role, expected_version, today, pending)
    except ActError:
        # Refused, or lost to a concurrent act: rolled back before any COMMIT was sent, so its file goes too.
        # Any other failure keeps the file (an orphan at worst, never a row without its file).
        if pending is not None:
            pending.discard()
        raise


def _apply_act(session: Session, plan_id: int, command: ActCommand, actor: User | None, role: Role,
               expected_version: int | None, today: date, pending: PendingEvidence | None) -> PlanEvent:
    prepared = pending.prepared if pending is not None else None
    # One query: the plan, its procedures and (PostgreSQL, with evidence) the id its document row will have;
    # entity, department, period from the process's reference cache.
    in_one_statement = prepared is not None and session.get_bind().dialect.name == "postgresql"
    plan, document_id = load_act_plan(session, plan_id, reserve_document_id=in_one_statement)
    if plan is None:
        raise ActInvalid("El plan no existe.")
    if expected_version is not None and plan.version != expected_version:
        raise PlanConflict()
    authorise(session, actor, role, plan, command)
    act_on = command.act_on or today
    _check_act_date(plan, command, act_on, today)

    fact = FACT_OF_TRIGGER.get(command.trigger) if command.machine == PDT_MACHINE.name else None
    more_facts = more_facts_of(command.trigger, plan.state) if command.machine == PDT_MACHINE.name else ()
    act_facts = {f: act_on.isoformat() for f in (fact, *more_facts) if f}  # the dates this act records
    if command.machine == PDT_MACHINE.name:
        act_facts.update(_payload_facts(command, act_on, today))
    extra_dates: dict[str, Any] = dict(act_facts)
    if command.machine == PDT_MACHINE.name and _article_count(command):
        # L136 art. 78: the term to object is the one of the article count the act brings.
        extra_dates["sanction"] = {**((plan.event_dates or {}).get("sanction") or {}),
                                   "articles": _article_count(command)}
    try:
        deadlines = legal_calendar.deadline_map(deadlines_for(plan, extra_dates))
    except legal_calendar.FactsError as exc:
        raise ActInvalid(exc.message, field="act_on") from exc

    try:
        if command.machine == PDT_MACHINE.name:
            proc = None
            source = plan.state
            outcome = PDT_MACHINE.fire(plan_snapshot(plan, today, command, deadlines), command.trigger, role)
        else:
            proc = _procedure(plan, command)
            source = proc.state
            snapshot = sub_snapshot(proc, plan, today, deadlines, command.evidence is not None, command)
            outcome = machine_named(command.machine).fire(snapshot, command.trigger, role)
    except TransitionRefused as exc:
        raise ActRefused(exc.reason, exc.legal_basis, field=exc.field) from exc
    except KeyError as exc:
        raise ActInvalid("Acción desconocida.") from exc

    evidence_ids: list[int] = []
    document = None
    if prepared is not None:
        label = localize(machine_named(command.machine).row(source, command.trigger).label, plan.entity.wording)
        if proc is not None and is_phase2(proc.machine) and proc.subject[:4].isdigit():
            # A yearly Phase II procedure's document says its year: the portal listed «Publicar el Plan Anual de
            # Adquisiciones» three times (QA, 7 December 2026).
            label = f"{label} — {phase2_title(proc.machine, proc.subject)}"
        fields = dict(plan_id=plan.id, kind=command.trigger, title=command.evidence_title or label,
                      uploaded_by_id=actor.id if actor else None, is_public=_is_public(command),
                      withheld_reason=command.evidence_withheld_reason.strip() or None)
        if document_id is not None:  # written with the act's other rows (act_writes), under this id
            document = {"id": document_id, **document_values(prepared, **fields)}
            evidence_ids.append(document_id)
        else:
            try:
                evidence_ids.append(record_document(session, prepared, **fields).id)
            except DocumentConflict as exc:  # a concurrent act stored the same kind of document for this plan
                session.rollback()
                raise PlanConflict() from exc
            except DocumentRejected as exc:
                session.rollback()
                raise ActInvalid(str(exc), field="evidence") from exc

    try:
        # One flush for the plan row, its procedures and the history row: the effects' reads (jurisdictions,
        # PPI) do not need the pending changes, and an early autoflush would UPDATE the plan row twice.
        with session.no_autoflush:
            if proc is None:
                plan.state = outcome.dest
                if act_facts:
                    cleared = FACTS_CLEARED_BY.get(command.trigger, ())
                    plan.event_dates = {**{k: v for k, v in (plan.event_dates or {}).items() if k not in cleared},
                                        **act_facts}
                plan.last_route_act_on = act_on  # under the version check, with the rest of the plan row
            else:
                proc.state = outcome.dest
                _record_sub_data(proc, command, act_on)
            milestones = _apply_effects(session, plan, outcome, command, act_on, today, proc)
            late = _recorded_late(plan, command, source, outcome.dest, deadlines, act_on, today)
            if late and command.machine == "car_review":
                _clear_car_overdue(plan, proc)
            plan.updated_at = datetime.now(timezone.utc)
            event = PlanEvent(
                plan_id=plan.id, machine=command.machine, subject=proc.subject if proc else None,
                from_state=source, to_state=outcome.dest, trigger=outcome.trigger,
                actor_id=actor.id if actor else None, role=role.value, act_on=act_on,
                occurred_at=current_app.extensions["clock"].stamp(),  # the calendar in force, once
                reference=command.reference.strip() or None, reason=_reason(command),
                legal_basis=_history_basis(plan, outcome, command, source, act_on, proc),
                evidence_ids=evidence_ids,
                payload={**dict(command.payload), "milestones": milestones, "effects": list(outcome.effects),
                         **({"recorded_late": late} if late else {})},
            )
            seal(plan, event, current_app.config["HISTORY_KEY"])  # moves the plan's history head: the plan row is written once, with its version
            if prepared is not None:  # for the listeners (a concept's receipt), not stored: the documents row has it
                title = command.evidence_title or localize(DOCUMENT_TITLES.get(command.trigger, label),
                                                           plan.entity.wording)
                event.evidence_proof = ((title[:200], prepared.sha256),)
            _linked_subtrigger(session, plan, command, role, today, deadlines, act_on, actor)
        # Core, guarded by the version read: a concurrent act fails here. The database store's bytes of a PDF
        # under 1 MB go in the same statement as the document row.
        chunk_written = write_act(session, plan, event, document,
                                  chunk=prepared.single_chunk() if prepared is not None else None)
        if document is not None:
            recorded(session, prepared, bytes_written=chunk_written)
        # Who is told is decided above the services (notifications.events), in this same transaction.
        act_recorded.send(session, plan=plan, event=event,
                          deadlines=deadlines_for(plan) if _opens_duties(outcome) else [])
        if proc is None and outcome.dest == "published":
            _in_force_when_due(session, plan, today)
        if pending is not None:
            try:
                pending.ready()  # the PDF checked, its file on disk: only then the COMMIT
            except DocumentRejected as exc:
                raise ActInvalid(str(exc), field="evidence") from exc
        session.commit()
    except (StaleDataError, DocumentConflict) as exc:  # DocumentConflict: the same kind of document, at once
        session.rollback()
        raise PlanConflict() from exc
    except ActError:
        session.rollback()
        raise
    return event


def _history_basis(plan: Plan, outcome: Outcome, command: ActCommand, source: str, act_on: date,
                   proc: Procedure | None) -> str:
    """The norm the history row cites: a sub-procedure's act its table's, the plan's route ``act_basis``."""
    if proc is not None and is_phase2(proc.machine) and outcome.trigger in SESSION_TRIGGERS:
        # The corporation's own statute, by its kind and the convocation's first day (L136 art. 23; L2200 art. 23)
        conv = convocation_of(command.payload, source, act_on) if outcome.trigger == "convoke_sessions" else None
        return phase2_session_basis(outcome.trigger, plan.entity.calendar_kind, special_regime_of(plan), act_on,
                                    conv.starts_on if conv else None, bool(conv and conv.for_objections))
    if proc is not None:  # a sub-procedure's table cites both kinds' statutes where the act is the same
        return localize_basis(outcome.legal_basis, plan.entity.wording)
    return act_basis(plan, outcome.trigger, outcome.legal_basis, source, act_on, command.payload)


def act_basis(plan: Plan, trigger: str, table_basis: str, source: str, on: date,
              payload: Mapping[str, Any] | None = None) -> str:
    """The norm an act of the plan's route cites (``basis.route_act_basis``), from the plan's facts: its entity,
    its approval's day, its sanction record and the convocation the act brings (``payload``)."""
    conv = convocation_of(payload or {}, source, on) if trigger == "convoke_sessions" else None
    return route_act_basis(trigger, table_basis, source, on, entity_kind=plan.entity.calendar_kind,
                           special=special_regime_of(plan), approved_on=approved_on(plan),
                           via_tribunal=SanctionRecord.from_data((plan.event_dates or {}).get("sanction")).via_tribunal,
                           convocation_starts=conv.starts_on if conv else None)


IN_FORCE_NOTES = ("Entrada en vigencia registrada por el sistema con la publicación: el acto rige desde su publicación "
                  "o desde la fecha que declara (CPACA art. 65; L4-1913 art. 61).")


def _in_force_when_due(session: Session, plan: Plan, today: date) -> None:
    """CPACA art. 65; L4-1913 art. 61; L136 art. 82: a publication whose day of force is today or past puts the
    plan in force in the same transaction, recorded by the system (T16) with its own history row; a later day is
    left to the sweep (``notifications.sweep.in_force_effect``), which remains the safety net."""
    day = legal_calendar.in_force_of_dates(plan.event_dates or {})
    if day is None or day > today:
        return
    try:
        outcome = PDT_MACHINE.fire(plan_snapshot(plan, today), "enter_into_force", Role.SISTEMA)
    except TransitionRefused:
        return  # the sweep will try again and log why
    with session.no_autoflush:
        source, plan.state = plan.state, outcome.dest
        plan.last_route_act_on = max(day, plan.last_route_act_on or day)
        plan.updated_at = datetime.now(timezone.utc)
        # The table's effects as any act carries them (hitos, Phase II opening: phase-ii.md §1.2).
        milestones = _apply_effects(session, plan, outcome, ActCommand(trigger=outcome.trigger, act_on=day), day,
                                    today)
        event = PlanEvent(
            plan_id=plan.id, machine=PDT_MACHINE.name, subject=None, from_state=source, to_state=outcome.dest,
            trigger=outcome.trigger, actor_id=None, role=Role.SISTEMA.value, act_on=day,
            occurred_at=current_app.extensions["clock"].stamp(), reference=None, reason=IN_FORCE_NOTES,
            legal_basis=outcome.legal_basis, evidence_ids=[],
            payload={"milestones": milestones, "effects": list(outcome.effects)})
        seal(plan, event, current_app.config["HISTORY_KEY"])
    write_act(session, plan, event)
    act_recorded.send(session, plan=plan, event=event, deadlines=[])


def _recorded_late(plan: Plan, command: ActCommand, source: str, dest: str, deadlines: Mapping[str, Any],
                   act_on: date, today: date) -> dict[str, str]:
    """The terms this act settles on time by its date although it is recorded after they ran out: ``{deadline
    key: last day}``. The act's date decides (L4-1913 art. 62; D1865 art. 3 num. 3: the term is met by the act,
    not by its typing); the history row notes the late recording."""
    out: dict[str, str] = {}
    if command.machine == "car_review":
        d = deadlines.get(f"car_concept:{command.subject}")
        if d is not None and source in duty_for("car_concept").pending_states | {"concept_overdue"} \
                and dest == "concept_received" and act_on < d.overdue_from <= today:
            out[d.map_key] = d.act_by.isoformat()
        return out
    if command.machine != PDT_MACHINE.name:
        return out
    for duty in DUTIES:
        if duty.deadline_key == "car_concept" or source not in duty.pending_states or dest in duty.pending_states:
            continue
        d = deadlines.get(duty.deadline_key)
        if d is not None and act_on < d.overdue_from <= today:
            out[d.map_key] = d.act_by.isoformat()
    return out


def _clear_car_overdue(plan: Plan, settled: Procedure) -> None:
    """A CAR concept dated within its 15 business days clears the "concepto ambiental vencido" warning the sweep
    raised before it was recorded (D1865 art. 3 num. 3), unless another authority is still overdue."""
    others = any(p.machine == "car_review" and p is not settled and p.state == "concept_overdue"
                 for p in plan.procedures)
    if not others and "car_overdue" in (plan.flags or []):
        plan.flags = [f for f in plan.flags if f != "car_overdue"]


def act_date_problem(plan: Plan, machine: str, act_on: date, today: date, subject: str | None = None,
                     trigger: str | None = None) -> str | None:
    """Why this act's date cannot be: after today, before the posesión, after the plan's period
    (``pdt.act_after_period``), on the route itself before the last route act (L152 art. 39 counts from
    posesión; acts happen in order), in Phase II before the plan entered into force or before the procedure's last
    act (``phase2.phase2_act_date_problem``). The act form asks it with its other
    checks, so every error is reported at once; ``apply_act`` asks it again before writing."""
    if act_on > today:
        return "La fecha del acto no puede ser posterior a hoy."
    posesion = plan.posesion_day
    if act_on < posesion:
        return f"La fecha del acto es anterior a la posesión ({legal_calendar.format_date_es(posesion)})."
    after = act_after_period(plan.period.label, plan.period.end_on, act_on)
    if after:
        return after
    last = plan.last_route_act_on if machine == PDT_MACHINE.name else None
    if last is not None and act_on < last:
        return (f"La fecha del acto es anterior al último acto registrado en la ruta "
                f"({legal_calendar.format_date_es(last)}).")
    if is_phase2(machine):
        proc = next((p for p in plan.procedures if p.machine == machine and p.subject == subject), None)
        problem = phase2_act_date_problem(machine, proc.data or {}, act_on, trigger) if proc is not None else None
        return localize(problem, plan.entity.wording) if problem else None
    return None


def _check_act_date(plan: Plan, command: ActCommand, act_on: date, today: date) -> None:
    problem = act_date_problem(plan, command.machine, act_on, today, command.subject, command.trigger)
    if problem:
        raise ActInvalid(problem, field="act_on")


def _opens_duties(outcome: Outcome) -> bool:
    """Only a change of state (or copies sent to the CARs) can make a new duty pending."""
    return outcome.source != outcome.dest or "start_car_reviews" in outcome.effects


def _reason(command: ActCommand) -> str | None:
    parts = [command.notes.strip()]
    if command.legal_review_note.strip():
        parts.append("Nota de revisión jurídica: " + command.legal_review_note.strip())
    if command.car_wait_reason.strip():
        parts.append("Razón para continuar sin el concepto ambiental: " + command.car_wait_reason.strip())
    return "\n".join(p for p in parts if p) or None


def _procedure(plan: Plan, command: ActCommand) -> Procedure:
    for proc in plan.procedures:
        if proc.machine == command.machine and proc.subject == command.subject:
            return proc
    raise ActInvalid("El trámite indicado no existe en este plan.", field="subject")


def _record_sub_data(proc: Procedure, command: ActCommand, act_on: date) -> None:
    data = dict(proc.data or {})
    data[f"{command.trigger}_on"] = act_on.isoformat()
    if command.trigger == "accept_in_writing":
        data["accepted_in_writing"] = True
    for key in ("concept", "recommendations", "parts", "attendance", "acta"):
        if key in command.payload:
            data[key] = command.payload[key]
    proc.data = data


def _new_procedure(session: Session, plan: Plan, machine: str, subject: str, data: dict,
                   milestones: list[str] | None = None) -> Procedure:
    """Start a sub-procedure in its machine's initial state; its initial milestone events join the act's."""
    proc = Procedure(plan=plan, machine=machine, subject=subject, state=SUBMACHINES[machine].initial, data=data)
    session.add(proc)
    if milestones is not None:
        for effect in SUBMACHINES[machine].initial_effects:
            if effect.startswith("event:") and effect.split(":", 1)[1] not in milestones:
                milestones.append(effect.split(":", 1)[1])
    return proc


def _next_number(plan: Plan, machine: str) -> str:
    return str(sum(1 for p in plan.procedures if p.machine == machine) + 1)


def _apply_effects(session: Session, plan: Plan, outcome: Outcome, command: ActCommand, act_on: date,
                   today: date, proc: Procedure | None = None) -> list[str]:
    """Carry out the table's named effects; returns the milestone events (hitos.csv ``event:*``)."""
    milestones: list[str] = []
    existing = {(p.machine, p.subject) for p in plan.procedures}
    for effect in outcome.effects:
        if apply_phase2_effect(proc, effect, command.payload, act_on):
            continue  # a Phase II procedure's own record (its debates, its matrix, its publications)
        if effect.startswith("event:"):
            milestones.append(effect.split(":", 1)[1])
        elif effect.startswith("flag:"):
            flag = effect.split(":", 1)[1]
            if flag not in (plan.flags or []):
                plan.flags = [*(plan.flags or []), flag]
        elif effect == "start_car_reviews":
            # D1865 art. 3 num. 2: each authority with jurisdiction receives its copy the same day.
            for code in authority_codes_of(plan.entity):
                if ("car_review", code) not in existing:
                    _new_procedure(session, plan, "car_review", code, {"received_on": act_on.isoformat()},
                                   milestones)
        elif effect in {"start_ctp_review", "start_ctp_formation"}:
            machine = effect.removeprefix("start_")
            if (machine, "ctp") not in existing:
                _new_procedure(session, plan, machine, "ctp", {"started_on": act_on.isoformat()}, milestones)
        elif effect == "start_amendment":
            authors = [a.strip() for a in command.payload.get("authors", []) if str(a).strip()]
            if not authors:
                raise ActInvalid("Registre al menos un autor de la modificación.", "L1909 art. 22", field="authors")
            _new_procedure(session, plan, "amendment", _next_number(plan, "amendment"),
                           {"authors": authors, "text": command.payload.get("text", ""),
                            "proposed_on": act_on.isoformat()}, milestones)
        elif effect == "start_hearing":
            data = {k: command.payload[k] for k in ("scheduled_on", "scheduled_time", "place", "zone")
                    if command.payload.get(k) not in (None, "")}
            if "scheduled_time" in data and parse_hour(data["scheduled_time"]) is None:
                raise ActInvalid("Escriba la hora como 18:00 (de 00:00 a 23:59).", "L1909 art. 22",
                                 field="scheduled_time")
            if not data.get("scheduled_on"):
                raise ActInvalid("Indique la fecha de la audiencia.", "L1909 art. 22", field="scheduled_on")
            scheduled = _payload_day(data["scheduled_on"], "scheduled_on", "L1909 art. 22")
            if problem := hearing_date_problem(scheduled, act_on):
                raise ActInvalid(problem, "L1909 art. 22", field="scheduled_on")
            _new_procedure(session, plan, "hearing", _next_number(plan, "hearing"), data, milestones)
        elif effect == "start_piscc":
            milestones.append("piscc_started")
        elif effect.startswith("debate:"):
            _record_debate(plan, effect.split(":", 1)[1], command, act_on)
        elif effect == "record_answers":
            _record_answers(plan, command)
        elif effect in ("freeze_filed_ppi", "freeze_adopted_ppi"):
            freeze_ppi(session, plan, "filed" if effect == "freeze_filed_ppi" else "adopted", act_on,
                       command.reference)
        elif effect == "record_vigencia":
            _record_vigencia(plan, command, act_on)
        elif effect == "record_sanction":
            _record_sanction(plan, command, act_on)
        elif effect in ("record_convocation", "record_extension"):
            try:
                window = record_session(session, plan, effect, command.payload, act_on, command.reference,
                                        outcome.source)
            except SessionDataError as exc:
                raise ActInvalid(exc.message, field=exc.field) from exc
            if window is not None and not (proc is not None and is_phase2(proc.machine)):
                # The route's calendar reads it: the corporation is "reunido" then (L136 art. 78). A Phase II
                # session is the entity's row only: the route of a plan in force has no term left to move.
                key = "session_extensions" if effect == "record_extension" else "session_convocations"
                dates = dict(plan.event_dates or {})
                dates[key] = [*dates.get(key, []), [window[0].isoformat(), window[1].isoformat()]]
                plan.event_dates = dates
        elif effect == "start_phase2":
            # legal-path T16 → phase-ii.md §1.2: Phase II starts when the plan is in force.
            open_phase2(session, plan, in_force_day(plan) or act_on)
    return milestones


def _record_sanction(plan: Plan, command: ActCommand, act_on: date) -> None:
    """The last stretch's record (``state_machines.corporation.sanction.SanctionRecord``): article count and grounds of the
    objection (L136 art. 78), the override (art. 79), the Tribunal's ruling (art. 80), who sanctioned, the copy
    to the governor and its review (art. 82). Each step keeps its date, for the plan's and the public page."""
    dates = dict(plan.event_dates or {})
    record = dict(dates.get("sanction") or {})
    trigger, day = command.trigger, act_on.isoformat()
    count = _article_count(command)
    if count:
        record["articles"] = count
    if trigger == "send_for_sanction":
        record["sent_on"] = day
    elif trigger == "object":
        record["grounds"] = sorted(command.payload.get("grounds") or ())
        record["objected_on"] = day
        record.pop("objected_published", None)  # new objections: a new publication if the Asamblea is in recess
        record.setdefault("objections", []).append({"on": day, "grounds": record["grounds"]})
    elif trigger in ("reject_objections", "insist_on_project"):
        record["objections_decision"] = "rechazadas"
        record["objections_decided_on"] = day
        record.pop("insistence_received", None)
        if trigger == "insist_on_project" and command.payload.get("communication_received_on"):
            record["insistence_received"] = True  # stated with the insistence: no receipt left to record
        if "inconveniencia" in record.get("grounds", ()):
            record["overridden"] = True
    elif trigger == "publish_objected_project":
        record["objected_published"] = True
    elif trigger == "record_insistence_receipt":
        record["insistence_received"] = True
    elif trigger == "accept_objections":
        record["objections_decision"] = "acogidas"
        record["objections_decided_on"] = day
        record["grounds"] = []
    elif trigger.startswith("record_tribunal"):
        record["via_tribunal"] = True
        record["tribunal_ruled_on"] = day
        record["tribunal_ruling"] = {"record_tribunal_unfounded": "infundadas",
                                     "record_tribunal_partial": "vicios_parciales",
                                     "record_tribunal_articles_archived": "fundadas_parcialmente",
                                     "record_tribunal_archive": "fundadas"}[trigger]
        if trigger == "record_tribunal_partial":
            record["partial_ruled_on"] = day
        if command.payload.get("archived_articles"):
            record["archived_articles"] = str(command.payload["archived_articles"]).strip()
    elif trigger == "return_to_tribunal":  # L136 art. 80: reconsidered, back to the Tribunal for its final ruling
        record["reconsidered"] = True
        record["reconsidered_on"] = day
    elif trigger in ("sanction", "sanction_by_president"):
        record["sanctioned_on"] = day
        record["sanctioned_by"] = "presidente" if trigger == "sanction_by_president" else "ejecutivo"
        if trigger == "sanction_by_president":  # after which of the executive's terms (casefile cites its norm)
            record["president_after"] = ("tribunal" if record.get("via_tribunal") else
                                         "rechazo" if record.get("objections_decision") == "rechazadas" else
                                         "silencio")
    elif trigger == "publish_by_president":
        record["published_by"] = "presidente"
    elif trigger == "send_copy_to_governor":
        record["governor_copy_sent"] = day
    elif trigger == "record_governor_review":
        record["governor_review"] = command.payload.get("governor_review")
        record["governor_review_on"] = day
    dates["sanction"] = record
    plan.event_dates = dates


def _record_debate(plan: Plan, what: str, command: ActCommand, act_on: date) -> None:
    """The debate record (L136 art. 73; L2200 art. 97): sessions of each debate and the committee's approval."""
    dates = dict(plan.event_dates or {})
    debates = {k: list(v) if isinstance(v, list) else v for k, v in (dates.get("debates") or {}).items()}
    if what == "ponencia":  # L2200 art. 102: the publication before the first or the second debate
        which = "plenary" if command.payload.get("ponencia_debate") == "plenary" else "committee"
        if problem := ponencia_order_problem(which, DebateRecord.from_data(debates), act_on):
            raise ActInvalid(problem, "L2200 art. 102", field="ponencia_debate")
        debates[f"ponencia_{which}"] = act_on.isoformat()
        dates["debates"] = debates
        plan.event_dates = dates
        return
    if what == "committee_denied":  # L136 art. 73: the first debate denied it (it may be considered again)
        debates["committee_denied"] = act_on.isoformat()
        dates["debates"] = debates
        plan.event_dates = dates
        return
    if what == "reconsidered":  # L136 art. 73: "podrá ser nuevamente considerado": the first debate reopens
        debates.pop("committee_denied", None)
        debates.setdefault("reconsidered", []).append(act_on.isoformat())
        dates["debates"] = debates
        plan.event_dates = dates
        return
    body = ("committee" if what.startswith("committee") else "third" if what == "third"  # D1222 art. 75
            else "plenary")
    debates.setdefault(body, []).append(act_on.isoformat())
    if body == "committee" and command.payload.get("committee_outcome") == "approved":
        debates["committee_approved"] = act_on.isoformat()
    dates["debates"] = debates
    plan.event_dates = dates


def _record_answers(plan: Plan, command: ActCommand) -> None:
    """T6: each concept's procedure keeps the answers to its own recommendations (public, part of the case
    file); the history row keeps them all in its payload."""
    answers = answers_from_data(command.payload.get("answers"))
    for source, concept, proc in plan_concepts(plan):
        mine = {str(n): {"decision": answers[f"{source}-{n}"].decision, "reason": answers[f"{source}-{n}"].reason}
                for n in range(1, len(concept.recommendations) + 1) if f"{source}-{n}" in answers}
        if mine:
            proc.data = {**(proc.data or {}), "answers": mine}


def _record_vigencia(plan: Plan, command: ActCommand, act_on: date) -> None:
    """CPACA art. 65; L2200 art. 103: the act's vigencia clause; the publication day is the act's date."""
    clause = command.payload.get("vigencia") or "on_publication"
    declared = command.payload.get("in_force_declared") or None
    if declared and clause != "fixed_date":  # the history would keep a day the act does not declare
        raise ActInvalid("Escriba la fecha desde la cual rige solo si el acto fija una fecha: elija esa opción o "
                         "borre la fecha.", "CPACA art. 65", field="in_force_declared")
    try:
        legal_calendar.in_force_on(act_on, clause, date.fromisoformat(declared) if declared else None)
    except legal_calendar.FactsError as exc:
        raise ActInvalid(exc.message, "CPACA art. 65", field=exc.field) from exc
    dates = {**(plan.event_dates or {}), "published": act_on.isoformat(), "vigencia": clause}
    if clause == "fixed_date":
        dates["in_force_declared"] = declared
    if clause == "silent":  # D1222 art. 83 before 8 February 2022: thirty days after publication
        days, basis = legal_calendar.silent_vigencia(plan.entity.calendar_kind, act_on)
        dates["silent_vigencia_days"], dates["silent_vigencia_basis"] = days, basis
    plan.event_dates = dates


def _linked_subtrigger(session: Session, plan: Plan, command: ActCommand, role: Role, today: date,
                       deadlines: Mapping[str, Any], act_on: date, actor: User | None) -> None:
    link = LINKED_SUBTRIGGERS.get(command.trigger) if command.machine == PDT_MACHINE.name else None
    if link is None:
        return
    machine, trigger = link
    if trigger == "issue_concept" and "parcial" in (command.payload.get("scope"), command.payload.get("concept")):
        trigger = "issue_partial_concept"
    proc = next((p for p in plan.procedures if p.machine == machine), None)
    if proc is None:
        return
    snapshot = sub_snapshot(proc, plan, today, deadlines, command.evidence is not None or role is Role.SISTEMA,
                            command)
    outcome = machine_named(machine).fire(snapshot, trigger, role)
    proc.state = outcome.dest
    _record_sub_data(proc, command, act_on)


def filing_sessions_notice(plan: Plan, filed_on: date) -> SessionsVerdict:
    """What the filing step tells the executive: whether the corporation will be in ordinary sessions during its
    month, or extraordinary sessions must be convoked (L152 art. 40; L136 art. 23 par. 2; L2200 art. 23)."""
    rules = regime_rules(plan.regime)
    fixed = rules.decision if rules is not None else None
    return extraordinary_sessions_verdict(
        plan.entity.calendar_kind, plan.entity.fiscal_category, plan.period.start_on, filed_on,
        is_working=legal_calendar.default_calendar(plan.entity.weekdays).is_business,
        window_end=fixed if fixed is not None and fixed.applies(frozenset(plan.d683_articles or [])) else None,
        special=special_regime_of(plan), extensions=recorded_extensions(plan))


def recorded_extensions(plan: Plan) -> tuple[tuple[date, date], ...]:
    """The Concejo's extensions recorded with the plan (its calendar fact ``session_extensions``)."""
    return legal_calendar.session_windows((plan.event_dates or {}).get("session_extensions"),
                                          "events.session_extensions")


def visible_history(session: Session, plan: Plan) -> list[PlanEvent]:
    """The plan's history in the order of the acts' dates (the act's date decides; the recording time is shown
    beside it), recording order among acts of the same day."""
    return session.scalars(select(PlanEvent).filter_by(plan_id=plan.id)
                           .order_by(func.coalesce(PlanEvent.act_on, cast(PlanEvent.occurred_at, Date)), PlanEvent.id)
                           .options(joinedload(PlanEvent.actor))).all()


_PLAN_DOCUMENTS = (select(Document).where(Document.plan_id == bindparam("plan_id"))
                   .order_by(Document.kind, Document.version))  # built once: the plan page asks on every visit


def plan_documents(session: Session, plan: Plan) -> list[Document]:
    return session.scalars(_PLAN_DOCUMENTS, {"plan_id": plan.id}).all()


_PLAN_DOCUMENT_LINES = (select(Document.id, Document.kind, Document.title, Document.version, Document.size_bytes,
                               Document.uploaded_at, Document.sha256, Document.is_public, Document.withheld_reason,
                               Document.supersedes_id, Document.correction_reason)
                        .where(Document.plan_id == bindparam("plan_id")).order_by(Document.kind, Document.version))


def plan_document_lines(session: Session, plan: Plan) -> list:
    """What the plan page shows of each document (``plan_documents``' order), as plain rows: the page asks on
    every visit, and eleven columns read as rows cost far less than the documents read as objects."""
    return session.connection().execute(_PLAN_DOCUMENT_LINES, {"plan_id": plan.id}).all()
