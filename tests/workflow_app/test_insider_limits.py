"""Issue 19 (insiders, lower): a stranger cannot lock the owner out of sign-in nor kill the owner's reset link;
each person's outgoing e-mail (invitations, "enviar enlace") is limited; and the CTP's and the corporation's
accounts are administered by their own lead or an administrator, never by the alcaldía or its planning office."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from state_machines.core.roles import Role
from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import make_plan, make_user
from workflow_app.models import AccountToken, Delivery, Membership, PeopleLogEntry, User
from workflow_app.permissions import can_invite, can_manage_person
from workflow_app.services.people import accounts

PASSWORD = "clave-de-prueba"


@pytest.fixture
def genova(db_session, set_today):
    set_today("2028-03-10")
    return make_plan(db_session, "63302").entity


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_a_stranger_cannot_lock_the_owner_out_of_a_browser_that_signed_in_before(app, db_session, genova):
    owner = make_user(db_session, "duena@genova.gov.co", Role.PLANEACION, genova)
    browser = client_at(app, "10.1.0.1")
    assert login(browser, owner.email, PASSWORD).status_code == 302
    token = csrf_from(browser.get("/").get_data(as_text=True))
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302
    stranger = client_at(app, "10.9.9.9")
    limit = app.config["LOGIN_RATE_LIMIT"]
    for _ in range(limit):
        assert login(stranger, owner.email, "no-es-la-clave").status_code == 401
    assert login(stranger, owner.email, PASSWORD).status_code == 429  # the account is locked for strangers
    assert login(client_at(app, "10.2.0.2"), owner.email, PASSWORD).status_code == 429  # and new browsers
    assert login(browser, owner.email, PASSWORD).status_code == 302  # not for the owner's own browser
    forged = client_at(app, "10.3.0.3")
    forged.set_cookie("pdt_dispositivo", "eyJhY2NvdW50IjoieCJ9.forjada.firma", path="/login")
    assert login(forged, owner.email, PASSWORD).status_code == 429


def test_a_known_browser_still_has_its_own_limit(app, db_session, genova):
    owner = make_user(db_session, "duena@genova.gov.co", Role.PLANEACION, genova)
    browser = client_at(app, "10.1.0.1")
    assert login(browser, owner.email, PASSWORD).status_code == 302
    browser.post("/logout", data={"csrf_token": csrf_from(browser.get("/").get_data(as_text=True))})
    for _ in range(app.config["LOGIN_RATE_LIMIT"]):
        assert login(browser, owner.email, "no-es-la-clave").status_code == 401
    assert login(browser, owner.email, PASSWORD).status_code == 429


def ask_reset(app, address: str, email: str):
    visitor = client_at(app, address)
    page = visitor.get("/cuenta/olvido")
    return visitor.post("/cuenta/olvido", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                                "email": email})


def test_a_stranger_asking_for_resets_neither_blocks_nor_kills_the_owners_link(app, db_session, genova):
    owner = make_user(db_session, "olvidadiza@genova.gov.co", Role.PLANEACION, genova)
    runner = app.extensions["job_runner"]
    assert ask_reset(app, "10.1.0.1", owner.email).status_code == 200
    runner.join()
    first = db_session.scalar(select(AccountToken).filter_by(user_id=owner.id, purpose="reset"))
    limit = app.config["PASSWORD_RESET_RATE_LIMIT"]
    for n in range(limit + 3):  # from many addresses (one address is told to wait after the limit)
        answer = ask_reset(app, f"10.8.0.{n + 1}", owner.email)
        assert answer.status_code == 200 and "correo" in answer.get_data(as_text=True)
    runner.join()
    db_session.expire_all()
    assert db_session.query(AccountToken).filter_by(user_id=owner.id).count() == limit  # no more e-mails
    assert db_session.get(AccountToken, first.id).used_at is None  # the owner's first link still works
    accounts.set_password_from_link(db_session, accounts.token_string(first), "mi nueva frase secreta",
                                    "mi nueva frase secreta")
    assert all(t.used_at is not None for t in db_session.scalars(select(AccountToken)))  # using one closes all
    for _ in range(app.config["PASSWORD_RESET_ADDRESS_RATE_LIMIT"]):
        ask_reset(app, "10.7.0.1", "otra@genova.gov.co")
    assert ask_reset(app, "10.7.0.1", "otra@genova.gov.co").status_code == 429  # one address asking for many


def test_an_office_behind_one_address_gets_every_officials_reset(app, db_session, genova):
    """Onboarding day at the alcaldía: eight officials, one address, each asks about their own account."""
    people = [make_user(db_session, f"funcionario{n}@genova.gov.co", Role.EQUIPO, genova) for n in range(8)]
    for person in people:
        assert ask_reset(app, "10.9.0.1", person.email).status_code == 200
    app.extensions["job_runner"].join()
    assert {t.user_id for t in db_session.scalars(select(AccountToken).filter_by(purpose="reset"))} == {
        p.id for p in people}


def invite(client, email: str, scope: str):
    page = client.get("/personas")
    return client.post("/personas", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "email": email,
                                          "name": "Persona Invitada", "scope": scope})


def test_outgoing_email_is_limited_per_sender(app, db_session, genova):
    planner = make_user(db_session, "planeacion@genova.gov.co", Role.PLANEACION, genova)
    client = app.test_client()
    assert login(client, planner.email, PASSWORD).status_code == 302
    app.config["SENDER_EMAIL_RATE_LIMIT"] = 2
    try:
        assert invite(client, "uno@genova.gov.co", "equipo|63302").status_code == 302
        assert invite(client, "dos@genova.gov.co", "equipo|63302").status_code == 302
        refused = invite(client, "tres@genova.gov.co", "equipo|63302")
        assert refused.status_code == 422 and "en la última hora" in refused.get_data(as_text=True)
        one = db_session.scalar(select(User).filter_by(email="uno@genova.gov.co"))
        page = client.get("/personas").get_data(as_text=True)
        resent = client.post(f"/personas/{one.id}/enlace", data={"csrf_token": csrf_from(page)})
        assert resent.status_code == 429 and "en la última hora" in resent.get_data(as_text=True)
    finally:
        app.config["SENDER_EMAIL_RATE_LIMIT"] = 20
    assert db_session.scalar(select(User).filter_by(email="tres@genova.gov.co")) is None
    assert db_session.query(Delivery).count() == 2


def lead(db_session, email, role, entity):
    user = make_user(db_session, email, role, entity)
    db_session.execute(Membership.__table__.update().where(Membership.user_id == user.id).values(is_lead=True))
    db_session.commit()
    db_session.expire_all()
    return db_session.get(User, user.id)


def test_the_alcaldia_does_not_administer_the_ctp_or_the_concejo(app, db_session, genova):
    mayor = make_user(db_session, "alcaldesa@genova.gov.co", Role.EJECUTIVO, genova)
    planner = make_user(db_session, "planeacion@genova.gov.co", Role.PLANEACION, genova)
    ctp_member = make_user(db_session, "consejera@genova.gov.co", Role.CTP, genova)
    secretary = make_user(db_session, "secretario@genova.gov.co", Role.CORPORACION, genova)
    for manager in (mayor, planner):
        for role in (Role.CTP, Role.CORPORACION):
            assert not can_invite(manager, role.value, genova.id, None)
        assert not can_manage_person(manager, ctp_member) and not can_manage_person(manager, secretary)
    client = app.test_client()
    assert login(client, mayor.email, PASSWORD).status_code == 302
    page = client.get("/personas").get_data(as_text=True)
    assert "ctp|63302" not in page and "corporacion|63302" not in page and ctp_member.email not in page
    token = csrf_from(page)
    assert client.post(f"/personas/{ctp_member.id}/estado", data={"csrf_token": token}).status_code == 404
    assert invite(client, "nuevo.concejo@genova.gov.co", "corporacion|63302").status_code == 422
    db_session.expire_all()
    assert db_session.get(User, ctp_member.id).is_active_account


def test_the_ctp_lead_administers_the_ctp_and_every_change_is_logged(app, db_session, genova):
    ctp_lead = lead(db_session, "presidenta.ctp@genova.gov.co", Role.CTP, genova)
    member = make_user(db_session, "consejero@genova.gov.co", Role.CTP, genova)
    planner = make_user(db_session, "planeacion@genova.gov.co", Role.PLANEACION, genova)
    assert can_manage_person(ctp_lead, member) and not can_manage_person(ctp_lead, planner)
    assert not can_invite(ctp_lead, Role.CORPORACION.value, genova.id, None)
    client = app.test_client()
    assert login(client, ctp_lead.email, PASSWORD).status_code == 302
    assert invite(client, "nueva.consejera@genova.gov.co", "ctp|63302").status_code == 302
    page = client.get("/personas").get_data(as_text=True)
    assert member.email in page and planner.email not in page
    assert client.post(f"/personas/{member.id}/estado", data={"csrf_token": csrf_from(page)}).status_code == 302
    membership = db_session.scalar(select(Membership).filter_by(user_id=member.id))
    page = client.get("/personas").get_data(as_text=True)
    assert client.post(f"/personas/{member.id}/roles/{membership.id}/quitar",
                       data={"csrf_token": csrf_from(page)}).status_code == 302
    rows = db_session.scalars(select(PeopleLogEntry).order_by(PeopleLogEntry.id)).all()
    invited = db_session.scalar(select(User).filter_by(email="nueva.consejera@genova.gov.co"))
    assert [(r.action, r.actor_id, r.target_id, r.role) for r in rows] == [
        ("invite", ctp_lead.id, invited.id, "ctp"), ("deactivate", ctp_lead.id, member.id, None),
        ("remove_role", ctp_lead.id, member.id, "ctp")]


def test_the_demo_ctp_and_concejo_leads_administer_their_own(app, db_session, set_today):
    from tests.demo_copy import demo_data

    set_today("2028-03-10")
    accounts_by_slug = {a.email.split("@")[0]: a for a in demo_data()}
    for slug, scope in (("ctp.filandia", "ctp|63272"), ("concejo.filandia", "corporacion|63272")):
        client = app.test_client()
        assert login(client, accounts_by_slug[slug].email, accounts_by_slug[slug].password).status_code == 302
        page = client.get("/personas")
        assert page.status_code == 200 and scope in page.get_data(as_text=True)
    mayor = app.test_client()
    assert login(mayor, accounts_by_slug["alcalde.filandia"].email,
                 accounts_by_slug["alcalde.filandia"].password).status_code == 302
    assert "ctp|63272" not in mayor.get("/personas").get_data(as_text=True)


def test_a_lead_cannot_pull_someone_elses_account_into_their_body(app, db_session, genova):
    """QA 7 December 2026: the CTP's lead «invited» the mayor, the environmental authority and another entity's
    CTP member, and each silently got the CTP's role (and with it the CTP's acts on the mayor's own plan)."""
    filandia = make_plan(db_session, "63272").entity
    ctp_lead = lead(db_session, "presidenta.ctp@genova.gov.co", Role.CTP, genova)
    mayor = make_user(db_session, "alcaldesa@genova.gov.co", Role.EJECUTIVO, genova)
    elsewhere = make_user(db_session, "consejero@filandia.gov.co", Role.CTP, filandia)
    own_member = make_user(db_session, "consejera@genova.gov.co", Role.CTP, genova)
    client = app.test_client()
    assert login(client, ctp_lead.email, PASSWORD).status_code == 302
    for person, reason in ((mayor, "no puede tener también el de «Consejo Territorial de Planeación»"),  # sides
                           (elsewhere, "pídalo al administrador")):
        refused = invite(client, person.email, "ctp|63302")
        assert refused.status_code == 422
        assert reason in " ".join(refused.get_data(as_text=True).split())
    db_session.expire_all()
    assert [m.role for m in db_session.get(User, mayor.id).memberships] == ["ejecutivo"]
    assert [(m.role, m.entity_id) for m in db_session.get(User, elsewhere.id).memberships] == [("ctp", filandia.id)]
    assert not db_session.scalars(select(PeopleLogEntry).filter_by(action="grant")).all()
    assert elsewhere.email in refused.get_data(as_text=True)  # the refusal keeps what was typed
    # An account whose every role the lead hands out still gets the role («ya tenía ese rol» when it has it).
    assert invite(client, own_member.email, "ctp|63302").status_code == 302
    # An administrator may give the role to anyone; the lead then sees only the role in their own body.
    admin = make_user(db_session, "admin@dnp.gov.co", Role.ADMIN, None)
    accounts.invite_person(db_session, admin, accounts.Invite(email=elsewhere.email, name="Consejero",
                                                             role="ctp", dane_code="63302"))
    db_session.commit()
    page = client.get("/personas").get_data(as_text=True)
    assert elsewhere.email in page and "Filandia" not in page.split("<h2>Personas</h2>")[1]
    assert "y 1 rol fuera de lo que usted administra" in page
