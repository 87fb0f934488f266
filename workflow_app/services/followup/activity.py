"""Advisers' and regional coordinators' monthly activity reports, and the monthly ranking (phase-ii.md §3.4).

The seeds give no formula; this is the spec's transparent proposal, every component shown (weights in
``monitoreo360.json``):

    score = 100 × (0.30 P + 0.20 T + 0.15 E + 0.20 S + 0.15 C) ÷ (sum of the weights of the components present)

- P (progress): mean over the adviser's entities of min(1, SETA progress at the month's last cut ÷ the month's
  target).
- T (timeliness): 0.5 × report on time (1 if submitted by the 10th of the next month, −0.1 per business day late,
  not below 0) + 0.5 × share of the month's asesorías loaded in SETA within 5 business days (with no asesoría
  reported, T is the report's punctuality alone).
- E (evidence): share of reported asesorías with an attendance sheet and a SETA record.
- S (satisfaction): (mean survey score of the adviser's entities over the last 3 months − 1) ÷ 4.
- C (coordinator): (the coordinator's 1–5 rating of the month − 1) ÷ 4.

A missing S or C (no answers, no rating), or P (no cut that month) or E (no asesoría), is left out and the rest
re-weighted. No rank without a report or with fewer than 3 entities. Ties: P, then T. Raw counts of asesorías are
shown, never scored. A coordinator: 0.5 × mean of their ranked advisers + 0.2 × P of their gobernaciones + 0.15 ×
own T + 0.15 × the region's S, re-weighted the same way.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from state_machines.calendar import default_calendar
from state_machines.core.dates import add_months, format_date_es, last_day_of_month
from state_machines.core.roles import Role
from state_machines.core.wording import business_days
from workflow_app.infra.clock import start_of_day_utc
from workflow_app.models import (
    VISIT_MODES,
    ActivityReport,
    ActivityVisit,
    Department,
    Entity,
    Membership,
    MilestoneCheck,
    SetaCut,
    SetaCutRow,
    SurveyResponse,
    User,
)
from workflow_app.reference_data.names import sort_key
from workflow_app.services.followup import parameters as params
from workflow_app.services.followup.survey import entity_score, month_label

COMPONENT_LABELS = {
    "P": "Avance en SETA frente a la meta del mes",
    "T": "Oportunidad (informe a tiempo y cargue en SETA)",
    "E": "Evidencia de las asesorías",
    "S": "Satisfacción de las entidades (encuesta)",
    "C": "Calificación del coordinador",
}
NOTES_MAX = 6000
TOPIC_MAX = 200


def count(n: int, singular: str, plural: str) -> str:
    """``1 asesoría``, ``3 asesorías``."""
    return f"{n} {singular if n == 1 else plural}"


class ActivityError(Exception):
    """``errors``: every problem of a report at once, keyed by the form input it is about (``v2-on``: the second
    asesoría's date); ``message`` says them all."""

    def __init__(self, message: str, status: int = 422, field: str | None = None,
                 errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message, self.status, self.field, self.errors = message, status, field, errors or {}


# --- Who follows whom -------------------------------------------------------------------------------------------

def entities_of(session: Session, user_id: int, role: Role) -> list[Entity]:
    return list(session.scalars(
        select(Entity).join(Membership, Membership.entity_id == Entity.id)
        .where(Membership.user_id == user_id, Membership.role == role.value)
        .options(joinedload(Entity.department)).order_by(Entity.sort_key)))


def people_with(session: Session, role: Role) -> list[User]:
    return list(session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                .where(Membership.role == role.value, User.is_active_account.is_(True))
                                .distinct().order_by(User.name)))


def coordinator_regions(session: Session, user_id: int) -> set[str]:
    return {e.department.region for e in entities_of(session, user_id, Role.COORDINADOR)}


def is_adviser(user: User) -> bool:
    return any(m.role in (Role.ASESOR.value, Role.COORDINADOR.value) for m in user.memberships)


# --- The report -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VisitInput:
    entity_id: int | None
    on: date | None
    mode: str
    topic: str
    has_evidence: bool
    seta_loaded_on: date | None
    agreements: str

    @property
    def is_blank(self) -> bool:
        return self.entity_id is None and self.on is None and not self.topic.strip() and not self.agreements.strip()


@dataclass(frozen=True)
class ReportCommand:
    month: date
    trainings: int
    notes: str
    visits: tuple[VisitInput, ...]


def report_of(session: Session, user_id: int, month: date) -> ActivityReport | None:
    return session.scalar(select(ActivityReport).filter_by(user_id=user_id, month=month)
                          .options(selectinload(ActivityReport.visits).joinedload(ActivityVisit.entity)))


def submit_report(session: Session, user: User, command: ReportCommand, today: date,
                  unreadable: Mapping[str, str] | None = None) -> ActivityReport:
    """File (or correct) the report of a month already begun. A correction keeps the first submission date, which
    is what punctuality is measured on. One commit, or nothing. Every row's problems are told in one answer, each
    naming what is wrong and keyed by its input (audit: only the first bad row was told, and «indique la entidad y
    la fecha» even when the entity was chosen); ``unreadable``: what the form could not read (a date not written
    AAAA-MM-DD), said with them and in their place."""
    if not is_adviser(user):
        raise ActivityError("Solo los asesores y coordinadores regionales envían informe de actividades.", 403)
    month = command.month.replace(day=1)
    if month > today.replace(day=1):
        raise ActivityError("No se puede enviar el informe de un mes que no ha empezado.", field="month")
    back = int(params.ranking().get("report_months_back", 12))
    if month < add_months(today.replace(day=1), -back):
        # QA 7 December 2026: a report of January 1900 was saved. The ranking reads the last months only.
        raise ActivityError(f"Solo se envían o corrigen los informes de los últimos {back} meses.", field="month")
    allowed = {e.id for e in entities_of(session, user.id, Role.ASESOR)} | \
        {e.id for e in entities_of(session, user.id, Role.COORDINADOR)}
    errors = {**_report_problems(command, month, allowed), **(unreadable or {})}
    if errors:
        raise ActivityError(" ".join(errors.values()), errors=errors)
    report = report_of(session, user.id, month)
    if report is None:
        report = ActivityReport(user_id=user.id, month=month, submitted_on=today)
        session.add(report)
    report.trainings, report.notes = command.trainings, command.notes.strip()
    report.visits = [ActivityVisit(entity_id=v.entity_id, on=v.on, mode=v.mode, topic=v.topic.strip(),
                                   has_evidence=v.has_evidence, seta_loaded_on=v.seta_loaded_on,
                                   agreements=v.agreements.strip()) for v in command.visits if not v.is_blank]
    session.commit()
    return report


def _report_problems(command: ReportCommand, month: date, allowed: set[int]) -> dict[str, str]:
    """Input id (``v<row>-<field>``, ``trainings``, ``notes``) -> Spanish message naming the row and the field, in
    the page's order."""
    errors: dict[str, str] = {}
    for i, v in enumerate(command.visits, start=1):
        if v.is_blank:
            continue
        row = f"v{i}-"
        if v.entity_id is None:
            errors[row + "entity"] = f"Asesoría {i}: elija la entidad."
        elif v.entity_id not in allowed:
            errors[row + "entity"] = f"Asesoría {i}: la entidad no está entre las que usted acompaña."
        if v.on is None:
            errors[row + "on"] = f"Asesoría {i}: indique la fecha."
        elif not (month <= v.on <= last_day_of_month(month.year, month.month)):
            errors[row + "on"] = f"Asesoría {i}: la fecha debe caer en {month_label(month)}."
        elif v.seta_loaded_on is not None and v.seta_loaded_on < v.on:
            errors[row + "seta"] = f"Asesoría {i}: la fecha de cargue en SETA no puede ser anterior a la asesoría."
        if v.mode not in VISIT_MODES:
            errors[row + "mode"] = f"Asesoría {i}: elija si fue presencial o virtual."
        if len(v.topic) > TOPIC_MAX:
            errors[row + "topic"] = f"Asesoría {i}: el tema puede tener hasta {TOPIC_MAX} caracteres."
    if command.trainings < 0 or command.trainings > 500:
        errors["trainings"] = "Las capacitaciones dictadas deben ser un número entre 0 y 500."
    if len(command.notes) > NOTES_MAX:
        errors["notes"] = f"Las notas pueden tener hasta {NOTES_MAX} caracteres."
    return errors


def rate(session: Session, coordinator: User, report: ActivityReport, rating: int) -> None:
    """The regional coordinator's 1–5 rating of an adviser's month (the ranking's C)."""
    regions = coordinator_regions(session, coordinator.id)
    adviser_regions = {e.department.region for e in entities_of(session, report.user_id, Role.ASESOR)}
    if not regions or not (regions & adviser_regions):
        raise ActivityError("Solo el coordinador de la región del asesor califica su informe.", 403)
    if rating not in (1, 2, 3, 4, 5):
        raise ActivityError("La calificación va de 1 a 5.", field="rating")
    report.coordinator_rating, report.rated_by_id = rating, coordinator.id
    session.commit()


def hitos_moved(session: Session, user_id: int, month: date) -> list[MilestoneCheck]:
    """The manual hitos the person checked or unchecked during the month (what "hitos movidos" lists)."""
    start, end = start_of_day_utc(month), start_of_day_utc(add_months(month, 1))
    return list(session.scalars(select(MilestoneCheck).where(
        MilestoneCheck.checked_by_id == user_id, MilestoneCheck.checked_at >= start,
        MilestoneCheck.checked_at < end).order_by(MilestoneCheck.checked_at)))


# --- The ranking ------------------------------------------------------------------------------------------------

@dataclass
class Component:
    key: str
    value: float | None  # 0..1, None when missing
    detail: str

    @property
    def label(self) -> str:
        return COMPONENT_LABELS.get(self.key, self.key)


@dataclass
class RankRow:
    user: User
    role: Role
    region: str
    entities: int
    visits: int
    components: list[Component]
    weights: dict[str, float]
    score: float | None = None
    rank: int | None = None
    region_rank: int | None = None
    unranked_reason: str = ""
    advisers_mean: float | None = None
    extra: dict = field(default_factory=dict)

    def component(self, key: str) -> Component | None:
        return next((c for c in self.components if c.key == key), None)


def _weighted(components: list[Component], weights: dict[str, float]) -> tuple[float | None, float]:
    present = [(weights[c.key], c.value) for c in components if c.value is not None and c.key in weights]
    total = sum(w for w, _ in present)
    if not total:
        return None, 0.0
    return round(100 * sum(w * v for w, v in present) / total, 1), total


def _cut_progress(session: Session, month: date) -> tuple[SetaCut | None, dict[int, float]]:
    """The month's last cut and entity id -> its progress there."""
    cut = session.scalar(select(SetaCut).where(SetaCut.cut_on >= month,
                                               SetaCut.cut_on <= last_day_of_month(month.year, month.month))
                         .order_by(SetaCut.cut_on.desc()).limit(1))
    if cut is None:
        return None, {}
    progress: dict[int, float] = {}
    for entity_id, value in session.execute(select(SetaCutRow.entity_id, SetaCutRow.progress)
                                            .filter_by(cut_id=cut.id)):
        progress[entity_id] = max(value, progress.get(entity_id, 0.0))
    return cut, progress


def _survey_scores(session: Session, month: date) -> dict[int, list[float]]:
    first = add_months(month, -(int(params.ranking()["survey_months"]) - 1))
    out: dict[int, list[float]] = defaultdict(list)
    for row in session.scalars(select(SurveyResponse).where(SurveyResponse.month >= first,
                                                            SurveyResponse.month <= month)):
        score = entity_score(row)
        if score is not None:
            out[row.entity_id].append(score)
    return out


def _p(entity_ids, progress, cut, month) -> Component:
    target = params.monthly_target(month)
    if cut is None:
        return Component("P", None, f"Sin corte SETA en {month_label(month)}: no se califica.")
    values = [min(1.0, progress.get(e, 0.0) / target) if target else 1.0 for e in entity_ids]
    if not values:
        return Component("P", None, "Sin entidades asignadas.")
    shown = ", ".join(params.fmt(progress.get(e, 0.0), 1) + " %" for e in entity_ids)
    return Component("P", mean(values), f"Avance al {format_date_es(cut.cut_on)} de "
                     f"{count(len(values), 'entidad', 'entidades')} "
                     f"({shown}) frente a la meta del mes de {params.fmt(target, 1)} %.")


def _t(report: ActivityReport | None, month: date) -> Component:
    r = params.ranking()
    if report is None:
        return Component("T", None, "Sin informe del mes.")
    cal = default_calendar()
    nxt = add_months(month, 1)
    due = date(nxt.year, nxt.month, int(r["report_due_day"]))
    late = max(0, cal.business_days_between(due, report.submitted_on)) if report.submitted_on > due else 0
    on_time = max(0.0, 1.0 - float(r["late_penalty_per_business_day"]) * late)
    visits = report.visits
    limit = int(r["seta_load_business_days"])
    if not visits:
        return Component("T", on_time, f"Informe enviado el {format_date_es(report.submitted_on)} (plazo: "
                         f"{format_date_es(due)}; {business_days(late)} tarde). Sin asesorías: solo cuenta el informe.")
    loaded = sum(1 for v in visits if v.seta_loaded_on is not None
                 and cal.business_days_between(v.on, v.seta_loaded_on) <= limit)
    return Component("T", 0.5 * on_time + 0.5 * loaded / len(visits),
                     f"Informe enviado el {format_date_es(report.submitted_on)} (plazo: {format_date_es(due)}; "
                     f"{count(late, 'día hábil', 'días hábiles')} tarde → {params.fmt(on_time)}); {loaded} de "
                     f"{count(len(visits), 'asesoría cargada', 'asesorías cargadas')} en SETA dentro de {limit} días "
                     "hábiles.")


def _e(report: ActivityReport | None) -> Component:
    if report is None or not report.visits:
        return Component("E", None, "Sin asesorías reportadas: no se califica.")
    good = sum(1 for v in report.visits if v.has_evidence and v.seta_loaded_on is not None)
    return Component("E", good / len(report.visits), f"{good} de "
                     f"{count(len(report.visits), 'asesoría', 'asesorías')} con planilla de asistencia y registro "
                     "en SETA.")


def _s(entity_ids, scores) -> Component:
    values = [s for e in entity_ids for s in scores.get(e, [])]
    months = int(params.ranking()["survey_months"])
    if not values:
        return Component("S", None, f"Ninguna de sus entidades respondió la encuesta en los últimos {months} meses.")
    avg = mean(values)
    return Component("S", (avg - 1) / 4, f"Promedio de {count(len(values), 'respuesta', 'respuestas')} de sus "
                     "entidades en los últimos "
                     f"{months} meses: {params.fmt(avg)} de 5.")


def _c(report: ActivityReport | None) -> Component:
    if report is None or report.coordinator_rating is None:
        return Component("C", None, "El coordinador no ha calificado el mes.")
    return Component("C", (report.coordinator_rating - 1) / 4,
                     f"Calificación del coordinador: {report.coordinator_rating} de 5.")


def ranking(session: Session, month: date) -> tuple[list[RankRow], list[RankRow], SetaCut | None]:
    """(advisers, coordinators, the cut used) for the month, ranked nationally (``rank``) and by region."""
    r = params.ranking()
    weights = {k: float(v) for k, v in r["weights"].items()}
    cut, progress = _cut_progress(session, month)
    scores = _survey_scores(session, month)
    reports = {rep.user_id: rep for rep in session.scalars(
        select(ActivityReport).filter_by(month=month).options(selectinload(ActivityReport.visits)))}
    advisers = []
    for user in people_with(session, Role.ASESOR):
        entities = entities_of(session, user.id, Role.ASESOR)
        ids = [e.id for e in entities]
        report = reports.get(user.id)
        comps = [_p(ids, progress, cut, month), _t(report, month), _e(report), _s(ids, scores), _c(report)]
        row = RankRow(user, Role.ASESOR, _main_region(entities), len(ids),
                      len(report.visits) if report else 0, comps, weights)
        row.score, _ = _weighted(comps, weights)
        if report is None:
            row.unranked_reason = "Sin informe del mes: no entra al ranking."
        elif len(ids) < int(r["min_entities"]):
            row.unranked_reason = f"Acompaña menos de {r['min_entities']} entidades: no entra al ranking."
        advisers.append(row)
    _rank(advisers)

    cw = {k: float(v) for k, v in r["coordinator_weights"].items()}
    coordinators = []
    for user in people_with(session, Role.COORDINADOR):
        govs = entities_of(session, user.id, Role.COORDINADOR)
        regions = {e.department.region for e in govs}
        mine = [a for a in advisers if a.region in regions and a.rank is not None]
        report = reports.get(user.id)
        region_ids = list(session.scalars(select(Entity.id).join(Department).where(Department.region.in_(regions))))
        adv = Component("advisers", mean(a.score for a in mine) / 100 if mine else None,
                        f"Promedio de {count(len(mine), 'asesor clasificado', 'asesores clasificados')} de su región: "
                        f"{params.fmt(mean(a.score for a in mine), 1) if mine else '—'}.")
        comps = [adv, _p([e.id for e in govs], progress, cut, month), _t(report, month), _s(region_ids, scores)]
        row = RankRow(user, Role.COORDINADOR, ", ".join(sorted(regions)) or "—", len(govs),
                      len(report.visits) if report else 0, comps, cw)
        row.score, _ = _weighted(comps, cw)
        row.advisers_mean = adv.value
        if report is None:
            row.unranked_reason = "Sin informe del mes: no entra al ranking."
        coordinators.append(row)
    _rank(coordinators)
    return advisers, coordinators, cut


def _main_region(entities: list[Entity]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for e in entities:
        counts[e.department.region] += 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else "—"


def _rank(rows: list[RankRow]) -> None:
    def key(row: RankRow):
        p, t = row.component("P"), row.component("T")
        return (-(row.score or 0), -((p.value if p and p.value is not None else 0)),
                -((t.value if t and t.value is not None else 0)), sort_key(row.user.name))

    ranked = sorted((x for x in rows if not x.unranked_reason and x.score is not None), key=key)
    for i, row in enumerate(ranked, start=1):
        row.rank = i
    by_region: dict[str, list[RankRow]] = defaultdict(list)
    for row in ranked:
        by_region[row.region].append(row)
    for items in by_region.values():
        for i, row in enumerate(items, start=1):
            row.region_rank = i
    unranked = sorted((x for x in rows if x.rank is None), key=lambda x: sort_key(x.user.name))
    rows[:] = ranked + unranked
