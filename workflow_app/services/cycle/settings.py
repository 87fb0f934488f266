"""Per-entity and per-plan settings: posesión, municipal category, non-working weekdays, exceptional regime.

Each feeds the legal calendar (calendar-contract.md): the posesión is the calendar's ``posesion`` (a late
posesión moves the two-month terms of L152 art. 39 num. 3 and 5), the closed weekdays its
``nonworking_weekdays`` (L4-1913 art. 62), the regime its ``regime`` with the row's parameters. A change is
checked against the calendar before it is written (an event before a new posesión is refused), and every
change is a row of the plan's hash-chained history (who, when, what changed, from what to what).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from state_machines import calendar as legal_calendar
from state_machines.approval.pdt import PDT_MACHINE
from state_machines.approval.regimes import ORDINARY
from state_machines.approval.route import presumed_posesion
from state_machines.core.roles import Role
from state_machines.core.wording import titles_for
from state_machines.corporation.sessions import categories_for, category_basis, category_law_text
from workflow_app.history import seal
from workflow_app.infra.clock import clock
from workflow_app.models import FISCAL_CATEGORIES, PLAN_GRAPH, Entity, Plan, PlanEvent, Regime, User
from workflow_app.permissions import can_edit_entity_settings
from workflow_app.services.route.plans import CONFLICT_MESSAGE, period_facts

SETTINGS_MACHINE = "settings"
SETTINGS_TRIGGER = "update_settings"
WEEKDAY_NAMES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


class SettingsError(ValueError):
    """A refusal; ``errors`` holds every (field, message) found, so a form reports them all at once."""

    def __init__(self, field: str, message: str, more: tuple[tuple[str, str], ...] = ()):
        super().__init__(message)
        self.field, self.message = field, message
        self.errors = ((field, message), *more)


def _refuse_all(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise SettingsError(*errors[0], more=tuple(errors[1:]))


@dataclass(frozen=True)
class EntitySettings:
    fiscal_category: str | None
    nonworking_weekdays: tuple[int, ...]
    executive_title: str | None = None  # alcalde, alcaldesa, gobernador, gobernadora: how the pages name them


@dataclass(frozen=True)
class PlanSettings:
    posesion_on: date | None
    regime: str
    articles: tuple[str, ...] = ()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _role_of(actor: User, entity: Entity) -> str:
    if actor.is_admin:
        return Role.ADMIN.value
    roles = {m.role for m in actor.memberships if m.entity_id == entity.id}
    return Role.EJECUTIVO.value if Role.EJECUTIVO.value in roles else Role.PLANEACION.value


def _weekdays_text(days) -> str:
    return ", ".join(WEEKDAY_NAMES[d] for d in sorted(days)) or "ninguno"


def applicable_regimes(session: Session, plan: Plan) -> list[Regime]:
    """The ordinary regime and the exceptional ones of the plan's period."""
    rows = session.scalars(select(Regime).order_by(Regime.code)).all()
    return [r for r in rows if r.is_ordinary or r.period_start_on == plan.period.start_on]


def _record(session: Session, plan: Plan, actor: User, changes: list[str], legal_basis: str, today: date) -> None:
    event = PlanEvent(plan_id=plan.id, machine=SETTINGS_MACHINE, subject=None, from_state=plan.state,
                      to_state=plan.state, trigger=SETTINGS_TRIGGER, actor_id=actor.id,
                      role=_role_of(actor, plan.entity), occurred_at=clock().stamp(), act_on=today,
                      reason="\n".join(changes), legal_basis=legal_basis, evidence_ids=[],
                      payload={"changes": changes})
    plan.updated_at = _now()
    seal(plan, event, current_app.config["HISTORY_KEY"])  # the plan row moves (history head): its version guards against a concurrent act
    session.add(event)


def _check_calendar(plan: Plan, *, posesion: date | None = None, weekdays=None, regime: str | None = None,
                    articles=None, rules=None) -> None:
    facts = period_facts(plan)
    if posesion is not None:
        facts["posesion"] = posesion.isoformat()
    if weekdays is not None:
        facts["nonworking_weekdays"] = sorted(weekdays)
    if regime is not None:
        facts["regime"] = regime
        facts.pop("d683_articles", None)
        if regime != ORDINARY:
            facts["d683_articles"] = sorted(articles or ())
    try:
        legal_calendar.compute_deadlines(legal_calendar.parse_facts(facts, {rules.code: rules} if rules else None))
    except legal_calendar.FactsError as exc:
        field = {"posesion": "posesion_on", "regime": "regime", "d683_articles": "articles",
                 "nonworking_weekdays": "nonworking_weekdays"}.get(exc.field, "posesion_on")
        raise SettingsError(field, exc.message) from exc


def update_entity_settings(session: Session, actor: User, entity: Entity, new: EntitySettings, today: date
                           ) -> list[str]:
    """Category and closed weekdays of an entity; recorded in the history of each of its plans. Returns the
    changes (empty: nothing changed, nothing written)."""
    if not can_edit_entity_settings(actor, entity):
        raise SettingsError("fiscal_category", "Su cuenta no puede cambiar la configuración de esta entidad.")
    errors: list[tuple[str, str]] = []
    category = new.fiscal_category or None
    allowed = categories_for(entity.kind)
    if category is not None and (category not in FISCAL_CATEGORIES or category not in allowed):
        names = ", ".join("especial" if c == "especial" else c for c in allowed[:-1]) + f" o {allowed[-1]}"
        errors.append(("fiscal_category", f"Un {'departamento' if entity.kind == 'departamento' else 'municipio'} "
                       f"es de categoría {names} ({category_law_text(entity.kind)})."))
    days = sorted(set(new.nonworking_weekdays))
    if any(not 0 <= d <= 6 for d in days):
        errors.append(("nonworking_weekdays", "Los días de la semana van de lunes a domingo."))
    elif len(days) == 7:
        errors.append(("nonworking_weekdays", "La entidad debe atender al menos un día de la semana."))
    titles = titles_for(entity.kind)
    title = new.executive_title or None
    if title is not None and title not in titles:
        errors.append(("executive_title", f"Para esta entidad el cargo es {' o '.join(titles)}."))
    _refuse_all(errors)
    changes, bases = [], []
    if title != entity.executive_title:
        changes.append(f"Cargo de quien gobierna: {entity.executive_title or 'sin dato'} → {title or 'sin dato'}")
        bases.append("dato de la entidad, sin norma")  # only the wording of the pages changes
    if category != entity.fiscal_category:
        changes.append(f"Categoría del {'departamento' if entity.kind == 'departamento' else 'municipio'}: "
                       f"{entity.fiscal_category or 'sin dato'} → {category or 'sin dato'}")
        bases.append(category_basis(entity.kind))
    if days != sorted(entity.weekdays):
        changes.append(f"Días de la semana sin atención: {_weekdays_text(entity.weekdays)} → {_weekdays_text(days)}")
        bases.append("L4-1913 art. 62")
    if not changes:
        return []
    plans = session.scalars(select(Plan).where(Plan.entity_id == entity.id).options(*PLAN_GRAPH)).unique().all()
    for plan in plans:
        _check_calendar(plan, weekdays=days)
    entity.fiscal_category = category
    entity.nonworking_weekdays = ",".join(str(d) for d in days)
    entity.executive_title = title
    for plan in plans:
        _record(session, plan, actor, changes, "; ".join(bases), today)
    _commit(session, "fiscal_category")
    return changes


def update_plan_settings(session: Session, actor: User, plan: Plan, new: PlanSettings, today: date,
                         expected_version: int | None = None) -> list[str]:
    """Posesión and exceptional regime of one plan, checked against its calendar and its recorded acts."""
    if not can_edit_entity_settings(actor, plan.entity):
        raise SettingsError("posesion_on", "Su cuenta no puede cambiar la configuración de este plan.")
    if expected_version is not None and plan.version != expected_version:
        raise SettingsError("posesion_on", CONFLICT_MESSAGE)
    period_start = plan.period.start_on
    changes, bases = [], []
    current_posesion = presumed_posesion(plan.posesion_on, period_start)
    posesion = presumed_posesion(new.posesion_on, period_start)
    errors: list[tuple[str, str]] = []
    outside = legal_calendar.posesion_refusal(posesion, period_start)
    if outside:
        errors.append(("posesion_on", outside))
    regime_row = session.get(Regime, new.regime or ORDINARY)
    if regime_row is None or not (regime_row.is_ordinary or regime_row.period_start_on == period_start):
        errors.append(("regime", "Ese régimen no aplica a los planes de este período."))
    _refuse_all(errors)
    rules = regime_row.calendar_rules()
    articles = tuple(sorted(set(new.articles))) if not regime_row.is_ordinary else ()
    if posesion != current_posesion:
        first_act = session.scalar(select(PlanEvent.act_on).where(
            PlanEvent.plan_id == plan.id, PlanEvent.machine == PDT_MACHINE.name).order_by(PlanEvent.act_on).limit(1))
        if first_act is not None and first_act < posesion:
            raise SettingsError("posesion_on", "El primer acto de la ruta registrado está fechado el "
                                f"{legal_calendar.format_date_es(first_act)}, antes de esa fecha: la posesión no "
                                "puede ser posterior a él.")
        changes.append(f"Fecha de posesión: {legal_calendar.format_date_es(current_posesion)} → "
                       f"{legal_calendar.format_date_es(posesion)}")
        bases.append("L152 art. 39")
    if regime_row.code != plan.regime or list(articles) != sorted(plan.d683_articles or []):
        old_row = session.get(Regime, plan.regime)
        used = f" ({', '.join(articles)})" if articles else ""
        changes.append(f"Régimen: {old_row.name if old_row else plan.regime} → {regime_row.name}{used}")
        bases.append(rules.norm if rules is not None else "L152 art. 39-40")
    if not changes:
        return []
    _check_calendar(plan, posesion=posesion, regime=regime_row.code, articles=articles, rules=rules)
    plan.posesion_on = posesion
    plan.regime = regime_row.code
    plan.d683_articles = list(articles)
    _record(session, plan, actor, changes, "; ".join(bases), today)
    _commit(session, "posesion_on")
    return changes


def _commit(session: Session, field: str) -> None:
    """Commit a settings change; another person's change in between (the plan row's version) is a conflict."""
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise SettingsError(field, CONFLICT_MESSAGE) from exc
