"""The pages issue 13 changed or added, on a desktop and on a 360 px phone: accessible (axe-core), light (first
load < 100 KB), no horizontal scroll, usable without JavaScript. The finished demo plan (Filandia 2024-2027)
and a Circasia plan in debate give them real content. Set E2E_SHOTS_DIR to keep screenshots."""
from __future__ import annotations

import pytest

from tests.demo_copy import demo_data
from tests.e2e.conftest import assert_accessible, expect, first_load_bytes, sign_in
from tests.e2e.test_walks import DEMO, FIRST_LOAD_BUDGET, PASSWORD, no_horizontal_scroll, plan_of, shot
from tests.workflow_app.story import Cast, make_plan, walk_to

FILANDIA, CIRCASIA = "63272", "63190"


@pytest.fixture
def demo(db_session, set_today):
    set_today("2028-03-10")
    demo_data()
    return plan_of(db_session, FILANDIA)


def check(page, base, url, name, phone):
    weight = first_load_bytes(page, f"{base}{url}")
    assert weight < FIRST_LOAD_BUDGET, f"primera carga de {url}: {weight} bytes"
    assert_accessible(page)
    no_horizontal_scroll(page)
    shot(page, f"{name}-{'360' if phone else 'desktop'}")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_finished_plan_pages_are_accessible_light_and_fit_a_phone(new_page, live_server, demo, phone):
    citizen = new_page(phone=phone)
    check(citizen, live_server, f"/publico/{FILANDIA}", "public-filandia", phone)
    expect(citizen.get_by_role("heading", name="Conceptos y respuesta a sus recomendaciones")).to_be_visible()
    page = new_page(phone=phone)
    account = DEMO["planeacion.filandia"]
    sign_in(page, live_server, account.email, account.password)
    for url, name in ((f"/planes/{demo.id}", "plan-filandia"), (f"/planes/{demo.id}/expediente", "expediente"),
                      (f"/planes/{demo.id}/ppi", "ppi-adopted"),
                      (f"/planes/{demo.id}/que-pasa-si?filed_with_corporacion=2024-04-29&fiscal_category=1"
                       "&committee_approved=2024-05-10&published=2024-05-24", "what-if")):
        check(page, live_server, url, name, phone)
    expect(page.get_by_text("no se guarda nada")).to_be_visible()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_inbox_confirmation_and_acceptance_pages_work_without_javascript(new_page, live_server, db_session,
                                                                         set_today, phone):
    plan = make_plan(db_session, CIRCASIA)
    cast = Cast(db_session, plan)
    walk_to(cast, "in_debate")
    cast.act("corporacion", "propose_amendment", "2028-05-03",
             payload={"text": "Aumentar la meta de vivienda rural de 40 a 60 mejoramientos.",
                      "authors": ["Concejal Luisa Gómez", "Concejal Pedro Arango"]})
    # The plenary's denial comes after the committee's approval (L136 arts. 73, 75; L152 art. 40; CE-2127)
    cast.act("corporacion", "record_committee_debate", "2028-05-03", payload={"committee_outcome": "approved"})
    set_today("2028-05-04")
    council = new_page(phone=phone)
    sign_in(council, live_server, cast.corporacion.email, PASSWORD)
    check(council, live_server, "/", "inbox-split", phone)
    expect(council.get_by_role("heading", name="Pendientes con plazo")).to_be_visible()
    expect(council.get_by_role("heading", name="Otras acciones posibles")).to_be_visible()
    url = f"/planes/{plan.id}/actos/pdt_approval/-/vote_down"
    check(council, live_server, url, "confirm-vote-down", phone)
    check(council, live_server, url + "?confirmado=1", "vote-down-form", phone)
    # The confirmation step is a plain link and a plain form: it works with JavaScript disabled.
    no_js = new_page(phone=phone, java_script_enabled=False)
    sign_in(no_js, live_server, cast.corporacion.email, PASSWORD)
    no_js.goto(url)
    no_js.get_by_role("link", name="Sí, continuar al formulario").click()
    expect(no_js.get_by_label("Confirmo que este acto es irreversible", exact=False)).to_be_visible()
    mayor = new_page(phone=phone)
    sign_in(mayor, live_server, cast.ejecutivo.email, PASSWORD)
    check(mayor, live_server, f"/planes/{plan.id}/actos/amendment/1/accept_in_writing", "amendment-acceptance", phone)
    expect(mayor.locator("blockquote.amendment-text")).to_contain_text("de 40 a 60 mejoramientos")
