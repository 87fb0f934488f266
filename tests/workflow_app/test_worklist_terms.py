"""«Mis pendientes» says what the law says of each term: overdue from its ``overdue_from`` (calendar-contract.md),
not from the day after its safe date, and only for a step that has a term (QA, 7 December 2026)."""
from __future__ import annotations

from datetime import date

from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, walk_to
from workflow_app.services.route.worklist import pending_for


def _item(db_session, user, plan, trigger, today):
    return next(i for i in pending_for(db_session, user, today)
                if i.plan.id == plan.id and i.action is not None and i.action.trigger == trigger)


def test_the_ctp_is_not_told_overdue_while_its_month_still_runs_by_the_wide_reading(db_session, client, set_today):
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "submitted_to_ctp")  # presented on 29 February: safe date 28 March, last day 31 March
    item = _item(db_session, genova.ctp, genova.plan, "record_ctp_concept", date(2028, 3, 31))
    assert (item.deadline.act_by, item.deadline.latest) == (date(2028, 3, 28), date(2028, 3, 31))
    assert not item.is_overdue and item.past_safe_date
    assert _item(db_session, genova.ctp, genova.plan, "record_ctp_concept", date(2028, 4, 1)).is_overdue
    set_today("2028-03-31")
    login(client, genova.ctp.email, "clave-de-prueba")
    page = " ".join(client.get("/").get_data(as_text=True).split())
    assert "<strong>Último día: 31 de marzo de 2028</strong> (lectura amplia)" in page
    assert "fecha segura: 28 de marzo de 2028" in page and "<strong>Vencido</strong>" not in page


def test_sending_the_environmental_concept_on_has_no_term_of_its_own(db_session):
    """legal-path §b.3: concept_received → forwarded_to_ctp has no deadline; it was listed overdue with the
    authority's 15 business days."""
    genova = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(genova, "submitted_to_ctp")
    genova.act("CRQ", "receive_concept", "2028-03-15", machine="car_review", subject="CRQ",
               payload={"concept": "favorable"})
    item = _item(db_session, genova.ejecutivo, genova.plan, "forward_to_ctp", date(2028, 5, 2))
    assert item.deadline is None and not item.is_overdue
