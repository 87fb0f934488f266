"""Issue 19 (insiders): revocation. An API token dies with a password change, a reset and a deactivation (a
reactivation brings none back); API reads are in the access log; a role removed from the database, by the page or
by hand, is gone on the next request of every open session, new session and token; every change is in the
people log."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from state_machines.core.roles import Role
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import make_plan, make_user
from workflow_app.models import AccessLogEntry, ApiToken, Membership, PeopleLogEntry, User
from workflow_app.services.people import accounts
from workflow_app.services.people.api_tokens import create_token

PASSWORD = "clave-de-prueba"
NEW_PASSWORD = "una frase nueva y larga 2028"


@pytest.fixture
def planner(db_session, set_today):
    set_today("2028-03-10")
    plan = make_plan(db_session, "63302")
    person = make_user(db_session, "planeacion@genova.co", Role.PLANEACION, plan.entity)
    admin = make_user(db_session, "admin@servicio.co", Role.ADMIN)
    return plan, person, admin


def history_with(client, plan, token):
    return client.get(f"/api/v1/plans/{plan.id}/history", headers={"Authorization": f"Bearer {token}"})


def test_a_token_dies_with_a_password_change(client, db_session, planner):
    plan, person, _ = planner
    _, token = create_token(db_session, person, "tablero")
    assert history_with(client, plan, token).status_code == 200
    accounts.change_password(db_session, person, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert history_with(client, plan, token).status_code == 401
    assert db_session.scalar(select(ApiToken.revoked_at)) is not None


def test_a_token_dies_with_a_reset(client, db_session, planner):
    plan, person, _ = planner
    _, token = create_token(db_session, person, "tablero")
    link = accounts.issue_token(db_session, person, accounts.RESET)
    db_session.commit()
    accounts.set_password_from_link(db_session, accounts.token_string(link), NEW_PASSWORD, NEW_PASSWORD)
    assert history_with(client, plan, token).status_code == 401


def test_a_token_dies_with_a_deactivation_and_a_reactivation_brings_none_back(client, db_session, planner):
    plan, person, admin = planner
    _, token = create_token(db_session, person, "tablero")
    accounts.set_active(db_session, admin, person, False)
    assert history_with(client, plan, token).status_code == 401
    accounts.set_active(db_session, admin, person, True)
    assert history_with(client, plan, token).status_code == 401
    _, fresh = create_token(db_session, person, "nuevo")  # the person makes a new one, which works
    assert history_with(client, plan, fresh).status_code == 200
    actions = db_session.scalars(select(PeopleLogEntry.action).order_by(PeopleLogEntry.id)).all()
    assert actions == ["deactivate", "reactivate"]


def test_api_reads_with_a_token_are_in_the_access_log(client, db_session, planner):
    plan, person, _ = planner
    _, token = create_token(db_session, person, "tablero")
    assert history_with(client, plan, token).status_code == 200
    assert client.get(f"/api/v1/plans/{plan.id}/documents", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 200
    assert client.get(f"/api/v1/plans/{plan.id}").status_code == 200  # open data: nobody to record
    rows = db_session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()
    assert [(r.action, r.user_id, r.plan_id, r.detail) for r in rows] == [
        ("api_read", person.id, plan.id, f"/api/v1/plans/{plan.id}/history"),
        ("api_read", person.id, plan.id, f"/api/v1/plans/{plan.id}/documents")]


def test_a_token_refused_another_entitys_plan_is_in_that_entitys_access_log(client, db_session, planner):
    plan, person, _ = planner
    other = make_plan(db_session, "63272")  # Filandia: not the person's entity
    _, token = create_token(db_session, person, "tablero")
    assert history_with(client, other, token).status_code == 403
    rows = db_session.scalars(select(AccessLogEntry)).all()
    assert [(r.action, r.user_id, r.plan_id, r.entity_id, r.detail) for r in rows] == [
        ("api_refused", person.id, other.id, other.entity_id, f"/api/v1/plans/{other.id}/history")]
    assert history_with(client, plan, "pdt_no-es-un-token").status_code == 401  # no account to name: not kept
    assert db_session.scalar(select(func.count()).select_from(AccessLogEntry)) == 1


def test_a_role_deleted_in_the_database_is_gone_for_open_and_new_sessions_and_tokens(app, client, db_session,
                                                                                     planner):
    plan, person, _ = planner
    _, token = create_token(db_session, person, "tablero")
    assert login(client, person.email, PASSWORD).status_code == 302
    assert client.get(f"/planes/{plan.id}").status_code == 200
    assert client.get(f"/planes/{plan.id}").status_code == 200  # served from the copy on the users row
    assert db_session.scalar(select(User.memberships_cache).where(User.id == person.id)) is not None
    # By hand, in psql: no ORM hook runs; the trigger on memberships drops the copy.
    db_session.execute(text("DELETE FROM memberships WHERE user_id = :u"), {"u": person.id})
    db_session.commit()
    assert client.get(f"/planes/{plan.id}").status_code == 404  # the open session
    fresh = app.test_client()
    assert login(fresh, person.email, PASSWORD).status_code == 302
    assert fresh.get(f"/planes/{plan.id}").status_code == 404  # a new session
    assert history_with(client, plan, token).status_code == 403  # the token


def test_the_administration_page_removes_a_role_and_the_log_keeps_it(app, client, db_session, planner):
    plan, person, admin = planner
    victim_client = app.test_client()
    assert login(victim_client, person.email, PASSWORD).status_code == 302
    assert victim_client.get(f"/planes/{plan.id}").status_code == 200
    membership = db_session.scalar(select(Membership).filter_by(user_id=person.id))
    assert login(client, admin.email, PASSWORD).status_code == 302
    page = client.get(f"/admin/usuarios/{person.id}").get_data(as_text=True)
    action = f"/admin/usuarios/{person.id}/roles/{membership.id}/quitar"
    assert action in page
    response = client.post(action, data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert victim_client.get(f"/planes/{plan.id}").status_code == 404
    entry = db_session.scalar(select(PeopleLogEntry))
    assert (entry.action, entry.actor_id, entry.target_id, entry.role, entry.entity_id) == (
        "remove_role", admin.id, person.id, "planeacion", plan.entity_id)
    log = client.get("/admin/registro-de-personas").get_data(as_text=True)
    assert "Quitó un rol" in log and person.email in log and admin.email in log
    assert victim_client.get("/admin/registro-de-personas").status_code == 403
    with pytest.raises(Exception, match="solo adición"):
        db_session.execute(text("DELETE FROM people_log"))
    db_session.rollback()
