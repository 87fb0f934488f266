"""Administration: only admins; bad input changes nothing."""
import pytest
from sqlalchemy import select

from state_machines.roles import Role
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import make_user
from workflow_app.models import Entity, User


@pytest.fixture
def admin_client(client, db_session):
    make_user(db_session, "admin@prueba.co", Role.ADMIN)
    assert login(client, "admin@prueba.co", "clave-de-prueba").status_code == 302
    return client


def post(client, url, data):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_admin_creates_a_ctp_account_that_can_sign_in(admin_client, app, db_session):
    response = post(admin_client, "/admin/usuarios", {
        "email": "Presidenta.CTP@circasia.gov.co", "name": "Presidenta CTP Circasia", "password": "una-clave-larga-123",
        "role": "ctp", "dane_code": "63190"})
    assert response.status_code == 302
    user = db_session.scalar(select(User).filter_by(email="presidenta.ctp@circasia.gov.co"))
    assert [(m.role, m.entity.dane_code) for m in user.memberships] == [("ctp", "63190")]
    assert login(app.test_client(), "presidenta.ctp@circasia.gov.co", "una-clave-larga-123").status_code == 302


def test_unknown_dane_code_is_refused_and_nothing_is_created(admin_client, db_session):
    response = post(admin_client, "/admin/usuarios", {
        "email": "x@circasia.gov.co", "name": "X", "password": "una-clave-larga-123", "role": "ctp",
        "dane_code": "99999"})
    assert response.status_code == 422
    assert "No hay una entidad con ese código DANE." in response.get_data(as_text=True)
    assert db_session.scalar(select(User).filter_by(email="x@circasia.gov.co")) is None


def test_car_role_needs_a_known_authority(admin_client, db_session):
    response = post(admin_client, "/admin/usuarios", {
        "email": "y@car.gov.co", "name": "Y", "password": "una-clave-larga-123", "role": "car",
        "authority_code": "NOEXISTE"})
    assert response.status_code == 422 and "autoridad ambiental no existe" in response.get_data(as_text=True)


def test_entity_weekdays_change_and_all_seven_are_refused(admin_client, db_session):
    assert post(admin_client, "/admin/entidades/63302", {"fiscal_category": "6",
                                                          "nonworking_weekdays": ["6"]}).status_code == 302
    genova = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    db_session.refresh(genova)
    assert (genova.weekdays, genova.fiscal_category) == ([6], "6")
    response = post(admin_client, "/admin/entidades/63302", {"nonworking_weekdays": [str(d) for d in range(7)]})
    assert response.status_code == 422
    db_session.refresh(genova)
    assert genova.weekdays == [6]


def test_non_admins_get_403(client, db_session):
    genova = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    make_user(db_session, "alcalde@prueba.co", Role.EJECUTIVO, genova)
    login(client, "alcalde@prueba.co", "clave-de-prueba")
    assert client.get("/admin/usuarios").status_code == 403
    assert client.get("/admin/entidades/63302").status_code == 403


def test_deactivated_account_cannot_sign_in(admin_client, app, db_session):
    genova = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    user = make_user(db_session, "saliente@prueba.co", Role.PLANEACION, genova)
    token = csrf_from(admin_client.get(f"/admin/usuarios/{user.id}").get_data(as_text=True))
    assert admin_client.post(f"/admin/usuarios/{user.id}/estado", data={"csrf_token": token}).status_code == 302
    response = login(app.test_client(), "saliente@prueba.co", "clave-de-prueba")
    assert response.status_code == 401 and "desactivada" in response.get_data(as_text=True)


def test_the_executive_title_is_set_per_entity_and_must_fit_its_kind(admin_client, db_session):
    genova = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    assert genova.wording.the_executive == "el alcalde"  # derived from the kind while empty
    assert post(admin_client, "/admin/entidades/63302", {"executive_title": "alcaldesa",
                                                          "nonworking_weekdays": ["5", "6"]}).status_code == 302
    db_session.refresh(genova)
    assert genova.executive_title == "alcaldesa" and genova.wording.the_executive == "la alcaldesa"
    response = post(admin_client, "/admin/entidades/63302", {"executive_title": "gobernadora",
                                                              "nonworking_weekdays": ["5", "6"]})
    assert response.status_code == 422 and "alcalde o alcaldesa" in response.get_data(as_text=True)
    db_session.refresh(genova)
    assert genova.executive_title == "alcaldesa"
