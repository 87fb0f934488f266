"""Each entity's budget statute as the Phase II terms read it (phase-ii.md §2, §4 items 2–3: all "verify"):
an editable setting, so a statute that copies D111 art. 59 or lets the executive harmonise by decree is data."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from workflow_app.models import BudgetStatute, Entity, User


def statute_row(session: Session, entity: Entity) -> BudgetStatute:
    return session.get(BudgetStatute, entity.id) or BudgetStatute(
        entity_id=entity.id, act="", filing_business_days=10, decision_extension_days=10, copies_d111_art59=False,
        harmonization_by_decree=False, pi_approval_months=2)


def save_statute(session: Session, entity: Entity, actor: User, *, act: str, filing_business_days: int,
                 decision_extension_days: int, copies_d111_art59: bool, harmonization_by_decree: bool,
                 pi_approval_months: int) -> BudgetStatute:
    row = session.get(BudgetStatute, entity.id)
    if row is None:
        row = BudgetStatute(entity_id=entity.id)
        session.add(row)
    row.act, row.filing_business_days, row.decision_extension_days = act.strip(), filing_business_days, \
        decision_extension_days
    row.copies_d111_art59, row.harmonization_by_decree = copies_d111_art59, harmonization_by_decree
    row.pi_approval_months, row.updated_by_id, row.updated_at = pi_approval_months, actor.id, datetime.now(timezone.utc)
    session.commit()
    return row
