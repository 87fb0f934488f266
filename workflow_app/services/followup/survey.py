"""The monthly user survey of Monitoreo 360 (phase-ii.md §3.1): who is asked, the answer, and the results.

- Each month, from the survey's send day (``monitoreo360.json``), every entity with an active official of a
  respondent role (the secretaría de planeación, else the alcalde or gobernador) is told in the app and by e-mail
  through the outbox (``services.outbox``: written in the job's transaction, delivered after commit, re-queued by
  the sweep if Redis was down). The cron job runs daily and tells each person once per month (the outbox's
  dedupe key), so a worker that was down on the 1st catches up the next day.
- One answer per entity and month: five aspects 1–5 (or "no aplica") and a comment. A second answer for the same
  entity and month is refused in Spanish; the unique constraint ``survey_responses.entity_month`` is the guard
  when two officials answer at once.
- Results (proposal of §3.1): entity score = mean of its answered aspects; satisfied when ≥ the threshold (3.5);
  month score = mean of the entity scores; dissatisfied per 100 = 100 × share below the threshold. Grouped by
  month (with its variation), aspect, region, department and adviser; entities needing priority attention are
  those below the threshold or that dropped a point or more since their previous answer.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Iterable, Mapping, Sequence

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from state_machines.core.dates import add_months, format_date_es
from state_machines.core.roles import Role
from workflow_app.infra.clock import bogota_day, clock
from workflow_app.infra.extensions import db
from workflow_app.models import (
    SURVEY_ASPECTS,
    Department,
    Entity,
    Membership,
    Notification,
    SurveyResponse,
    User,
    recorded_now,
    utcnow,
)
from workflow_app.reference_data.names import sort_key
from workflow_app.services.followup import parameters as params
from workflow_app.services.outbox import Message, notify_many

MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
             "noviembre", "diciembre")
COMMENT_MAX = 2000
SURVEY_LINK = "/monitoreo-360/encuesta"


class SurveyError(Exception):
    """A refused answer (Spanish message); nothing was written."""

    def __init__(self, message: str, status: int = 422, field: str | None = None):
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_label(month: date) -> str:
    return f"{MONTHS_ES[month.month - 1]} de {month.year}"


# --- Who is asked ---------------------------------------------------------------------------------------------

def respondents(session: Session, entity_ids: Iterable[int] | None = None) -> dict[int, list[User]]:
    """Entity id -> the active officials asked to answer: planeación if the entity has one, else the executive."""
    roles = params.respondent_roles()
    query = (select(Membership.entity_id, Membership.role, User).join(User, User.id == Membership.user_id)
             .where(Membership.role.in_(roles), Membership.entity_id.is_not(None),
                    User.is_active_account.is_(True))
             .order_by(Membership.entity_id, User.id))
    if entity_ids is not None:
        query = query.where(Membership.entity_id.in_(list(entity_ids)))
    by_role: dict[int, dict[str, list[User]]] = defaultdict(lambda: defaultdict(list))
    for entity_id, role, user in session.execute(query):
        by_role[entity_id][role].append(user)
    out = {}
    for entity_id, found in by_role.items():
        for role in roles:  # the first role of the list that the entity has
            if found.get(role):
                out[entity_id] = found[role]
                break
    return out


def send_monthly_survey(session: Session, today: date) -> int:
    """Tell every entity's respondents that this month's survey is open (once per person and month). Returns the
    number of people newly told. Before the send day of the month, nothing."""
    if today.day < int(params.parameters()["survey"]["send_day"]):
        return 0
    month = month_of(today)
    answered = set(session.scalars(select(SurveyResponse.entity_id).where(SurveyResponse.month == month)))
    people = respondents(session)
    entities = {e.id: e for e in session.scalars(
        select(Entity).where(Entity.id.in_(list(people))).options(joinedload(Entity.department)))}
    items = []
    for entity_id, users in people.items():
        if entity_id in answered or entity_id not in entities:
            continue
        entity = entities[entity_id]
        items.append((users, Message(
            kind="survey", dedupe_key=f"survey:{entity.dane_code}:{month:%Y-%m}",
            subject=f"Encuesta mensual de Gobierno al Plan ({month_label(month)}): {entity.display_name}",
            body=(f"Cuéntenos cómo le fue con la asistencia técnica del DNP en {month_label(month)}. Son cinco "
                  "preguntas de 1 a 5 y un comentario opcional: menos de dos minutos. Una sola respuesta por "
                  f"entidad; puede responderla hasta el último día de {MONTHS_ES[month.month - 1]}."),
            link=f"{SURVEY_LINK}?entidad={entity.dane_code}", due_on=_last_day(month),
            legal_basis="")))  # no norm: a DNP practice (phase-ii.md §3), not a legal term
    told = notify_many(session, items)
    session.commit()
    return sum(count for _, count in told)


def survey_job(day: str | None = None) -> int:
    """RQ cron entry (notifications/cron_config.py): runs inside the worker's app context. ``day`` (ISO) only for a
    run by hand; the cron passes nothing and the day is today in Bogotá."""
    return send_monthly_survey(db.session, date.fromisoformat(day) if day else clock().today())


def _last_day(month: date) -> date:
    nxt = date(month.year + (month.month == 12), 1 if month.month == 12 else month.month + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


# --- The answer -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SurveyCommand:
    scores: dict[str, int | None]  # aspect key -> 1..5 or None (no aplica)
    comment: str = ""
    respondent_level: str | None = None


def answerable_entities(user: User) -> list[Entity]:
    roles = set(params.respondent_roles())
    seen = {}
    for m in user.memberships:
        if m.role in roles and m.entity is not None:
            seen[m.entity_id] = m.entity
    return sorted(seen.values(), key=lambda e: e.sort_key)


_ANSWERED = select(SurveyResponse.entity_id).where(  # built once: "Mis pendientes" asks on every visit
    SurveyResponse.month == bindparam("month"), SurveyResponse.entity_id.in_(bindparam("entity_ids", expanding=True)))


def pending_for(session: Session, user: User, today: date, known: Mapping[int, bool] | None = None) -> list[Entity]:
    """The entities this person answers for whose survey of the month is open and not answered yet (the notice on
    "Mis pendientes"). ``known``: entity id -> answered this month, as the caller already read it; the survey
    table is asked only when an entity is missing from it."""
    if today.day < int(params.parameters()["survey"]["send_day"]):
        return []
    entities = answerable_entities(user)
    if not entities:
        return []
    if known is not None and all(e.id in known for e in entities):
        return [e for e in entities if not known[e.id]]
    answered = set(session.scalars(_ANSWERED, {"month": month_of(today), "entity_ids": [e.id for e in entities]}))
    return [e for e in entities if e.id not in answered]


def answer_of(session: Session, entity_id: int, month: date) -> SurveyResponse | None:
    return session.scalar(select(SurveyResponse).filter_by(entity_id=entity_id, month=month))


def _refusal_for(existing: SurveyResponse, entity: Entity, month: date) -> SurveyError:
    when = format_date_es(bogota_day(clock().shown(existing.submitted_at)))
    return SurveyError(f"La encuesta de {month_label(month)} de {entity.display_name} ya fue respondida el {when}. "
                       "Solo se recibe una respuesta por entidad y por mes; la próxima se abre el mes que viene.",
                       status=409)


def submit(session: Session, entity: Entity, user: User, command: SurveyCommand, today: date) -> SurveyResponse:
    """Record one entity's answer for the month of ``today``: one INSERT and one commit, or nothing."""
    if entity.id not in {e.id for e in answerable_entities(user)}:
        raise SurveyError("Su cuenta no responde la encuesta por esta entidad: la responde la secretaría de "
                          "planeación o el despacho del alcalde o gobernador.", status=403)
    month = month_of(today)
    existing = answer_of(session, entity.id, month)
    if existing is not None:
        raise _refusal_for(existing, entity, month)
    errors = []
    for key in SURVEY_ASPECTS:
        value = command.scores.get(key)
        if value is not None and value not in (1, 2, 3, 4, 5):
            errors.append(key)
    if errors:
        raise SurveyError("Cada aspecto se califica de 1 a 5, o «No aplica».", field=errors[0])
    if all(command.scores.get(k) is None for k in SURVEY_ASPECTS):
        raise SurveyError("Califique al menos un aspecto de 1 a 5.", field=SURVEY_ASPECTS[0])
    comment = (command.comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise SurveyError(f"El comentario puede tener hasta {COMMENT_MAX} caracteres; tiene {len(comment)}.",
                          field="comment")
    level = command.respondent_level or None
    if level is not None and level not in {k for k, _ in params.respondent_levels()}:
        raise SurveyError("Elija su nivel en la entidad de la lista.", field="respondent_level")
    row = SurveyResponse(entity_id=entity.id, month=month, respondent_id=user.id, respondent_level=level,
                         comment=comment, submitted_at=recorded_now(),
                         **{k: command.scores.get(k) for k in SURVEY_ASPECTS})
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # another official of the entity answered a moment ago
        session.rollback()
        existing = answer_of(session, entity.id, month)
        if existing is None:
            raise
        raise _refusal_for(existing, entity, month) from None
    # The notices of this month's survey to the entity's officials are done.
    session.execute(update(Notification).where(
        Notification.kind == "survey", Notification.read_at.is_(None),
        Notification.dedupe_key.like(f"survey:{entity.dane_code}:{month:%Y-%m}:%")).values(read_at=utcnow()))
    session.commit()
    return row


# --- Results ----------------------------------------------------------------------------------------------------

def entity_score(row: SurveyResponse) -> float | None:
    values = [getattr(row, k) for k in SURVEY_ASPECTS if getattr(row, k) is not None]
    return mean(values) if values else None


@dataclass
class Group:
    key: str
    label: str
    scores: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def average(self) -> float | None:
        return round(mean(self.scores), 2) if self.scores else None

    @property
    def dissatisfied_per_100(self) -> float | None:
        if not self.scores:
            return None
        below = sum(1 for s in self.scores if s < params.threshold())
        return round(100 * below / len(self.scores), 1)

    @property
    def is_satisfied(self) -> bool:
        return self.average is not None and self.average >= params.threshold()


@dataclass
class MonthRow(Group):
    variation: float | None = None
    aspects: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Attention:
    entity: Entity
    month: date
    score: float
    previous: float | None
    reason: str
    comment: str


@dataclass
class Results:
    months: list[MonthRow]
    aspects: list[tuple[str, str, float | None, int]]  # key, label, mean over the period, answers
    regions: list[Group]
    departments: list[Group]
    advisers: list[Group]
    attention: list[Attention]
    answers: int
    threshold: float


def results(session: Session, first: date | None = None, last: date | None = None,
            region: str | None = None, department: str | None = None,
            detail_entity_ids: set[int] | None = None) -> Results:
    """Aggregates of the answers between the months ``first`` and ``last`` (inclusive), optionally for one region
    or department. ``detail_entity_ids``: entities whose individual scores may be listed in "attention" (the
    viewer's scope; None = all)."""
    query = (select(SurveyResponse, Entity, Department).join(Entity, Entity.id == SurveyResponse.entity_id)
             .join(Department, Department.code == Entity.department_code).order_by(SurveyResponse.month))
    if first:
        query = query.where(SurveyResponse.month >= first)
    if last:
        query = query.where(SurveyResponse.month <= last)
    if region:
        query = query.where(Department.region == region)
    if department:
        query = query.where(Department.code == department)
    rows = session.execute(query).all()
    entity_ids = {e.id for _, e, _ in rows}
    advisers = _advisers_of(session, entity_ids)

    by_month: dict[date, MonthRow] = {}
    aspect_values: dict[str, list[int]] = defaultdict(list)
    month_aspects: dict[date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    regions: dict[str, Group] = {}
    departments: dict[str, Group] = {}
    by_adviser: dict[int, Group] = {}
    history: dict[int, list[tuple[date, float, SurveyResponse]]] = defaultdict(list)
    for response, entity, dept in rows:
        score = entity_score(response)
        if score is None:
            continue
        m = response.month
        by_month.setdefault(m, MonthRow(m.isoformat(), month_label(m))).scores.append(score)
        for k in SURVEY_ASPECTS:
            value = getattr(response, k)
            if value is not None:
                aspect_values[k].append(value)
                month_aspects[m][k].append(value)
        regions.setdefault(dept.region, Group(dept.region, dept.region)).scores.append(score)
        departments.setdefault(dept.code, Group(dept.code, dept.name)).scores.append(score)
        for user_id, name in advisers.get(entity.id, ()):
            by_adviser.setdefault(user_id, Group(str(user_id), name)).scores.append(score)
        history[entity.id].append((m, score, response))

    months = [by_month[m] for m in sorted(by_month)]
    for previous, current in zip(months, months[1:]):
        # «this month's mean − last month's» (docs/monitoreo-360.md §6): the calendar month before, not the last
        # month that had answers (QA, 7 December 2026: December 2027 was compared with June 2026).
        consecutive = add_months(date.fromisoformat(previous.key), 1) == date.fromisoformat(current.key)
        if consecutive and previous.average is not None and current.average is not None:
            current.variation = round(current.average - previous.average, 2)
    for row in months:
        m = date.fromisoformat(row.key)
        row.aspects = {k: round(mean(v), 2) if v else None for k, v in month_aspects[m].items()}
    aspect_rows = [(a.key, a.label, round(mean(aspect_values[a.key]), 2) if aspect_values[a.key] else None,
                    len(aspect_values[a.key])) for a in params.aspects()]
    entities = {e.id: e for _, e, _ in rows}
    return Results(
        months=months, aspects=aspect_rows,
        regions=sorted(regions.values(), key=lambda g: sort_key(g.label)),
        departments=sorted(departments.values(), key=lambda g: sort_key(g.label)),
        advisers=sorted(by_adviser.values(), key=lambda g: sort_key(g.label)),
        attention=_attention(history, entities, detail_entity_ids),
        answers=sum(m.count for m in months), threshold=params.threshold())


def _attention(history, entities, allowed: set[int] | None) -> list[Attention]:
    drop = float(params.parameters()["survey"]["priority_drop"])
    out = []
    for entity_id, answers in history.items():
        if allowed is not None and entity_id not in allowed:
            continue
        month, score, response = answers[-1]
        previous = answers[-2][1] if len(answers) > 1 else None
        reasons = []
        if score < params.threshold():
            reasons.append(f"por debajo del umbral de {params.fmt(params.threshold(), 1)}")
        if previous is not None and previous - score >= drop:
            reasons.append(f"bajó {params.fmt(previous - score)} puntos frente a su respuesta anterior")
        if reasons:
            out.append(Attention(entities[entity_id], month, round(score, 2), previous and round(previous, 2),
                                 " y ".join(reasons), response.comment))
    return sorted(out, key=lambda a: (a.score, sort_key(a.entity.name)))


def _advisers_of(session: Session, entity_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    if not entity_ids:
        return {}
    out: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for entity_id, user_id, name in session.execute(
            select(Membership.entity_id, User.id, User.name).join(User, User.id == Membership.user_id)
            .where(Membership.role == Role.ASESOR.value, Membership.entity_id.in_(entity_ids))):
        out[entity_id].append((user_id, name))
    return out


def available_months(session: Session) -> list[date]:
    return list(session.scalars(select(SurveyResponse.month).distinct().order_by(SurveyResponse.month)))


def regions_and_departments(session: Session) -> tuple[list[str], list[Department]]:
    departments = list(session.scalars(select(Department).order_by(Department.sort_key)))
    return sorted({d.region for d in departments}, key=sort_key), departments


# --- Exports (aggregates only, never an individual answer) ------------------------------------------------------

def export_table(res: Results) -> tuple[tuple, list[tuple]]:
    header = ("Grupo", "Clave", "Nombre", "Respuestas", "Calificación promedio (1–5)",
              "Insatisfechos por cada 100", f"Satisfecho (umbral {params.fmt(res.threshold, 1)})",
              "Variación frente al mes anterior",
              *(f"{a.label} (promedio)" for a in params.aspects()))
    rows: list[tuple] = []
    for m in res.months:
        rows.append(("Mes", m.key[:7], m.label, m.count, m.average, m.dissatisfied_per_100,
                     "Sí" if m.is_satisfied else "No", m.variation, *(m.aspects.get(a.key) for a in params.aspects())))
    for kind, groups in (("Región", res.regions), ("Departamento", res.departments), ("Asesor", res.advisers)):
        for g in groups:
            rows.append((kind, g.key, g.label, g.count, g.average, g.dissatisfied_per_100,
                         "Sí" if g.is_satisfied else "No", None, *(None for _ in params.aspects())))
    for key, label, average, count in res.aspects:
        rows.append(("Aspecto", key, label, count, average, None,
                     "Sí" if average is not None and average >= res.threshold else "No", None,
                     *(None for _ in params.aspects())))
    return header, rows


#: The open API shows no figure of a group answered by fewer entities than this: a department's month with one
#: answer is that entity's answer (QA, 7 December 2026: Filandia's four ratings read through the API). The count
#: stays; the figures are null and ``reservado`` is true.
API_MIN_ANSWERS = 3


def _shown(count: int, figures: dict, reserved: bool = False) -> dict:
    if count >= API_MIN_ANSWERS and not reserved:
        return {**figures, "reservado": False}
    return {**{k: (None if k != "aspectos" else {}) for k in figures}, "reservado": True}


def _reserved_keys(groups: Sequence[Group]) -> set[str]:
    """The groups of one partition (the regions, or the departments) whose figures are withheld: those under
    ``API_MIN_ANSWERS`` and, when these together hold fewer than that many answers, the smallest others until they
    do, so the whole minus the shown groups does not give a withheld group's figure by subtraction (QA, 7
    December 2026: 4 × 3,9 − 3 × 4,0 gave the one answer of Sucre)."""
    reserved = {g.key for g in groups if g.count < API_MIN_ANSWERS}
    held = sum(g.count for g in groups if g.key in reserved)
    for g in sorted((g for g in groups if g.key not in reserved), key=lambda g: g.count):
        if held == 0 or held >= API_MIN_ANSWERS:
            break
        reserved.add(g.key)
        held += g.count
    return reserved


def leaves_a_small_rest(part: Results, whole: Results) -> bool:
    """Whether the answers of a filtered query (a region, a department) and the whole's for the same months differ
    by fewer than ``API_MIN_ANSWERS`` (and more than none), overall, in a month or in an aspect: the whole's figures
    minus the part's would give those few answers (QA, 7 December 2026: the country's and Quindío's aspect means
    gave Sucre's one answer)."""
    def small(rest: int) -> bool:
        return 0 < rest < API_MIN_ANSWERS

    months = {m.key: m.count for m in part.months}
    aspects = {k: n for k, _label, _avg, n in part.aspects}
    return small(whole.answers - part.answers) or any(small(m.count - months.get(m.key, 0)) for m in whole.months) \
        or any(small(n - aspects.get(k, 0)) for k, _label, _avg, n in whole.aspects)


def api_aggregates(res: Results, reserve_all: bool = False) -> dict:
    """What the API exposes: counts and means by month, aspect, region and department; no answer, no entity,
    no figure of a group smaller than ``API_MIN_ANSWERS`` nor one that subtraction would give (``_reserved_keys``;
    ``reserve_all`` for a filtered query that ``leaves_a_small_rest``). The counts stay: they are not scores."""
    regions, departments = _reserved_keys(res.regions), _reserved_keys(res.departments)
    return {
        "umbral_satisfaccion": res.threshold,
        "escala": {str(k): v for k, v in params.scale_labels().items()},
        "respuestas": res.answers,
        "minimo_respuestas_por_grupo": API_MIN_ANSWERS,
        "meses": [{"mes": m.key[:7], "respuestas": m.count, **_shown(m.count, {
                   "promedio": m.average, "insatisfechos_por_100": m.dissatisfied_per_100,
                   "variacion": m.variation, "aspectos": m.aspects}, reserve_all)} for m in res.months],
        "aspectos": [{"aspecto": k, "nombre": label, "respuestas": n, **_shown(n, {"promedio": avg}, reserve_all)}
                     for k, label, avg, n in res.aspects],
        "regiones": [_group_json(g, reserve_all or g.key in regions) for g in res.regions],
        "departamentos": [_group_json(g, reserve_all or g.key in departments) for g in res.departments],
    }


def _group_json(g: Group, reserved: bool) -> dict:
    return {"clave": g.key, "nombre": g.label, "respuestas": g.count,
            **_shown(g.count, {"promedio": g.average, "insatisfechos_por_100": g.dissatisfied_per_100}, reserved)}
