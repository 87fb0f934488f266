"""Help per role, the glossary the pages link to, the menu each role sees, the favicon, the board's map."""
from __future__ import annotations

import re

import pytest

from state_machines.core.roles import Role
from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, make_user, walk_to
from workflow_app.models import Membership
from workflow_app.web.help.glossary import TERM_BY_ID

PASSWORD = "clave-de-prueba"


@pytest.fixture
def genova(db_session, set_today):
    set_today("2028-04-10")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "adjusting")
    return cast


def nav(html: str) -> list[str]:
    menu = re.search(r'<nav aria-label="Principal">(.*?)</nav>', html, flags=re.S).group(1)
    return re.findall(r"<a [^>]*>([^<]+)</a>", menu)


def test_each_role_sees_only_the_menu_it_can_use(app, db_session, genova):
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    menus = {}
    for who, user in (("ctp", genova.ctp), ("planeacion", genova.planeacion), ("admin", admin)):
        client = app.test_client()
        login(client, user.email, PASSWORD)
        menus[who] = nav(client.get("/cuenta").get_data(as_text=True))
    notices = re.compile(r"Notificaciones \(\d+\)")
    menus = {who: ["Notificaciones" if notices.fullmatch(i) else i for i in items] for who, items in menus.items()}
    assert menus["ctp"] == ["Mis pendientes", "Mi calendario", "Tablero", "Notificaciones", "Ayuda", "Mi cuenta"]
    # planeación manages its entity's people; its API tokens are in "Mi cuenta", not in the menu
    # Monitoreo 360: planeación answers the monthly survey; the administrator follows its results
    assert menus["planeacion"] == ["Mis pendientes", "Mi calendario", "Tablero", "Monitoreo 360", "Notificaciones",
                                   "Personas", "Ayuda", "Mi cuenta"]
    assert menus["admin"] == ["Tablero", "Monitoreo 360", "Notificaciones", "Administración", "Registro de accesos",
                              "Ayuda", "Mi cuenta"]
    anonymous = nav(app.test_client().get("/publico").get_data(as_text=True))
    assert anonymous == ["Portal público", "Ayuda", "Iniciar sesión"]


def test_an_administrator_who_follows_no_plan_lands_on_administration_not_on_an_empty_inbox(app, db_session,
                                                                                             genova):
    """Their menu has no "Mis pendientes": signing in, and "/" afterwards, take them to "Administración"; a person
    with a role in a plan besides administration keeps their inbox."""
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    client = app.test_client()
    signed_in = login(client, admin.email, PASSWORD)
    assert signed_in.headers["Location"] == "/"
    landing = client.get("/", follow_redirects=True)
    assert landing.request.path == "/admin"
    assert "Administración" in nav(landing.get_data(as_text=True))
    assert "Mis pendientes" not in nav(landing.get_data(as_text=True))
    both = genova.planeacion
    db_session.add(Membership(user_id=both.id, role=Role.ADMIN.value))
    db_session.commit()
    other = app.test_client()
    login(other, both.email, PASSWORD)
    page = other.get("/")
    assert page.status_code == 200 and "Mis pendientes" in nav(page.get_data(as_text=True))


def test_api_tokens_live_in_the_account_page_for_the_roles_that_connect_systems(app, genova):
    ctp, planeacion = app.test_client(), app.test_client()
    login(ctp, genova.ctp.email, PASSWORD)
    login(planeacion, genova.planeacion.email, PASSWORD)
    assert "/cuenta/tokens" not in ctp.get("/cuenta").get_data(as_text=True)
    refused = ctp.get("/cuenta/tokens")
    assert refused.status_code == 403 and "Los tokens de API son para" in refused.get_data(as_text=True)
    assert ctp.post("/cuenta/tokens", data={"label": "x"}).status_code in (400, 403)
    account = planeacion.get("/cuenta").get_data(as_text=True)
    assert 'href="/cuenta/tokens"' in account and "Mi calendario" in account
    assert planeacion.get("/cuenta/tokens").status_code == 200


def test_help_puts_the_persons_role_first_with_its_acts_and_terms_from_the_legal_tables(app, genova):
    client = app.test_client()
    login(client, genova.ctp.email, PASSWORD)
    html = client.get("/ayuda").get_data(as_text=True)
    # legal-path.md's and phase-ii.md's source IDs are said in words (QA, 7 December 2026: «(L617 art. 79; SEED 001)»)
    assert not re.search(r"\b(SEED \d|DNP-PI|DNP-KS|CE-\d|TAB-)", html) and "material del DNP" in html
    sections = re.findall(r'<section aria-labelledby="rol-([a-z_]+)"', html)
    assert sections[0] == "ctp" and set(sections) == {"ejecutivo", "planeacion", "equipo", "ctp", "car",
                                                      "corporacion", "hacienda", "consejo_de_gobierno",
                                                      "asesor", "coordinador", "admin", "ciudadania"}
    ctp = html[html.index('id="rol-ctp"'):html.index('id="rol-ejecutivo"')]
    assert "Entregar el concepto del Consejo Territorial de Planeación <span class=\"muted\">(L152 art. 39 num. 6)" in ctp
    assert "Instalar el Consejo Territorial de Planeación" in ctp  # an act the table gives the CTP
    assert "Radicar el proyecto" not in ctp
    # Her own places are links; another function's are named only (they would answer her 403).
    assert '<a href="/">Mis pendientes</a>' in ctp and '<a href="/cuenta/calendario">Mi calendario</a>' in ctp
    admin = html[html.index('id="rol-admin"'):]
    assert "Dónde: Administración · Hitos y pesos · Tablero" in admin
    assert 'href="/admin/usuarios"' not in html and 'href="/admin/hitos"' not in html
    assert 'href="/monitoreo-360/ranking"' not in html
    anonymous = app.test_client().get("/ayuda").get_data(as_text=True)
    assert re.findall(r'<section aria-labelledby="rol-([a-z]+)"', anonymous)[0] == "ciudadania"


def test_every_glossary_link_of_the_pages_points_to_a_term_that_exists(app, genova, db_session):
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    glossary = app.test_client().get("/ayuda/glosario").get_data(as_text=True)
    for term in ("lectura-amplia", "holgura", "ternas", "requisito-surtido", "dias-habiles"):
        assert f'<dt id="{term}">' in glossary
    client = app.test_client()
    login(client, admin.email, PASSWORD)
    pages = [f"/planes/{genova.plan.id}", "/tablero", f"/planes/{genova.plan.id}/hitos", "/cuenta/calendario",
             "/ayuda"]
    anchors = set()
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        anchors |= set(re.findall(r'href="/ayuda/glosario#([a-z-]+)"', html))
    assert {"lectura-amplia", "holgura", "riesgo", "hito", "salida"} <= anchors
    assert anchors <= set(TERM_BY_ID), anchors - set(TERM_BY_ID)


def test_favicon_is_served_so_no_page_logs_a_404(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.get_data()[:4] == b"\x00\x00\x01\x00"  # ICO header
    page = client.get("/login").get_data(as_text=True)
    svg = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert client.get(svg).status_code == 200


def test_board_map_colours_departments_by_share_at_risk_and_links_them(app, db_session, genova, set_today):
    make_plan(db_session, "63")  # Quindío: its gobernación, no acts yet
    make_plan(db_session, "70")  # Sucre
    admin = make_user(db_session, "admin@prueba.co", Role.ADMIN)
    client = app.test_client()
    login(client, admin.email, PASSWORD)
    html = client.get("/tablero").get_data(as_text=True)
    svg = re.search(r'<svg class="tile-map".*?</svg>', html, flags=re.S).group(0)
    assert 'role="group"' in svg and "<title id=" in svg
    assert svg.count("<rect ") == 33  # 32 departamentos and Bogotá
    quindio = re.search(r'<a href="/tablero/departamentos/63" aria-label="([^"]+)">', svg).group(1)
    # The accessible name starts with the tile's visible text (axe label-content-name-mismatch; issue 18)
    assert re.fullmatch(r"QUI \d+ %: Quindío, \d de 2 planes en riesgo", quindio), quindio
    assert 'aria-label="ANT —: Antioquia, sin planes que usted siga"' in svg  # named (QA, 7 December 2026)
    assert '<a href="/tablero/departamentos/05"' not in svg  # no plan there: no link to a 403
    table = html[html.index("Ver el mapa como tabla"):]
    assert '<a href="/tablero/departamentos/70">Sucre</a>' in table
    department = client.get("/tablero/departamentos/63").get_data(as_text=True)
    assert "tile-map" not in department


def test_the_kept_menu_follows_roles_notices_and_name_and_its_sign_out_token_is_each_sessions(app, db_session,
                                                                                                set_today):
    """The menu is kept in the process by the memberships, the name and the unread figure (web/account/people.py
    ``signed_in_menu``): each change shows on the next page, two people with the same roles keep their own name, and
    the sign-out form carries the token of the browser's own session, which signs out."""
    from workflow_app.models import Membership, Notification

    set_today("2028-04-10")
    plan = make_plan(db_session, "63302")
    ana, beto = (make_user(db_session, email, Role.PLANEACION, plan.entity) for email in ("ana@genova.co",
                                                                                             "beto@genova.co"))
    first, second = app.test_client(), app.test_client()
    login(first, "ana@genova.co", PASSWORD)
    login(second, "beto@genova.co", PASSWORD)
    page = first.get("/ayuda").get_data(as_text=True)
    assert "Administración" not in nav(page) and "Notificaciones (0)" in nav(page)
    assert '<span class="who">ana</span>' in page
    assert '<span class="who">beto</span>' in second.get("/ayuda").get_data(as_text=True)  # same roles, own name

    db_session.add(Membership(user_id=ana.id, role=Role.ADMIN.value))
    db_session.add(Notification(user_id=ana.id, plan_id=plan.id, kind="reminder", step_key=None, dedupe_key="m-1",
                                subject="Aviso", body="Aviso"))
    db_session.commit()
    page = first.get("/ayuda").get_data(as_text=True)
    assert "Administración" in nav(page) and "Notificaciones (1)" in nav(page)
    assert "Administración" not in nav(second.get("/ayuda").get_data(as_text=True))

    tokens = [re.search(r'action="/logout"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                        client.get("/ayuda").get_data(as_text=True)).group(1) for client in (first, second)]
    assert tokens[0] != tokens[1]
    assert first.post("/logout", data={"csrf_token": tokens[0]}).status_code == 302
    assert first.get("/ayuda").get_data(as_text=True).count("Iniciar sesión") >= 1  # signed out


def test_pages_with_several_forms_repeat_no_id(app, db_session, genova):
    """Each form's CSRF field once rendered id="csrf_token": a page with several forms repeated the id."""
    from collections import Counter
    from html.parser import HTMLParser

    class Ids(HTMLParser):
        def __init__(self):
            super().__init__()
            self.ids: Counter = Counter()

        def handle_starttag(self, tag, attrs):
            self.ids.update(value for name, value in attrs if name == "id")

    client = app.test_client()
    login(client, genova.planeacion.email, PASSWORD)
    for url in ("/notificaciones", "/notificaciones/preferencias", f"/planes/{genova.plan.id}/hitos", "/cuenta"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert html.count('name="csrf_token"') >= 1, url  # the forms are there, their tokens too
        parser = Ids()
        parser.feed(html)
        assert [i for i, n in parser.ids.items() if n > 1] == [], url


def test_the_glossary_is_in_alphabetical_order_and_says_what_each_statute_short_form_is(client):
    """QA, 7 December 2026: «Sanción y objeción» sat among the O (ordered by id), and no page said what «L4-1913» or
    «CPACA» is, though every «Norma» column cites them."""
    import re
    import unicodedata

    page = client.get("/ayuda/glosario").get_data(as_text=True)
    shown = re.findall(r'<dt id="[^"]+">([^<]+)', page)
    plain = ["".join(c for c in unicodedata.normalize("NFKD", t.casefold()) if not unicodedata.combining(c))
             for t in shown]
    assert len(shown) > 20 and plain == sorted(plain)
    for short, words in (("L4-1913", "Ley 4 de 1913"), ("CPACA", "Ley 1437 de 2011"), ("DL1421", "Decreto Ley 1421")):
        assert f"<li><strong>{short}</strong>: {words}" in page
