"""The Lista de Chequeo (phase-ii.md §3.2): an adviser rates a plan's PDT item by item with a note; the entity sees
it and answers.

Each item is 2 (cumple), 1 (parcial), 0 (no está) or "no aplica"; score = Σ / (2 × applicable) × 100; bands ≥ 80
alta, 60–79 media, < 60 baja (proposal; ``monitoreo360.json``). The items are a template per product type
(``pdt`` today; the plan indicativo or the POAI can get theirs as data). A review is a new row each time: the latest
one is the plan's, the earlier ones stay as its history. The entity's planeación or executive answers the latest
review with a text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from state_machines.core.roles import Role
from workflow_app.models import ChecklistReview, Plan, User
from workflow_app.services.followup import parameters as params

REVIEWER_ROLES = frozenset({Role.ASESOR, Role.COORDINADOR})
ANSWER_ROLES = frozenset({Role.PLANEACION, Role.EJECUTIVO, Role.EQUIPO})
NOTE_MAX = 1000
REPLY_MAX = 4000


class ChecklistError(Exception):
    """``errors``: input id -> message, the input being the one that is wrong: an item's choices
    (``Q4-value``) or its note (``Q4-note``), the answer (``reply``)."""

    def __init__(self, message: str, status: int = 422, field: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.message, self.status, self.field, self.errors = message, status, field, errors or {}


@dataclass(frozen=True)
class ItemMark:
    code: str
    text: str
    source: str
    value: int | None  # None: no aplica, or not rated
    label: str
    note: str


@dataclass(frozen=True)
class Scored:
    review: ChecklistReview
    title: str
    items: tuple[ItemMark, ...]
    score: float | None
    band: str
    missing: tuple[ItemMark, ...]  # rated 0 or 1: what the PDT still lacks


def can_review(user: User, plan: Plan) -> bool:
    return bool(REVIEWER_ROLES & user.roles_for(plan.entity))


def can_answer(user: User, plan: Plan) -> bool:
    return bool(ANSWER_ROLES & user.roles_for(plan.entity))


def score_of(marks: dict, template: str = "pdt") -> float | None:
    _, items = params.checklist_template(template)
    values = [marks.get(i.code, {}).get("value") for i in items]
    applicable = [v for v in values if v is not None]
    if not applicable:
        return None
    return round(sum(applicable) / (2 * len(applicable)) * 100, 1)


def scored(review: ChecklistReview) -> Scored:
    title, items = params.checklist_template(review.template)
    labels = {v: label for _, label, v in params.checklist_values()}
    marks = []
    for item in items:
        mark = review.marks.get(item.code, {})
        value = mark.get("value")
        marks.append(ItemMark(item.code, item.text, item.source, value, labels.get(value, "No aplica"),
                              mark.get("note", "")))
    score = score_of(review.marks, review.template)
    return Scored(review, title, tuple(marks), score, params.checklist_band(score) if score is not None else "—",
                  tuple(m for m in marks if m.value in (0, 1)))


_LATEST = (select(ChecklistReview).where(ChecklistReview.plan_id == bindparam("plan_id"))
           .order_by(ChecklistReview.reviewed_at.desc(), ChecklistReview.id.desc()).limit(1))  # built once


def latest(session: Session, plan_id: int) -> Scored | None:
    review = session.scalar(_LATEST, {"plan_id": plan_id})
    return scored(review) if review else None


def latest_scores(session: Session, plan_ids) -> dict[int, tuple[float | None, int]]:
    """Plan id -> (score, items missing) of its latest review: the board's column, in one query."""
    ranked = (select(ChecklistReview.id, ChecklistReview.plan_id, func.row_number().over(
        partition_by=ChecklistReview.plan_id, order_by=(ChecklistReview.reviewed_at.desc(),
                                                        ChecklistReview.id.desc())).label("rank"))
              .where(ChecklistReview.plan_id.in_(plan_ids)).subquery())
    out = {}
    for review in session.scalars(select(ChecklistReview).join(ranked, ranked.c.id == ChecklistReview.id)
                                  .where(ranked.c.rank == 1)):
        s = scored(review)
        out[review.plan_id] = (s.score, len(s.missing))
    return out


def history(session: Session, plan_id: int) -> list[ChecklistReview]:
    return list(session.scalars(select(ChecklistReview).filter_by(plan_id=plan_id)
                                .order_by(ChecklistReview.reviewed_at.desc(), ChecklistReview.id.desc())))


def record(session: Session, plan: Plan, user: User, raw: dict[str, tuple[str, str]], now: datetime,
           template: str = "pdt") -> ChecklistReview:
    """``raw``: item code -> (value as typed: "2", "1", "0", "na"; note). Every item must be rated; an item below
    "cumple" needs a note saying what is missing. One row, one commit, or nothing (errors by the input that is
    wrong: the audit found the rating's choices marked when the missing note was the error)."""
    if not can_review(user, plan):
        raise ChecklistError("Solo el asesor o el coordinador regional que acompaña a la entidad diligencia la "
                             "Lista de Chequeo.", status=403)
    _, items = params.checklist_template(template)
    allowed = {code: value for code, _, value in params.checklist_values()}
    below = int(params.parameters()["checklist"]["note_required_below"])
    marks, errors = {}, {}
    for item in items:
        value_text, note = raw.get(item.code, ("", ""))
        note = (note or "").strip()
        if value_text not in allowed:
            errors[f"{item.code}-value"] = f"{item.code}: elija una calificación."
            continue
        value = allowed[value_text]
        if len(note) > NOTE_MAX:
            errors[f"{item.code}-note"] = f"{item.code}: la nota puede tener hasta {NOTE_MAX} caracteres."
        elif value is not None and value < below and not note:
            errors[f"{item.code}-note"] = (f"{item.code}: escriba en la nota qué falta (la calificación es menor "
                                           "que «Cumple»).")
        marks[item.code] = {"value": value, "note": note}
    if errors:
        raise ChecklistError("Revise los ítems señalados: " + " ".join(errors.values()), errors=errors)
    row = ChecklistReview(plan_id=plan.id, template=template, marks=marks, reviewer_id=user.id, reviewed_at=now)
    session.add(row)
    session.commit()
    return row


def answer(session: Session, plan: Plan, user: User, text: str, now: datetime) -> ChecklistReview:
    """The entity's answer to the latest review (replacing an earlier answer to that same review)."""
    if not can_answer(user, plan):
        raise ChecklistError("Solo la entidad (planeación, equipo o despacho) responde la Lista de Chequeo.",
                             status=403)
    current = latest(session, plan.id)
    if current is None:
        raise ChecklistError("Este plan todavía no tiene Lista de Chequeo que responder.", status=409)
    text = (text or "").strip()
    if not text:
        raise ChecklistError("Escriba su respuesta.", field="reply", errors={"reply": "Escriba su respuesta."})
    if len(text) > REPLY_MAX:
        message = f"La respuesta puede tener hasta {REPLY_MAX} caracteres; tiene {len(text)}."
        raise ChecklistError(message, field="reply", errors={"reply": message})
    review = current.review
    review.reply, review.replied_by_id, review.replied_at = text, user.id, now
    session.commit()
    return review
