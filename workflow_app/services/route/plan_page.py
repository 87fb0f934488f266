"""The plan page's read (issue 22): the plan with its procedures, the reference data's version and the plan's
latest Lista de Chequeo review, in one statement read on the connection as an act reads its plan
(``cycle.reference_cache.read_plan``: ``RowLoader`` rows, entity, department and period from the process's cache
by that version). Through the ORM's joined eager load the same statement cost about a quarter of the page's CPU.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from workflow_app.models import ChecklistReview, Plan
from workflow_app.services.cycle.reference_cache import plan_query, read_plan


class LatestReview(NamedTuple):
    """What the plan page's checklist line reads of the plan's latest Lista de Chequeo review
    (``services.followup.checklist.scored``: its template and marks; the page: whether the entity replied)."""

    id: int
    template: str
    marks: dict
    reply: str | None


def read_plan_page(session: Session, plan_id: int) -> tuple[Plan | None, int | None, LatestReview | None]:
    """The plan (None if there is none), the reference data's version (the page keeps parts built from the
    plan's entity, period and authorities by it) and its latest review, if any."""
    plan, alongside = read_plan(session, _plan_page_query(), {"plan_id": plan_id})
    if plan is None:
        return None, None, None
    reference_version, *review = alongside
    return plan, reference_version, LatestReview(*review) if review[0] is not None else None


@lru_cache(maxsize=1)
def _plan_page_query():
    """Built once: composing the subquery and the join cost more Python than running them."""
    review = aliased(ChecklistReview)
    latest = (select(ChecklistReview.id).where(ChecklistReview.plan_id == Plan.id)
              .order_by(ChecklistReview.reviewed_at.desc(), ChecklistReview.id.desc()).limit(1)
              .correlate(Plan).scalar_subquery())
    return (plan_query(review.id, review.template, review.marks, review.reply)
            .outerjoin(review, review.id == latest))
