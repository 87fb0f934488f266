"""The substance of a plan's case file: concepts with their recommendations and answers, amendments with their
authors and outcome, the debates, the hearings with their attendance, the PPI as filed and as adopted, and the
entry into force. One reading serves the plan page, the expediente, the exports and the public page (public
information, L1712 art. 9; L1909 art. 22): officials never appear by name here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from state_machines import calendar as legal_calendar
from state_machines.approval.concepts import CTP_SOURCE, answers_from_data
from state_machines.approval.pdt import ADOPTED_STATES
from state_machines.approval.submachines import SUBMACHINES
from state_machines.corporation.debates import (
    DebateRecord,
    debate_rule_for,
    earliest_plenary_on,
    plenary_gap_explanation,
)
from state_machines.corporation.sanction import GOVERNOR_REVIEW_OUTCOMES, GROUNDS, sanction_law
from state_machines.phase2 import PHASE2_MACHINES
from workflow_app.models import EnvironmentalAuthority, Plan, PpiVersion
from workflow_app.services.route.plans import plan_concepts, special_regime_of


@dataclass(frozen=True)
class RecommendationView:
    key: str
    number: int
    text: str
    decision: str | None  # aceptada, parcialmente, no_aceptada; None while unanswered
    decision_label: str
    reason: str


@dataclass(frozen=True)
class ConceptView:
    source: str  # CTP or the authority's code
    issuer: str  # in words
    sense_label: str
    parts: tuple[str, ...]
    issued_on: date | None
    recommendations: tuple[RecommendationView, ...]

    @property
    def answered(self) -> bool:
        return any(r.decision for r in self.recommendations)


@dataclass(frozen=True)
class AmendmentView:
    number: str
    text: str
    authors: tuple[str, ...]
    proposed_on: date | None
    executive_answer: str
    executive_on: date | None
    outcome: str  # in words: aprobada, negada, pendiente...
    outcome_on: date | None
    state: str
    state_label: str


@dataclass(frozen=True)
class DebatesView:
    committee_sessions: tuple[date, ...]
    committee_approved_on: date | None
    plenary_sessions: tuple[date, ...]
    approved_on: date | None
    earliest_plenary_on: date | None
    rule_explanation: str
    legal_basis: str
    #: D1222 art. 75 (ordenanzas approved before 8 February 2022): three debates; the third's sessions.
    debates_required: int = 2
    third_sessions: tuple[date, ...] = ()
    #: L136 art. 73: the denial in first debate still open, and the days the project was considered again.
    committee_denied_on: date | None = None
    reconsidered_on: tuple[date, ...] = ()
    #: L136 art. 75; L2200 art. 98; D1222 art. 76: the project was archived at the end of the sessions.
    archived: bool = False
    #: L152 art. 40: no decision in the corporation's month, the executive adopted the plan by decree on this day.
    decree_adopted_on: date | None = None

    @property
    def any(self) -> bool:
        return bool(self.committee_sessions or self.plenary_sessions or self.approved_on or self.decree_adopted_on)


@dataclass(frozen=True)
class HearingView:
    number: str
    scheduled_on: date | None
    place: str
    zone: str
    state: str
    state_label: str
    attendance: str
    held_on: date | None
    scheduled_time: str = ""  # «18:00», hora de Colombia


@dataclass(frozen=True)
class StretchStep:
    """One step of the last stretch as it happened: what, when, the norm."""

    what: str
    on: date | None
    legal_basis: str


@dataclass(frozen=True)
class LastStretchView:
    """Sanction, objections and their outcome, publication and the governor's review (L136 arts. 76-82; L2200
    arts. 100-103; D1222 arts. 78-83), and the executive's terms to object by the project's size."""

    law_name: str
    act: str  # acuerdo / ordenanza
    steps: tuple[StretchStep, ...]
    objection_terms: tuple[tuple[str, int], ...]
    objection_basis: str
    articles: int | None

    @property
    def any(self) -> bool:
        return bool(self.steps)


@dataclass(frozen=True)
class CaseFile:
    concepts: tuple[ConceptView, ...]
    amendments: tuple[AmendmentView, ...]
    debates: DebatesView
    hearings: tuple[HearingView, ...]
    filed_ppi: PpiVersion | None
    adopted_ppi: PpiVersion | None
    published_on: date | None
    in_force_on: date | None
    in_force_explanation: str
    sessions_convoked_on: date | None
    last_stretch: LastStretchView | None = None


def _day(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _concepts(session: Session, plan: Plan) -> tuple[ConceptView, ...]:
    names = {}
    concepts = plan_concepts(plan)
    codes = [source for source, _, _ in concepts if source != CTP_SOURCE]
    if codes:
        names = dict(session.execute(select(EnvironmentalAuthority.code, EnvironmentalAuthority.name)
                                     .where(EnvironmentalAuthority.code.in_(codes))).all())
    out = []
    for source, concept, proc in concepts:
        data = proc.data or {}
        answers = answers_from_data(data.get("answers"))
        recs = []
        for n, text in enumerate(concept.recommendations, start=1):
            answer = answers.get(str(n))
            recs.append(RecommendationView(f"{source}-{n}", n, text, answer.decision if answer else None,
                                           answer.decision_label if answer else "Sin responder",
                                           answer.reason if answer else ""))
        issuer = ("Consejo Territorial de Planeación" if source == CTP_SOURCE
                  else f"{names.get(source, 'Autoridad ambiental')} ({source})")
        issued = data.get("receive_concept_on") or data.get("record_ctp_concept_on")
        out.append(ConceptView(source, issuer, concept.sense_label, concept.parts, _day(issued), tuple(recs)))
    return tuple(out)


def _executive_answer(data: dict, state: str) -> tuple[str, date | None]:
    if data.get("accepted_in_writing"):
        return "Aceptada por escrito por el alcalde o gobernador", _day(data.get("accept_in_writing_on"))
    if state == "refused_by_executive" or data.get("refuse_in_writing_on"):
        return "No aceptada por escrito por el alcalde o gobernador", _day(data.get("refuse_in_writing_on"))
    return "Sin respuesta escrita del alcalde o gobernador", None


OUTCOMES = {"proposed": "Pendiente de decisión", "accepted_by_executive": "Aceptada; pendiente de votación",
            "refused_by_executive": "No aceptada por el ejecutivo; no puede aprobarse", "approved": "Aprobada",
            "rejected": "Negada"}


def _amendments(plan: Plan) -> tuple[AmendmentView, ...]:
    machine = SUBMACHINES["amendment"]
    out = []
    for p in sorted((p for p in plan.procedures if p.machine == "amendment"), key=lambda p: p.id):
        data = p.data or {}
        answer, answered_on = _executive_answer(data, p.state)
        out.append(AmendmentView(
            p.subject, data.get("text", ""), tuple(data.get("authors", ())), _day(data.get("proposed_on")), answer,
            answered_on, OUTCOMES.get(p.state, machine.label(p.state)),
            _day(data.get("approve_on") or data.get("reject_on")), p.state, machine.label(p.state)))
    return tuple(out)


def _debates(plan: Plan) -> DebatesView:
    dates = plan.event_dates or {}
    record = DebateRecord.from_data(dates.get("debates"))
    approved = record.committee_approved_on
    decree = "adopted_by_decree" in dates or plan.state == "adopted_by_decree"
    # D1222 art. 75 before 8 February 2022 (three debates), L2200 art. 97 after: the law of the approval's day;
    # before any debate, of the filing's (a 2020 ordenanza read «dos debates (L2200 art. 97)»: QA, 7 December 2026).
    rule = debate_rule_for(plan.entity.calendar_kind, special_regime_of(plan),
                           _day(dates.get("approved")) or (record.plenary_sessions or (approved,))[0]
                           or _day(dates.get("filed_with_corporacion")))
    return DebatesView(
        record.committee_sessions, approved, record.plenary_sessions,
        # Approved by the corporation; a decree's adoption records "adopted" too, and is said as such.
        _day(dates.get("adopted")) if plan.state != "adopted_by_decree" and not decree else None,
        earliest_plenary_on(approved, rule) if approved else None,
        # "La plenaria puede… desde…" is guidance for a second debate still to come (rule.legal_basis).
        plenary_gap_explanation(approved, rule)
        if approved and not record.has_plenary_debate and plan.state not in ADOPTED_STATES
        else f"Regla: {rule.explanation}.", rule.legal_basis, rule.debates_required, record.third_sessions,
        record.committee_denied_on, record.reconsidered_on, plan.state == "project_archived",
        _day(dates.get("adopted")) if decree else None)


def _grounds(grounds) -> str:
    names = [GROUNDS[g].split(" (")[0].lower() for g in sorted(grounds) if g in GROUNDS]
    return " y ".join(names) if names else "razones sin registrar"


def _last_stretch(plan: Plan) -> LastStretchView:
    """The last stretch from the plan's record (``event_dates["sanction"]``), in the order it happened."""
    dates = plan.event_dates or {}
    record = dates.get("sanction") or {}
    kind = plan.entity.calendar_kind
    law = sanction_law(kind, _day(dates.get("approved")), special_regime_of(plan))
    executive = "el alcalde" if kind == "municipio" else "el gobernador"
    to_executive = "al alcalde" if kind == "municipio" else "al gobernador"
    corporation = "el Concejo" if kind == "municipio" else "la Asamblea"
    steps: list[StretchStep] = []
    if record.get("sent_on"):
        size = f" ({record['articles']} artículos)" if record.get("articles") else ""
        steps.append(StretchStep(f"Proyecto aprobado remitido {to_executive} para sanción{size}",
                                 _day(record["sent_on"]), law.remission_basis))
    for objection in record.get("objections", ()):
        steps.append(StretchStep(f"Objetado por {executive} por {_grounds(objection.get('grounds', ()))}",
                                 _day(objection.get("on")), law.objection_basis))
    decision = record.get("objections_decision")
    if decision == "acogidas":
        steps.append(StretchStep(f"{corporation[0].upper()}{corporation[1:]} acogió las objeciones y enmendó el "
                                 "proyecto", _day(record.get("objections_decided_on")), law.objection_basis))
    elif decision == "rechazadas" and "ilegalidad" in record.get("grounds", ()):  # L136 art. 80; L2200 art. 101
        steps.append(StretchStep(f"{corporation[0].upper()}{corporation[1:]} rechazó las objeciones e insistió en el "
                                 "proyecto", _day(record.get("objections_decided_on")), law.tribunal_basis))
    elif decision == "rechazadas":
        steps.append(StretchStep(f"{corporation[0].upper()}{corporation[1:]} rechazó las objeciones",
                                 _day(record.get("objections_decided_on")), law.override_basis))
    ruling = record.get("tribunal_ruling")
    if record.get("partial_ruled_on"):  # L136 art. 80: reconsideration, then the definitive ruling
        steps.append(StretchStep("El Tribunal Administrativo halló el proyecto parcialmente viciado: vuelve al "
                                 "Concejo para que lo reconsidere", _day(record["partial_ruled_on"]),
                                 law.partial_ruling_basis))
    if record.get("reconsidered"):
        steps.append(StretchStep("El Concejo reconsideró el proyecto y lo remitió de nuevo al Tribunal para fallo "
                                 "definitivo", _day(record.get("reconsidered_on")), law.partial_ruling_basis))
    if ruling and ruling != "vicios_parciales":
        text = {"infundadas": "El Tribunal Administrativo declaró infundadas las objeciones de ilegalidad",
                "fundadas_parcialmente": "El Tribunal Administrativo archivó los artículos objetados"
                + (f" ({record['archived_articles']})" if record.get("archived_articles") else ""),
                "fundadas": "El Tribunal Administrativo halló fundadas las objeciones: el proyecto se archivó"}[ruling]
        steps.append(StretchStep(text, _day(record.get("tribunal_ruled_on")), law.tribunal_basis))
    if record.get("sanctioned_on"):
        by = (f"por el presidente {'del Concejo' if kind == 'municipio' else 'de la Asamblea'}, porque {executive} "
              "no sancionó en su plazo" if record.get("sanctioned_by") == "presidente" else f"por {executive}")
        president_basis = {"tribunal": law.tribunal_sanction_basis, "silencio": law.silence_basis}.get(
            record.get("president_after") or "", law.override_basis)
        steps.append(StretchStep(f"Sancionado {by}", _day(record["sanctioned_on"]),
                                 president_basis if record.get("sanctioned_by") == "presidente"
                                 else law.objection_basis))
    if dates.get("published") and record.get("sanctioned_on"):
        if record.get("published_by") == "presidente":  # under the article that gave him the sanction, as the
            # history cites it (``sanction.legal_basis_for``; QA: the page cited the executive's L136 art. 81)
            steps.append(StretchStep("Publicado por el presidente de la corporación", _day(dates["published"]),
                                     f"CPACA art. 65; {law.silence_basis or law.override_basis}"))
        else:
            steps.append(StretchStep("Publicado", _day(dates["published"]), law.publication_basis))
    if record.get("governor_copy_sent"):
        steps.append(StretchStep("Copia enviada al gobernador para su revisión jurídica",
                                 _day(record["governor_copy_sent"]), law.governor_copy_basis))
    # In the order they happened (a copy sent to the governor before the publication came after it: QA).
    steps.sort(key=lambda step: step.on or date.max)
    if record.get("governor_review"):
        steps.append(StretchStep("Revisión del gobernador: "
                                 + GOVERNOR_REVIEW_OUTCOMES.get(record["governor_review"], "").lower(),
                                 _day(record.get("governor_review_on")), law.governor_copy_basis))
    return LastStretchView(law.name, law.act, tuple(steps), law.objection_table(), law.objection_basis,
                           int(record["articles"]) if record.get("articles") else None)


def _hearings(plan: Plan) -> tuple[HearingView, ...]:
    machine = SUBMACHINES["hearing"]
    hearings = sorted((p for p in plan.procedures if p.machine == "hearing"),
                      key=lambda p: ((p.data or {}).get("scheduled_on") or "", p.id))
    return tuple(HearingView(
        p.subject, _day(p.data.get("scheduled_on")), p.data.get("place", ""), p.data.get("zone", ""), p.state,
        machine.label(p.state), str(p.data.get("attendance") or ""), _day(p.data.get("hold_on")),
        str(p.data.get("scheduled_time") or ""))
        for p in hearings)


def _filed_and_adopted_ppi(session: Session, plan: Plan) -> tuple[PpiVersion | None, PpiVersion | None]:
    """The latest PPI version of each of the two stages, in one query."""
    latest: dict[str, PpiVersion] = {}
    for version in session.scalars(select(PpiVersion).where(PpiVersion.plan_id == plan.id,
                                                             PpiVersion.stage.in_(("filed", "adopted")))
                                   .order_by(PpiVersion.version.desc())):
        latest.setdefault(version.stage, version)
    return latest.get("filed"), latest.get("adopted")


def case_file(session: Session, plan: Plan) -> CaseFile:
    dates = plan.event_dates or {}
    in_force = legal_calendar.in_force_of_dates(dates)
    published = _day(dates.get("published"))
    explanation = ""
    if published and in_force:
        explanation = legal_calendar.in_force_explanation(
            published, dates.get("vigencia") or "on_publication", _day(dates.get("in_force_declared")),
            int(dates.get("silent_vigencia_days") or 0),
            legal_calendar.in_force_basis(plan.entity.calendar_kind, published, special_regime_of(plan),
                                          by_decree="adopted_by_decree" in dates))
    return CaseFile(_concepts(session, plan), _amendments(plan), _debates(plan), _hearings(plan),
                    *_filed_and_adopted_ppi(session, plan), published, in_force, explanation,
                    _day(dates.get("sessions_convoked")), _last_stretch(plan))


@dataclass(frozen=True)
class PhaseParts:
    """A plan's history and documents split between its approval route (the expediente) and its Phase II (the
    Phase II expediente): four years of Phase II acts would otherwise make one page of hundreds of rows."""

    route_history: list
    route_documents: list
    phase2_history: list
    phase2_documents: list


def split_by_phase(history: list, documents: list) -> PhaseParts:
    """An act is Phase II's when its machine is one of Phase II's; a document when a Phase II act carries it,
    or when it corrects one that does (``supersedes_id``, followed to the first version). Everything else,
    the entry into force included, is the route's."""
    phase2_history = [e for e in history if e.machine in PHASE2_MACHINES]
    carried = {i for e in phase2_history for i in (e.evidence_ids or [])}
    by_id = {d.id: d for d in documents}

    def is_phase2(document) -> bool:
        seen = set()
        while document is not None and document.id not in seen:
            if document.id in carried:
                return True
            seen.add(document.id)
            document = by_id.get(document.supersedes_id)
        return False

    phase2_documents = [d for d in documents if is_phase2(d)]
    phase2_ids = {d.id for d in phase2_documents}
    return PhaseParts([e for e in history if e.machine not in PHASE2_MACHINES],
                      [d for d in documents if d.id not in phase2_ids], phase2_history, phase2_documents)
