"""Security as tests: CSRF on every POST route; the authorisation matrix from the transition table."""
from __future__ import annotations

import re
from datetime import date

import pytest

from state_machines.approval.pdt import PDT_MACHINE
from state_machines.approval.submachines import SUBMACHINES
from state_machines.core.roles import Role
from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, make_user, pdf
from workflow_app.services.route.plans import ActCommand, ActForbidden, ActRefused, apply_act

CSRF_EXEMPT = {"/api/v1/calendar",  # computes only; no session, no state change
               # An anonymous proposal on a shared-cached page: cross-site posts are refused by their headers
               # instead (test_public.py::test_a_short_proposal_or_one_posted_from_another_site_stores_nothing).
               "/publico/<dane_code>/propuestas"}


def _concrete(rule) -> str:
    return re.sub(r"<(?:([a-z]+):)?([a-z_]+)>", lambda m: "1" if m.group(1) == "int" else "x", rule.rule)


def test_every_post_route_refuses_a_missing_csrf_token(app, client, db_session):
    """Signed in (so login_required does not answer first), every POST without a token is a 400."""
    from sqlalchemy import select

    from workflow_app.models import Entity

    genova = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    make_user(db_session, "admin@prueba.co", Role.ADMIN)
    make_user(db_session, "alcalde@prueba.co", Role.EJECUTIVO, genova)
    assert login(client, "admin@prueba.co", "clave-de-prueba").status_code == 302
    checked = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule in CSRF_EXEMPT or rule.rule.startswith("/api/"):
            continue
        response = client.post(_concrete(rule), data={"x": "1"})
        assert response.status_code == 400, (rule.rule, response.status_code)
        checked.append(rule.rule)
    assert "/login" in checked and len(checked) >= 5


def _rows():
    for machine in (PDT_MACHINE, *SUBMACHINES.values()):
        for t in machine.transitions:
            yield machine, t


@pytest.mark.parametrize("machine, transition", [
    pytest.param(m, t, id=f"{m.name}.{t.trigger}") for m, t in _rows()])
def test_roles_not_listed_in_the_table_are_refused(machine, transition):
    """Deny by default: every role the table does not list gets a refusal from the machine itself."""
    from state_machines.core.machine import TransitionRefused

    for role in Role:
        if role in transition.roles:
            continue
        state = transition.sources[0]
        with pytest.raises(TransitionRefused) as refused:
            machine.check(_snapshot_for(machine, state), transition.trigger, role)
        assert refused.value.code == "role_not_allowed" and refused.value.reason


def _snapshot_for(machine, state):
    from state_machines.approval import pdt
    from state_machines.approval import submachines as sm

    today = date(2028, 3, 1)
    return {
        "pdt_approval": lambda: pdt.PlanSnapshot(state=state, entity_kind="municipio", today=today),
        "car_review": lambda: sm.CarReviewSnapshot(state=state, today=today),
        "ctp_review": lambda: sm.CtpReviewSnapshot(state=state, today=today),
        "amendment": lambda: sm.AmendmentSnapshot(id="1", state=state, authors=("A",)),
        "hearing": lambda: sm.HearingSnapshot(state=state, today=today),
        "ctp_formation": lambda: sm.CtpFormationSnapshot(state=state),
    }[machine.name]()


@pytest.mark.parametrize("trigger", sorted({t.trigger for t in PDT_MACHINE.transitions}))
def test_people_of_another_entity_are_forbidden_every_act(db_session, trigger):
    """Foreign scope: the alcaldía, CTP, concejo and CAR of Buenavista hold every role of the table, but on
    Génova's plan the service refuses before asking the law."""
    genova = make_plan(db_session, "63302")
    other = Cast(db_session, make_plan(db_session, "63111"), car_codes=("CRQ",))
    foreign_car = make_user(db_session, "cvc@prueba.co", Role.CAR, authority="CVC")
    for user, role in ((other.ejecutivo, Role.EJECUTIVO), (other.planeacion, Role.PLANEACION),
                       (other.ctp, Role.CTP), (other.corporacion, Role.CORPORACION), (foreign_car, Role.CAR)):
        with pytest.raises(ActForbidden):
            apply_act(db_session, plan_id=genova.id, command=ActCommand(trigger=trigger, evidence=pdf()),
                      actor=user, role=role, expected_version=None, today=date(2028, 3, 1))


def test_a_person_cannot_claim_the_system_role(db_session):
    genova = Cast(db_session, make_plan(db_session, "63302"))
    with pytest.raises(ActForbidden):
        apply_act(db_session, plan_id=genova.plan.id, command=ActCommand(trigger="deem_ctp_requirement_fulfilled"),
                  actor=genova.ejecutivo, role=Role.SISTEMA, expected_version=None, today=date(2028, 5, 1))


def test_a_role_the_user_does_not_hold_is_forbidden(db_session):
    genova = Cast(db_session, make_plan(db_session, "63302"))
    with pytest.raises(ActForbidden):
        apply_act(db_session, plan_id=genova.plan.id, command=ActCommand(trigger="take_office", evidence=pdf()),
                  actor=genova.ctp, role=Role.EJECUTIVO, expected_version=None, today=date(2028, 1, 2))
    with pytest.raises(ActRefused):
        apply_act(db_session, plan_id=genova.plan.id, command=ActCommand(trigger="take_office", evidence=pdf()),
                  actor=genova.ctp, role=Role.CTP, expected_version=None, today=date(2028, 1, 2))
