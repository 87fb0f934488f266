"""Administration: only admins; accounts by invitation; bad input changes nothing."""
import re

import pytest
from sqlalchemy import select

from state_machines.core.roles import Role
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import make_plan, make_user
from workflow_app.models import AccountToken, Delivery, Entity, PlanEvent, User
from workflow_app.services.people.accounts import token_link


@pytest.fixture
def admin_client(client, db_session):
    make_user(db_session, "admin@prueba.co", Role.ADMIN)
    assert login(client, "admin@prueba.co", "clave-de-prueba").status_code == 302
    return client


def post(client, url, data, page=None):
    token = csrf_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def set_password(client, link: str, password: str):
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    return client.post("/" + path, data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                         "password": password, "confirm": password})


def test_admin_invites_a_ctp_member_who_chooses_her_own_password(admin_client, app, db_session):
    page = admin_client.get("/admin/usuarios").get_data(as_text=True)
    assert 'name="password"' not in page  # nobody types another person's password
    response = post(admin_client, "/admin/usuarios", {
        "email": "Presidenta.CTP@circasia.gov.co", "name": "Presidenta CTP Circasia", "role": "ctp",
        "dane_code": "63190"})
    assert response.status_code == 302
    user = db_session.scalar(select(User).filter_by(email="presidenta.ctp@circasia.gov.co"))
    assert [(m.role, m.entity.dane_code) for m in user.memberships] == [("ctp", "63190")]
    assert not user.has_password
    token = db_session.scalar(select(AccountToken).filter_by(user_id=user.id))
    delivery = db_session.scalar(select(Delivery).filter_by(account_token_id=token.id))
    assert delivery.recipient == "presidenta.ctp@circasia.gov.co" and token.salt not in (delivery.body or "")
    assert login(app.test_client(), "presidenta.ctp@circasia.gov.co", "").status_code == 400
    newcomer = app.test_client()
    assert set_password(newcomer, token_link(token), "frase larga de la presidenta").status_code == 302
    assert newcomer.get("/").status_code == 200  # signed in by the link
    assert login(app.test_client(), "presidenta.ctp@circasia.gov.co", "frase larga de la presidenta").status_code == 302


def test_unknown_dane_code_is_refused_and_nothing_is_created(admin_client, db_session):
    response = post(admin_client, "/admin/usuarios", {
        "email": "x@circasia.gov.co", "name": "X", "role": "ctp", "dane_code": "99999"})
    assert response.status_code == 422
    assert "No hay una entidad con ese código DANE" in response.get_data(as_text=True)
    assert db_session.scalar(select(User).filter_by(email="x@circasia.gov.co")) is None
    assert db_session.scalar(select(AccountToken)) is None


def test_car_role_needs_a_known_authority(admin_client, db_session):
    response = post(admin_client, "/admin/usuarios", {
        "email": "y@car.gov.co", "name": "Y", "role": "car", "authority_code": "NOEXISTE"})
    assert response.status_code == 422 and "autoridad ambiental no existe" in response.get_data(as_text=True)


def test_entity_settings_change_is_recorded_in_the_plan_history_and_seven_days_are_refused(admin_client, db_session):
    plan = make_plan(db_session, "63302")
    url = "/entidades/63302/configuracion"
    assert post(admin_client, url, {"fiscal_category": "6", "nonworking_weekdays": ["6"]}).status_code == 302
    genova = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    db_session.refresh(genova)
    assert (genova.weekdays, genova.fiscal_category) == ([6], "6")
    event = db_session.scalar(select(PlanEvent).filter_by(plan_id=plan.id, trigger="update_settings"))
    assert event.role == "admin" and "sábado, domingo → domingo" in event.reason and "Categoría" in event.reason
    assert event.row_hash and db_session.get(type(plan), plan.id).history_head == event.row_hash
    response = post(admin_client, url, {"nonworking_weekdays": [str(d) for d in range(7)]})
    assert response.status_code == 422
    db_session.refresh(genova)
    assert genova.weekdays == [6]
    assert admin_client.get("/admin/entidades/63302").status_code == 301  # the old address still leads there


def test_non_admins_get_403(client, db_session):
    genova = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    make_user(db_session, "equipo@prueba.co", Role.EQUIPO, genova)
    login(client, "equipo@prueba.co", "clave-de-prueba")
    assert client.get("/admin/usuarios").status_code == 403
    assert client.get("/admin/periodos").status_code == 403
    assert client.get("/admin/funcionarios").status_code == 403
    assert client.get("/entidades/63302/configuracion").status_code == 403
    assert client.get("/personas").status_code == 403


def test_deactivated_account_cannot_sign_in_and_its_open_session_ends(admin_client, app, db_session):
    genova = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    user = make_user(db_session, "saliente@prueba.co", Role.PLANEACION, genova)
    theirs = app.test_client()
    assert login(theirs, "saliente@prueba.co", "clave-de-prueba").status_code == 302
    assert theirs.get("/").status_code == 200
    token = csrf_from(admin_client.get(f"/admin/usuarios/{user.id}").get_data(as_text=True))
    assert admin_client.post(f"/admin/usuarios/{user.id}/estado", data={"csrf_token": token}).status_code == 302
    assert theirs.get("/").status_code == 302  # the open session died on the server
    response = login(app.test_client(), "saliente@prueba.co", "clave-de-prueba")
    assert response.status_code == 401 and "desactivada" in response.get_data(as_text=True)


def test_the_administrators_own_page_offers_no_link_and_no_deactivation_and_a_forged_post_is_refused(
        admin_client, db_session):
    """«Enviarle un enlace» on one's own page answered 500 (the service refuses to manage oneself)."""
    me = db_session.scalar(select(User).filter_by(email="admin@prueba.co"))
    page = admin_client.get(f"/admin/usuarios/{me.id}").get_data(as_text=True)
    assert f'action="/admin/usuarios/{me.id}/enlace"' not in page and f'/admin/usuarios/{me.id}/estado' not in page
    assert "Es su propia cuenta" in page and 'href="/cuenta"' in page
    tokens_before = db_session.scalar(select(AccountToken.id).order_by(AccountToken.id.desc()).limit(1))
    for url in (f"/admin/usuarios/{me.id}/enlace", f"/admin/usuarios/{me.id}/estado"):
        response = admin_client.post(url, data={"csrf_token": csrf_from(page)})
        assert response.status_code == 409, url
        assert "propia cuenta" in response.get_data(as_text=True)
    assert db_session.scalar(select(AccountToken.id).order_by(AccountToken.id.desc()).limit(1)) == tokens_before


def test_the_executive_title_is_set_per_entity_and_must_fit_its_kind(admin_client, db_session):
    genova = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    assert genova.wording.the_executive == "el alcalde"  # derived from the kind while empty
    assert post(admin_client, "/entidades/63302/configuracion", {"executive_title": "alcaldesa",
                                                          "nonworking_weekdays": ["5", "6"]}).status_code == 302
    db_session.refresh(genova)
    assert genova.executive_title == "alcaldesa" and genova.wording.the_executive == "la alcaldesa"
    response = post(admin_client, "/entidades/63302/configuracion", {"executive_title": "gobernadora",
                                                              "nonworking_weekdays": ["5", "6"]})
    assert response.status_code == 422 and "alcalde o alcaldesa" in response.get_data(as_text=True)
    db_session.refresh(genova)
    assert genova.executive_title == "alcaldesa"


def test_a_refused_plan_setting_shows_the_entitys_saved_weekdays_and_saving_that_form_keeps_them(admin_client,
                                                                                                db_session):
    """QA 7 December 2026: a posesión refused on the plan's form brought the page back with every non-working day
    unticked in the entity's form (read from the plan form's request); saving that form then wiped Saturday and
    Sunday, and with them every business-day deadline."""
    from tests.workflow_app.story import make_plan

    plan = make_plan(db_session, "63302")
    genova = plan.entity
    assert sorted(genova.weekdays) == [5, 6]
    page = "/entidades/63302/configuracion"
    response = post(admin_client, f"/planes/{plan.id}/configuracion",
                    {f"plan{plan.id}-posesion_on": "2029-03-01", f"plan{plan.id}-regime": plan.regime,
                     f"plan{plan.id}-expected_version": str(plan.version)}, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for day in ("5", "6"):
        assert re.search(rf'<input checked[^>]*name="nonworking_weekdays"[^>]*value="{day}"|<input[^>]*'
                         rf'name="nonworking_weekdays"[^>]*value="{day}"[^>]*checked', html), day
    db_session.refresh(genova)
    assert sorted(genova.weekdays) == [5, 6]


def test_a_crafted_plan_version_is_a_stale_form_not_a_skipped_check(admin_client, db_session):
    """QA (7 December 2026): «plan1-expected_version=abc» or «-3» skipped the check, so a stale form overwrote a
    change made meanwhile."""
    from datetime import date

    from tests.workflow_app.story import make_plan

    plan = make_plan(db_session, "63302")
    for crafted in ("abc", "-3", ""):
        response = post(admin_client, f"/planes/{plan.id}/configuracion",
                        {f"plan{plan.id}-posesion_on": "2028-01-10", f"plan{plan.id}-regime": plan.regime,
                         f"plan{plan.id}-expected_version": crafted}, page="/entidades/63302/configuracion")
        assert response.status_code == 422, crafted
        db_session.refresh(plan)
        assert plan.posesion_on in (None, date(2028, 1, 1)), crafted


def test_the_account_search_reads_percent_and_underscore_as_letters(admin_client, db_session):
    """QA 7 December 2026: /admin/usuarios?q=% listed every account."""
    genova = db_session.scalar(select(Entity).filter_by(dane_code="63302"))
    make_user(db_session, "ana_maria@genova.gov.co", Role.PLANEACION, genova)
    make_user(db_session, "anaxmaria@genova.gov.co", Role.PLANEACION, genova)
    every = admin_client.get("/admin/usuarios?q=%25").get_data(as_text=True)
    assert "ana_maria@genova.gov.co" not in every and "admin@prueba.co" not in every
    underscore = admin_client.get("/admin/usuarios?q=ana_").get_data(as_text=True)
    assert "ana_maria@genova.gov.co" in underscore and "anaxmaria@genova.gov.co" not in underscore
    assert "anaxmaria@genova.gov.co" in admin_client.get("/admin/usuarios?q=ANAX").get_data(as_text=True)
