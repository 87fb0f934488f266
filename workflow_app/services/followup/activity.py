"""Advisers' and regional coordinators' monthly activity reports, and the monthly ranking (phase-ii.md §3.4).

The seeds give no formula; this is the spec's transparent proposal, every component shown (weights in
``monitoreo360.json``):

    score = 100 × (0.30 P + 0.20 T + 0.15 E + 0.20 S + 0.15 C) ÷ (sum of the weights of the components present)

- P (progress): mean over the adviser's entities that have a plan in the period running at the month's end of
  min(1, SETA progress ÷ the month's target); SETA progress is the latest cut of that period taken by the month's
  last day (``P_USES_EARLIER_CUT``), 0 when the period has no cut yet.
- T (timeliness): 0.5 × report on time (1 if submitted by the 10th of the next month, −0.1 per business day late,
  not below 0) + 0.5 × share of the month's asesorías loaded in SETA within 5 business days (with no asesoría
  reported, that share is 0: ``NO_VISITS_SCORE_ZERO``).
- E (evidence): share of reported asesorías with an attendance sheet and a SETA record (0 with none reported).
- S (satisfaction): (mean survey score of the adviser's entities over the last 3 months − 1) ÷ 4.
- C (coordinator): (the coordinator's 1–5 rating of the month − 1) ÷ 4.

Only a missing S or C (no answers, no rating) is left out and the rest re-weighted (§3.4: "Missing S or C:
re-weight the rest"); without P (none of the adviser's entities has a plan in the period) there is no rank. A month
is ranked, and rated by the coordinator, once it has ended. No rank without a report or with fewer than 3 entities.
Ties: P, then T. Raw counts of asesorías are shown, never scored. A coordinator: 0.5 × mean of their ranked advisers
+ 0.2 × P of their gobernaciones + 0.15 × own T + 0.15 × the region's S, the advisers' mean and S re-weighted when
missing.

What the form sends is checked here: each asesoría has its entity, date, mode and topic, and neither it nor its
SETA load is dated after the day it is reported (an asesoría of 25 March reported on 10 March was scored).
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
from workflow_app.infra.clock import start_of_day_utc
from workflow_app.models import (
    VISIT_MODES,
    ActivityReport,
    ActivityVisit,
    Department,
    Entity,
    Membership,
    MilestoneCheck,
    Period,
    Plan,
    SetaCut,
    SetaCutRow,
    SurveyResponse,
    User,
)
from workflow_app.reference_data.names import sort_key
from workflow_app.services.followup import parameters as params
from workflow_app.services.followup.survey import API_MIN_ANSWERS, entity_score, month_label

COMPONENT_LABELS = {
    "P": "Avance en SETA frente a la meta del mes",
    "T": "Oportunidad (informe a tiempo y cargue en SETA)",
    "E": "Evidencia de las asesorías",
    "S": "Satisfacción de las entidades (encuesta)",
    "C": "Calificación del coordinador",
}
NOTES_MAX = 6000
TOPIC_MAX = 200

#: phase-ii.md §3.4: "Missing S or C: re-weight the rest". The coordinator's mean of their advisers is re-weighted
#: too when no adviser of the region is ranked (interpretation: the spec's coordinator formula is a proposal and says
#: nothing of it). Any other component missing means no score.
REWEIGHTED_WHEN_MISSING = frozenset({"S", "C", "advisers"})

#: Interpretation of §3.4's "SETA progress" (§3.3: cuts on the 15th and the month's last day): the progress of a
#: month is its latest cut by the month's last day. A month with no cut of its own (the scheduler was down) takes the
#: latest earlier cut of the same period when True (progress only grows, so an older cut can only understate it);
#: when False, or when the period has no cut yet, nothing is recorded in SETA and progress is 0. P is never left out.
P_USES_EARLIER_CUT = True

#: Interpretation of §3.4's T and E ("share of asesorías …") for a month with no asesoría reported: the share is 0,
#: not a missing component re-weighted away (§3.4 re-weights only S and C; an adviser who reported none scored
#: higher than one who reported some). The count of asesorías itself is never scored.
NO_VISITS_SCORE_ZERO = True


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
    errors = {**_report_problems(command, month, allowed, today), **(unreadable or {})}
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


def _report_problems(command: ReportCommand, month: date, allowed: set[int], today: date) -> dict[str, str]:
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
        elif v.on > today:
            errors[row + "on"] = (f"Asesoría {i}: la fecha ({format_date_es(v.on)}) es posterior a hoy; se reportan las "
                                  "asesorías ya hechas.")
        elif v.seta_loaded_on is not None and v.seta_loaded_on < v.on:
            errors[row + "seta"] = f"Asesoría {i}: la fecha de cargue en SETA no puede ser anterior a la asesoría."
        if v.seta_loaded_on is not None and v.seta_loaded_on > today and row + "seta" not in errors:
            errors[row + "seta"] = (f"Asesoría {i}: la fecha de cargue en SETA ({format_date_es(v.seta_loaded_on)}) es "
                                    "posterior a hoy; escríbala cuando quede cargada.")
        if v.mode not in VISIT_MODES:
            errors[row + "mode"] = f"Asesoría {i}: elija si fue presencial o virtual."
        if not v.topic.strip():
            errors[row + "topic"] = f"Asesoría {i}: indique el tema o el hito trabajado."
        elif len(v.topic) > TOPIC_MAX:
            errors[row + "topic"] = f"Asesoría {i}: el tema puede tener hasta {TOPIC_MAX} caracteres."
    if command.trainings < 0 or command.trainings > 500:
        errors["trainings"] = "Las capacitaciones dictadas deben ser un número entre 0 y 500."
    if len(command.notes) > NOTES_MAX:
        errors["notes"] = f"Las notas pueden tener hasta {NOTES_MAX} caracteres."
    return errors


def month_has_ended(month: date, today: date) -> bool:
    return today > last_day_of_month(month.year, month.month)


def first_day_after(month: date) -> date:
    return add_months(month.replace(day=1), 1)


def rate(session: Session, coordinator: User, report: ActivityReport, rating: int, today: date) -> None:
    """The regional coordinator's 1–5 rating of an adviser's month (the ranking's C), once the month has ended."""
    regions = coordinator_regions(session, coordinator.id)
    # The adviser's region is the one the ranking places them in (``_main_region``), as the page offers the form:
    # a coordinator of another region where the adviser has an entity or two could rate them too.
    if _main_region(entities_of(session, report.user_id, Role.ASESOR)) not in regions:
        raise ActivityError("Solo el coordinador de la región del asesor califica su informe.", 403)
    if not month_has_ended(report.month, today):
        raise ActivityError(f"{month_label(report.month).capitalize()} no ha terminado: el mes se califica desde el "
                            f"{format_date_es(first_day_after(report.month), weekday=True)}.", 409, field="rating")
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
    """The score over the components present, None when one that is never re-weighted is missing (§3.4)."""
    if any(c.value is None and c.key not in REWEIGHTED_WHEN_MISSING for c in components if c.key in weights):
        return None, 0.0
    present = [(weights[c.key], c.value) for c in components if c.value is not None and c.key in weights]
    total = sum(w for w, _ in present)
    if not total:
        return None, 0.0
    return round(100 * sum(w * v for w, v in present) / total, 1), total


@dataclass(frozen=True)
class SetaProgress:
    """What P reads for a month: the cut used (None when the period has none yet), each entity's progress there,
    and the entities with a plan in the period running at the month's end."""

    month: date
    cut: SetaCut | None
    progress: dict[int, float]
    planned: frozenset[int]


def _seta_progress(session: Session, month: date) -> SetaProgress:
    """The latest cut by the month's last day within the period running then (``P_USES_EARLIER_CUT``)."""
    end = last_day_of_month(month.year, month.month)
    period = session.scalar(select(Period).where(Period.start_on <= end, Period.end_on >= end))
    planned = frozenset(session.scalars(select(Plan.entity_id).where(Plan.period_id == period.id))) \
        if period is not None else frozenset()
    if period is None:
        since = month
    else:
        since = period.start_on if P_USES_EARLIER_CUT else max(period.start_on, month)
    cut = session.scalar(select(SetaCut).where(SetaCut.cut_on >= since, SetaCut.cut_on <= end)
                         .order_by(SetaCut.cut_on.desc()).limit(1))
    progress: dict[int, float] = {}
    if cut is not None:
        for entity_id, value in session.execute(select(SetaCutRow.entity_id, SetaCutRow.progress)
                                                .filter_by(cut_id=cut.id)):
            progress[entity_id] = max(value, progress.get(entity_id, 0.0))
    return SetaProgress(month, cut, progress, planned)


def _survey_scores(session: Session, month: date) -> dict[int, list[float]]:
    first = add_months(month, -(int(params.ranking()["survey_months"]) - 1))
    out: dict[int, list[float]] = defaultdict(list)
    for row in session.scalars(select(SurveyResponse).where(SurveyResponse.month >= first,
                                                            SurveyResponse.month <= month)):
        score = entity_score(row)
        if score is not None:
            out[row.entity_id].append(score)
    return out


def _p(entities: list[Entity], seta: SetaProgress) -> Component:
    month, cut = seta.month, seta.cut
    target = params.monthly_target(month)
    if not entities:
        return Component("P", None, "Sin entidades asignadas: sin P no entra al ranking.")
    counted = [e for e in entities if e.id in seta.planned]
    left_out = [e for e in entities if e.id not in seta.planned]
    without = (f" Sin plan del período, no {'cuenta' if len(left_out) == 1 else 'cuentan'}: "
               + ", ".join(e.display_name for e in left_out) + ".") if left_out else ""
    if not counted:
        return Component("P", None, "Ninguna de sus entidades tiene plan del período: sin P no entra al ranking."
                         + without)
    values = [min(1.0, seta.progress.get(e.id, 0.0) / target) if target else 1.0 for e in counted]
    shown = ", ".join(f"{e.display_name} {params.pct(seta.progress.get(e.id, 0.0))}" for e in counted)
    if cut is None:
        source = (f"Sin corte SETA del período hasta el fin de {month_label(month)}: nada registrado, avance 0 % "
                  f"de {count(len(values), 'entidad', 'entidades')} ({shown})")
    else:
        earlier = f" (no hubo corte en {month_label(month)}: se usa el último anterior)" if cut.cut_on < month else ""
        source = (f"Avance al {format_date_es(cut.cut_on)}{earlier} de {count(len(values), 'entidad', 'entidades')} "
                  f"({shown})")
    return Component("P", mean(values), f"{source} frente a la meta del mes de {params.fmt(target, 1)} %.{without}")


def _t(report: ActivityReport | None, month: date, today: date) -> Component:
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
    sent = (f"Informe enviado el {format_date_es(report.submitted_on)} (plazo: {format_date_es(due)}; "
            f"{count(late, 'día hábil', 'días hábiles')} tarde → {params.fmt(on_time)})")
    if not visits:
        if NO_VISITS_SCORE_ZERO:
            return Component("T", 0.5 * on_time, f"{sent}; sin asesorías reportadas: ninguna cargada en SETA (0).")
        return Component("T", on_time, f"{sent}. Sin asesorías: solo cuenta el informe.")
    loaded = sum(1 for v in visits if _loaded(v, today) and cal.business_days_between(v.on, v.seta_loaded_on) <= limit)
    return Component("T", 0.5 * on_time + 0.5 * loaded / len(visits),
                     f"{sent}; {loaded} de {count(len(visits), 'asesoría cargada', 'asesorías cargadas')} en SETA "
                     f"dentro de {limit} días hábiles.")


def _loaded(visit: ActivityVisit, today: date) -> bool:
    """Loaded in SETA by today: a load dated later (typed before the fix that refuses it) is not one yet."""
    return visit.seta_loaded_on is not None and visit.seta_loaded_on <= today


def _e(report: ActivityReport | None, today: date) -> Component:
    if report is None:
        return Component("E", None, "Sin informe del mes.")
    if not report.visits:
        if NO_VISITS_SCORE_ZERO:
            return Component("E", 0.0, "Sin asesorías reportadas: ninguna con planilla y registro en SETA (0).")
        return Component("E", None, "Sin asesorías reportadas: no se califica.")
    good = sum(1 for v in report.visits if v.has_evidence and _loaded(v, today))
    return Component("E", good / len(report.visits), f"{good} de "
                     f"{count(len(report.visits), 'asesoría', 'asesorías')} con planilla de asistencia y registro "
                     "en SETA.")


def _s(entity_ids, scores) -> Component:
    values = [s for e in entity_ids for s in scores.get(e, [])]
    months = int(params.ranking()["survey_months"])
    if not values:
        return Component("S", None, f"Ninguna de sus entidades respondió la encuesta en los últimos {months} meses.")
    if len(values) < API_MIN_ANSWERS:
        # As the survey's results withhold a group this small: its mean would show what each entity answered.
        return Component("S", None, f"Sus entidades dieron {count(len(values), 'respuesta', 'respuestas')} en los "
                         f"últimos {months} meses: con menos de {API_MIN_ANSWERS}, el promedio dejaría ver lo que "
                         "respondió cada una, así que no se muestra ni se pondera.")
    avg = mean(values)
    return Component("S", (avg - 1) / 4, f"Promedio de {count(len(values), 'respuesta', 'respuestas')} de sus "
                     "entidades en los últimos "
                     f"{months} meses: {params.fmt(avg)} de 5.")


def _c(report: ActivityReport | None) -> Component:
    if report is None or report.coordinator_rating is None:
        return Component("C", None, "El coordinador no ha calificado el mes.")
    return Component("C", (report.coordinator_rating - 1) / 4,
                     f"Calificación del coordinador: {report.coordinator_rating} de 5.")


def ranking(session: Session, month: date, today: date) -> tuple[list[RankRow], list[RankRow], SetaCut | None]:
    """(advisers, coordinators, the cut used) for an ended month, ranked nationally (``rank``) and by region.
    A month not yet ended has no ranking (``month_has_ended``)."""
    if not month_has_ended(month, today):
        raise ActivityError(f"{month_label(month).capitalize()} no ha terminado: su ranking se calcula desde el "
                            f"{format_date_es(first_day_after(month), weekday=True)}.", 409)
    r = params.ranking()
    weights = {k: float(v) for k, v in r["weights"].items()}
    seta = _seta_progress(session, month)
    scores = _survey_scores(session, month)
    reports = {rep.user_id: rep for rep in session.scalars(
        select(ActivityReport).filter_by(month=month).options(selectinload(ActivityReport.visits)))}
    advisers = []
    for user in people_with(session, Role.ASESOR):
        entities = entities_of(session, user.id, Role.ASESOR)
        ids = [e.id for e in entities]
        report = reports.get(user.id)
        comps = [_p(entities, seta), _t(report, month, today), _e(report, today), _s(ids, scores), _c(report)]
        row = RankRow(user, Role.ASESOR, _main_region(entities), len(ids),
                      len(report.visits) if report else 0, comps, weights)
        row.score, _ = _weighted(comps, weights)
        if report is None:
            row.unranked_reason = "Sin informe del mes: no entra al ranking."
        elif len(ids) < int(r["min_entities"]):
            row.unranked_reason = f"Acompaña menos de {r['min_entities']} entidades: no entra al ranking."
        elif row.score is None:
            row.unranked_reason = _missing_reason(comps)
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
        comps = [adv, _p(govs, seta), _t(report, month, today), _s(region_ids, scores)]
        row = RankRow(user, Role.COORDINADOR, ", ".join(sorted(regions)) or "—", len(govs),
                      len(report.visits) if report else 0, comps, cw)
        row.score, _ = _weighted(comps, cw)
        row.advisers_mean = adv.value
        if report is None:
            row.unranked_reason = "Sin informe del mes: no entra al ranking."
        elif row.score is None:
            row.unranked_reason = _missing_reason(comps)
        coordinators.append(row)
    _rank(coordinators)
    return advisers, coordinators, seta.cut


def _missing_reason(components: list[Component]) -> str:
    """Why there is no score: the first component §3.4 never re-weights that is missing, in its own words."""
    missing = next(c for c in components if c.value is None and c.key not in REWEIGHTED_WHEN_MISSING)
    return missing.detail.split(". ")[0].rstrip(".") + "."


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
