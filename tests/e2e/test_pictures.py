"""The pictures and the new pages in Chromium, on a desktop and at 360 px: the route and the legal calendar as
SVG (named for screen readers), "Mi calendario", "Mi cuenta", the help, the glossary, the board's map and the
milestones admin. Each page: axe-core clean, first load under 100 KB, no horizontal scroll, no 404 (favicon).
With E2E_SHOTS_DIR set, each page is saved as a screenshot."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from state_machines.core.roles import Role
from tests.e2e.conftest import assert_accessible, expect, first_load_bytes, sign_in
from tests.e2e.test_walks import FIRST_LOAD_BUDGET, PASSWORD, no_horizontal_scroll, shot
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Entity, Plan


@pytest.fixture
def genova(db_session, set_today):
    """Génova in debate on 4 May 2028, with a hearing held and one to come; Sucre and Quindío barely started."""
    set_today("2028-04-05")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    cast.act("planeacion", "schedule_hearing", "2028-04-05",
             payload={"scheduled_on": "2028-04-20", "place": "Casa de la cultura", "zone": "Zona urbana"})
    cast.act("planeacion", "hold", "2028-04-21", machine="hearing", subject="1", payload={"attendance": "80"})
    cast.act("ejecutivo", "file_with_corporacion", "2028-04-28")
    cast.act("corporacion", "assign_to_committee", "2028-05-02")
    cast.act("planeacion", "schedule_hearing", "2028-05-03",
             payload={"scheduled_on": "2028-05-20", "place": "Escuela vereda El Cairo", "zone": ""})
    make_plan(db_session, "63")
    make_plan(db_session, "70")
    set_today("2028-05-04")
    return cast


def visit(page, base: str, path: str, name: str, phone: bool) -> None:
    """Load a page from an empty cache: weight, accessibility, phone fit, no 404 on the way; then a screenshot."""
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    weight = first_load_bytes(page, f"{base}{path}")
    assert weight < FIRST_LOAD_BUDGET, f"primera carga de {path}: {weight} bytes de HTML+CSS+JS (meta < 100 KB)"
    assert_accessible(page)
    no_horizontal_scroll(page)
    assert not missing, f"404 al cargar {path}: {missing}"
    shot(page, f"{name}-{'360' if phone else 'desktop'}")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_plan_page_shows_the_route_and_the_calendar_as_named_pictures(new_page, live_server, genova, phone):
    page = new_page(phone=phone)
    sign_in(page, live_server, genova.planeacion.email, PASSWORD)
    visit(page, live_server, f"/planes/{genova.plan.id}", "plan-ruta-y-calendario", phone)
    route = page.get_by_role("img", name="Ruta legal del plan: paso 10 de 15")
    expect(route).to_be_visible()
    timeline = page.get_by_role("img", name="Calendario legal del plan en una línea de tiempo")
    expect(timeline).to_be_visible()
    width = route.bounding_box()["width"]
    assert 300 <= width <= 420, width  # the 340-unit drawing at about its size: 14-unit text stays legible
    page.get_by_text("Ver la ruta como lista").click()
    expect(page.locator("ol.route li[aria-current=step]")).to_contain_text("En debate en el Concejo de Génova")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_my_calendar_account_and_help_pages(new_page, live_server, genova, phone):
    page = new_page(phone=phone)
    sign_in(page, live_server, genova.planeacion.email, PASSWORD)
    visit(page, live_server, "/cuenta/calendario?mes=2028-05", "mi-calendario", phone)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mi calendario · Mayo de 2028")
    expect(page.locator("td.today")).to_contain_text("(hoy)")
    expect(page.locator("a.cal-audiencia")).to_contain_text("audiencia pública 2")
    visit(page, live_server, "/cuenta", "mi-cuenta", phone)
    expect(page.get_by_role("link", name="Tokens de la API")).to_be_visible()
    visit(page, live_server, "/ayuda", "ayuda-planeacion", phone)
    expect(page.locator("section.card").first).to_contain_text("Secretaría de planeación")
    visit(page, live_server, "/ayuda/glosario#holgura", "glosario", phone)
    expect(page.locator("#lectura-amplia")).to_have_text("Lectura amplia")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_board_map_and_milestones_admin(new_page, live_server, genova, db_session, phone):
    admin = make_user(db_session, "admin.mapa@prueba.co", Role.ADMIN)
    page = new_page(phone=phone)
    sign_in(page, live_server, admin.email, PASSWORD)
    visit(page, live_server, "/tablero", "tablero-mapa", phone)
    the_map = page.get_by_role("group", name=re.compile("Mapa de Colombia por departamentos"))
    expect(the_map).to_be_visible()
    the_map.get_by_role("link", name=re.compile(r"Quindío, \d de 2 planes en riesgo")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tablero de Quindío · período 2028–2031")  # issue 18: names its period
    visit(page, live_server, "/admin/hitos", "admin-hitos", phone)
    expect(page.get_by_text("Automático: al registrar «Expedir la convocatoria")).to_be_visible()
    box = page.locator("textarea#rows-0-name").bounding_box()
    assert box["width"] >= (300 if phone else 380), box


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_public_pages_read_official_names_and_count_the_plans_branch(new_page, live_server, genova, phone):
    page = new_page(phone=phone)
    visit(page, live_server, "/publico?q=bogota", "publico-busqueda-bogota", phone)
    expect(page.get_by_role("region", name="Buscar una entidad").get_by_role("link", name="Bogotá, D.C.")).to_be_visible()
    visit(page, live_server, "/publico/63302", "publico-genova", phone)
    expect(page.get_by_text("Paso 10 de 15 de la ruta legal")).to_be_visible()
    visit(page, live_server, "/publico", "publico-inicio", phone)
    expect(page.get_by_role("link", name="Norte de Santander")).to_be_visible()
    # On a phone each department shows its main figures; its page has the stages (QA, 7 December 2026: 33 cards
    # of ten lines made the page 15,000 px tall).
    stage_cell = page.locator("td.wide-only").first
    expect(stage_cell).to_be_hidden() if phone else expect(stage_cell).to_be_visible()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "360px"])
def test_a_silent_plan_claims_no_step_and_shows_what_is_overdue(new_page, live_server, genova, db_session, phone):
    """Issue 18: Quindío's gobernación recorded nothing since 1 January 2028. Its public page and its expediente
    claim no step as passed and show the overdue ones, with no time after the simulated day."""
    page = new_page(phone=phone)
    visit(page, live_server, "/publico/63", "publico-silencioso", phone)
    text = " ".join(page.locator("main").inner_text().split())
    assert "Etapa superada" not in text and "Vencido" in text and "Plan de desarrollo 2028–2031" in text
    admin = make_user(db_session, "admin.silencio@prueba.co", Role.ADMIN)
    sign_in(page, live_server, admin.email, PASSWORD)
    plan_id = db_session.scalar(select(Plan.id).join(Entity).where(Entity.dane_code == "63"))
    visit(page, live_server, f"/planes/{plan_id}/expediente", "expediente-silencioso", phone)
    generated = page.locator("dt:text-is('Generado') + dd").inner_text()
    assert "4 de mayo de 2028" in generated, generated
