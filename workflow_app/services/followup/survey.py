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
from typing import Collection, Iterable, Mapping, Sequence

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


@dataclass(frozen=True)
class Answer:
    """One entity's answer as the aggregates count it: where and when, its score and its rated aspects (no
    comment, no respondent)."""
    entity_id: int
    month: date
    department: str  # DANE code
    department_name: str
    region: str
    score: float
    aspects: Mapping[str, int]  # aspect key -> 1..5; «no aplica» left out


@dataclass
class Group:
    key: str
    label: str
    scores: list[float] = field(default_factory=list)
    withheld: str = ""  # why its figures are not shown (Spanish), "" when they are: see ``withheld_cells``

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def is_withheld(self) -> bool:
        return bool(self.withheld)

    @property
    def average(self) -> float | None:
        return None if self.withheld else self._mean()

    @property
    def dissatisfied_per_100(self) -> float | None:
        if not self.scores or self.withheld:
            return None
        below = sum(1 for s in self.scores if s < params.threshold())
        return round(100 * below / len(self.scores), 1)

    @property
    def is_satisfied(self) -> bool:
        return self.average is not None and self.average >= params.threshold()

    def _mean(self) -> float | None:
        return round(mean(self.scores), 2) if self.scores else None


@dataclass
class MonthRow(Group):
    variation: float | None = None
    aspects: dict[str, float | None] = field(default_factory=dict)  # None: withheld
    aspect_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AspectRow:
    key: str
    label: str
    average: float | None  # over the period; None when withheld or not rated
    count: int
    withheld: str = ""


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
    aspects: list[AspectRow]
    regions: list[Group]
    departments: list[Group]
    advisers: list[Group]
    attention: list[Attention]
    answers: int
    threshold: float


def results(session: Session, first: date | None = None, last: date | None = None,
            region: str | None = None, department: str | None = None,
            detail_entity_ids: Collection[int] | None = frozenset()) -> Results:
    """Aggregates of the answers between the months ``first`` and ``last`` (inclusive), optionally for one region
    or department. ``detail_entity_ids``: the entities whose individual scores the viewer may see (None: all, an
    administrator); they may be listed in "attention", and a figure made only of their answers is not withheld.
    The default, none, is the public's: what the open API shows."""
    query = (select(SurveyResponse, Entity, Department).join(Entity, Entity.id == SurveyResponse.entity_id)
             .join(Department, Department.code == Entity.department_code).order_by(SurveyResponse.month))
    if first:
        query = query.where(SurveyResponse.month >= first)
    if last:
        query = query.where(SurveyResponse.month <= last)
    # Every region's answers are read, whatever the filter: what is withheld in a month is decided on the whole
    # country's answers of that month, so that a filtered query and an unfiltered one withhold the same cells.
    answers: list[Answer] = []
    history: dict[int, list[tuple[date, float, SurveyResponse]]] = defaultdict(list)
    entities: dict[int, Entity] = {}
    for response, entity, dept in session.execute(query):
        score = entity_score(response)
        if score is None:
            continue
        answer = Answer(entity.id, response.month, dept.code, dept.name, dept.region, score,
                        {k: getattr(response, k) for k in SURVEY_ASPECTS if getattr(response, k) is not None})
        answers.append(answer)
        if _in_area(answer, region, department):
            history[entity.id].append((response.month, score, response))
            entities[entity.id] = entity
    res = aggregate(answers, region, department, detail_entity_ids, _advisers_of(session, set(entities)))
    res.attention = _attention(history, entities, detail_entity_ids)
    return res


def _in_area(answer: Answer, region: str | None, department: str | None) -> bool:
    return (region is None or answer.region == region) and (department is None or answer.department == department)


def aggregate(answers: Sequence[Answer], region: str | None = None, department: str | None = None,
              known: Collection[int] | None = frozenset(),
              advisers: Mapping[int, Sequence[tuple[int, str]]] | None = None) -> Results:
    """The figures of ``answers`` in the area (a region, a department, else the country) by month, aspect, region,
    department and adviser, with what is withheld from a viewer who knows the individual scores of the entities
    ``known`` (None: all). ``answers`` holds the whole country's answers of the months, not only the area's."""
    withheld = withheld_cells(answers)
    area = _area_node(region, department)
    chosen = [a for a in answers if _in_area(a, region, department)]

    def hidden(cell_answers: Sequence[Answer], month: date, node: Node) -> str:
        """Why the figures of a month's cell are not shown to this viewer, or ""."""
        if not cell_answers or known is None or all(a.entity_id in known for a in cell_answers):
            return ""  # nothing to show, or only answers the viewer may see one by one
        return withheld.get((month, node), "")

    def over_period(cell_answers: Sequence[Answer], node: Node) -> str:
        """A figure over several months is shown only when each month's figures of the same cell are: else the
        period's minus the other months' would give a withheld month (QA: February and March 2028)."""
        by_month: dict[date, list[Answer]] = defaultdict(list)
        for a in cell_answers:
            by_month[a.month].append(a)
        reasons = [r for m, its in sorted(by_month.items()) if (r := hidden(its, m, node))]
        if not reasons:
            return ""
        if len(cell_answers) < API_MIN_ANSWERS:
            return few_answers_reason()
        return reasons[0] if len(by_month) == 1 else PERIOD_REASON

    months: list[MonthRow] = []
    for m in sorted({a.month for a in chosen}):
        its = [a for a in chosen if a.month == m]
        row = MonthRow(m.isoformat(), month_label(m), [a.score for a in its], hidden(its, m, area))
        for key in SURVEY_ASPECTS:
            rated = [a.aspects[key] for a in its if key in a.aspects]
            if rated:
                row.aspect_counts[key] = len(rated)
                if not row.withheld:
                    row.aspects[key] = round(mean(rated), 2)
        months.append(row)
    for previous, current in zip(months, months[1:]):
        # «this month's mean − last month's» (docs/monitoreo-360.md §6): the calendar month before, not the last
        # month that had answers (QA, 7 December 2026: December 2027 was compared with June 2026); none when
        # either is withheld, since the shown one plus the variation would give the other.
        consecutive = add_months(date.fromisoformat(previous.key), 1) == date.fromisoformat(current.key)
        if consecutive and previous.average is not None and current.average is not None:
            current.variation = round(current.average - previous.average, 2)

    aspect_rows = []
    for a in params.aspects():
        rated = [x for x in chosen if a.key in x.aspects]
        why = over_period(rated, area)
        aspect_rows.append(AspectRow(a.key, a.label, round(mean(x.aspects[a.key] for x in rated), 2)
                                     if rated and not why else None, len(rated), why))

    def groups(key_of, label_of, node_of) -> list[Group]:
        members: dict[str, list[Answer]] = defaultdict(list)
        for a in chosen:
            members[key_of(a)].append(a)
        out = [Group(key, label_of(its[0]), [a.score for a in its], over_period(its, node_of(its[0])))
               for key, its in members.items()]
        return sorted(out, key=lambda g: sort_key(g.label))

    # With a department filter, the one region's row is that department's answers: the department's cells.
    regions = groups(lambda a: a.region, lambda a: a.region,
                     lambda a: area if department else ("región", a.region))
    departments = groups(lambda a: a.department, lambda a: a.department_name,
                         lambda a: ("departamento", a.department))
    by_adviser: dict[int, Group] = {}
    members_of: dict[int, list[Answer]] = defaultdict(list)
    for a in chosen:
        for user_id, name in (advisers or {}).get(a.entity_id, ()):
            by_adviser.setdefault(user_id, Group(str(user_id), name)).scores.append(a.score)
            members_of[user_id].append(a)
    for user_id, group in by_adviser.items():
        if known is not None and any(a.entity_id not in known for a in members_of[user_id]):
            group.withheld = ADVISER_REASON
    return Results(
        months=months, aspects=aspect_rows, regions=regions, departments=departments,
        advisers=sorted(by_adviser.values(), key=lambda g: sort_key(g.label)), attention=[],
        answers=len(chosen), threshold=params.threshold())


def _attention(history, entities, allowed: Collection[int] | None) -> list[Attention]:
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


# --- What is withheld -------------------------------------------------------------------------------------------

#: No figure of a group answered by fewer entities than this is shown to someone who may not see those entities'
#: answers one by one: a department's month with one answer is that entity's answer (QA, 7 December 2026:
#: Filandia's four ratings read through the API). The count stays; the figures are withheld. Change it here.
API_MIN_ANSWERS = 3

#: A cell: the country, a region or a department (by DANE code).
Node = tuple[str, str]
COUNTRY: Node = ("país", "")

COMPLEMENT_REASON = ("Tiene respuestas suficientes, pero se reserva para que, restándola de un total publicado, no "
                     "se pueda deducir una cifra reservada de pocas respuestas.")
PERIOD_REASON = ("En algún mes del período esta cifra quedó reservada; la del período, menos la de los otros "
                 "meses, la dejaría ver.")
ADVISER_REASON = ("Solo se muestra a quien puede ver las respuestas de cada entidad que el asesor acompaña: los "
                  "grupos de los asesores se cruzan, y restando unos de otros se verían entidades.")


def few_answers_reason() -> str:
    return (f"Menos de {API_MIN_ANSWERS} respuestas: con tan pocas, la cifra dejaría ver lo que respondió cada "
            "entidad.")


def few_ratings_reason() -> str:
    return (f"Algún aspecto tiene menos de {API_MIN_ANSWERS} calificaciones (las demás respuestas dicen «No "
            "aplica»): su promedio dejaría ver lo que calificó cada entidad.")


def _area_node(region: str | None, department: str | None) -> Node:
    if department:
        return ("departamento", department)
    return ("región", region) if region else COUNTRY


def withheld_cells(answers: Sequence[Answer]) -> dict[tuple[date, Node], str]:
    """(month, cell) -> why the cell's figures that month are withheld from the public (all of them: the score, the
    dissatisfied per 100 and every aspect).

    The rule, closed under subtraction. Each published figure is a sum over a set of answers (count × mean), and
    anyone may add and subtract them: the country's month minus its regions, a region minus its departments, a
    period minus its months, any filtered query against any other (QA: the period's 4,0 over 7 answers minus
    February's 4,2 over 5 gave March's two answers). So, for each month, on the tree country → regions →
    departments, and for the answers' scores and each aspect's ratings alike:

    - a cell with 1 to ``API_MIN_ANSWERS`` − 1 answers (or ratings of an aspect) is withheld;
    - every shown cell's *residual*, its answers minus those of the nearest shown cells below it, holds none or at
      least ``API_MIN_ANSWERS``; where it does not, the smallest shown cells below are withheld too (complementary
      suppression), else the cell itself. The sums that subtraction can reach are then exactly the unions of
      residuals, each empty or of ``API_MIN_ANSWERS`` answers or more: no withheld cell, and no one or two
      entities, come out of any combination;
    - a figure over several months is shown only when each month's figures of that cell are (``aggregate``), so it
      adds nothing to the months: the month is the unit, and any range the API is asked for is a sum of months.

    Decided on the whole country's answers of each month, never on a query's filter, so that every query withholds
    the same cells. Counts are always shown: they carry no score, and with every reachable sum a union of
    residuals, knowing how many answers a withheld cell holds does not isolate it. A person who knows some answers
    (an entity its own) can subtract them: the threshold is what bounds that, so raise it to protect against
    several entities pooling what they know."""
    by_month: dict[date, list[Answer]] = defaultdict(list)
    for a in answers:
        by_month[a.month].append(a)
    out: dict[tuple[date, Node], str] = {}
    for month, its in by_month.items():
        parent: dict[Node, Node | None] = {COUNTRY: None}
        counts: dict[str, dict[Node, int]] = {space: defaultdict(int) for space in ("", *SURVEY_ASPECTS)}
        for a in its:
            region, department = ("región", a.region), ("departamento", a.department)
            parent[region], parent[department] = COUNTRY, region
            for space, count in counts.items():
                if not space or space in a.aspects:
                    for node in (COUNTRY, region, department):
                        count[node] += 1
        for node, why in suppress(parent, counts).items():
            out[(month, node)] = why
    return out


def suppress(parent: Mapping[Node, Node | None], counts: Mapping[str, Mapping[Node, int]]) -> dict[Node, str]:
    """The cells of one month's tree (``parent``: cell -> the cell it adds up into) to withhold, with why: the rule
    of ``withheld_cells``. ``counts``: for the answers ("") and each aspect's ratings, cell -> how many."""
    k = API_MIN_ANSWERS
    answers = counts[""]
    children: dict[Node, list[Node]] = defaultdict(list)
    for node, up in parent.items():
        if up is not None:
            children[up].append(node)
    withheld = {}
    for node in parent:
        if 0 < answers.get(node, 0) < k:
            withheld[node] = few_answers_reason()
        elif any(0 < count.get(node, 0) < k for count in counts.values()):
            withheld[node] = few_ratings_reason()

    def frontier(node: Node) -> list[Node]:
        """The nearest shown cells with answers below ``node``."""
        out, stack = [], list(children[node])
        while stack:
            below = stack.pop()
            if answers.get(below, 0) == 0:
                continue
            if below in withheld:
                stack.extend(children[below])
            else:
                out.append(below)
        return out

    def residual(node: Node, count: Mapping[Node, int]) -> int:
        return count.get(node, 0) - sum(count.get(c, 0) for c in frontier(node))

    def cheapest(node: Node, count: Mapping[Node, int]) -> list[Node] | None:
        """The fewest cells below ``node`` to withhold so that its residual in ``count`` grows: a shown cell whose
        own residual is not empty (a department, or a region that already withholds some of its departments), else
        a shown region with its smallest department; the smallest first."""
        options = []
        for below in frontier(node):
            if residual(below, count) > 0:
                options.append((1, answers[below], sort_key(below[1]), [below]))
            elif (deeper := cheapest(below, count)) is not None:
                options.append((1 + len(deeper), answers[deeper[-1]], sort_key(below[1]), [below, *deeper]))
        return min(options)[3] if options else None

    def depth(node: Node) -> int:
        d = 0
        while parent[node] is not None:
            node, d = parent[node], d + 1
        return d

    for node in sorted(parent, key=lambda n: (-depth(n), n)):  # the departments, then the regions, the country
        if node in withheld or not children[node]:
            continue
        while short := next((c for c in counts.values() if 0 < residual(node, c) < k), None):
            path = cheapest(node, short)
            if path is None:
                withheld[node] = COMPLEMENT_REASON
                break
            for cell in path:
                withheld[cell] = COMPLEMENT_REASON
    return withheld


# --- Exports (aggregates only, never an individual answer) ------------------------------------------------------

def export_table(res: Results) -> tuple[tuple, list[tuple]]:
    header = ("Grupo", "Clave", "Nombre", "Respuestas", "Calificación promedio (1–5)",
              "Insatisfechos por cada 100", f"Satisfecho (umbral {params.fmt(res.threshold, 1)})",
              "Variación frente al mes anterior",
              *(f"{a.label} (promedio)" for a in params.aspects()), "Cifras reservadas: por qué")

    def satisfied(g: Group) -> str | None:
        return None if g.average is None else "Sí" if g.is_satisfied else "No"

    rows: list[tuple] = []
    for m in res.months:
        rows.append(("Mes", m.key[:7], m.label, m.count, m.average, m.dissatisfied_per_100, satisfied(m),
                     m.variation, *(m.aspects.get(a.key) for a in params.aspects()), m.withheld or None))
    for kind, groups in (("Región", res.regions), ("Departamento", res.departments), ("Asesor", res.advisers)):
        for g in groups:
            rows.append((kind, g.key, g.label, g.count, g.average, g.dissatisfied_per_100, satisfied(g), None,
                         *(None for _ in params.aspects()), g.withheld or None))
    for a in res.aspects:
        rows.append(("Aspecto", a.key, a.label, a.count, a.average, None,
                     None if a.average is None else "Sí" if a.average >= res.threshold else "No", None,
                     *(None for _ in params.aspects()), a.withheld or None))
    return header, rows


def api_aggregates(res: Results) -> dict:
    """What the open API exposes: counts and means by month, aspect, region and department; no answer, no entity,
    no adviser, and no figure that ``withheld_cells`` withholds (``res`` computed for the public: ``results``
    with no ``detail_entity_ids``). The counts stay: they are not scores."""
    return {
        "umbral_satisfaccion": res.threshold,
        "escala": {str(k): v for k, v in params.scale_labels().items()},
        "respuestas": res.answers,
        "minimo_respuestas_por_grupo": API_MIN_ANSWERS,
        "meses": [{"mes": m.key[:7], "respuestas": m.count, "promedio": m.average,
                   "insatisfechos_por_100": m.dissatisfied_per_100, "variacion": m.variation, "aspectos": m.aspects,
                   **_reserve(m.withheld)} for m in res.months],
        "aspectos": [{"aspecto": a.key, "nombre": a.label, "respuestas": a.count, "promedio": a.average,
                      **_reserve(a.withheld)} for a in res.aspects],
        "regiones": [_group_json(g) for g in res.regions],
        "departamentos": [_group_json(g) for g in res.departments],
    }


def _reserve(why: str) -> dict:
    return {"reservado": bool(why), "motivo_reserva": why or None}


def _group_json(g: Group) -> dict:
    return {"clave": g.key, "nombre": g.label, "respuestas": g.count, "promedio": g.average,
            "insatisfechos_por_100": g.dissatisfied_per_100, **_reserve(g.withheld)}
