"""The plan page's pictures: the route and the legal calendar as SVG, named for screen readers; "Paso N de M"."""
from __future__ import annotations

import re

import pytest

from tests.workflow_app.helpers import login
from tests.workflow_app.story import Cast, make_plan, walk_to

PASSWORD = "clave-de-prueba"


@pytest.fixture
def genova(db_session, set_today):
    set_today("2028-05-04")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "in_debate")
    return cast


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg .*?</svg>", html, flags=re.S)


def accessible_name(svg: str) -> tuple[str, str]:
    labelled = re.search(r'aria-labelledby="([^"]+) ([^"]+)"', svg)
    title = re.search(rf'<title id="{labelled.group(1)}">(.*?)</title>', svg).group(1)
    desc = re.search(rf'<desc id="{labelled.group(2)}">(.*?)</desc>', svg, flags=re.S).group(1)
    return title, desc


def test_plan_page_draws_its_route_with_its_own_branch_and_the_decree_exit(client, genova):
    login(client, genova.planeacion.email, PASSWORD)
    html = client.get(f"/planes/{genova.plan.id}").get_data(as_text=True)
    route = next(s for s in svgs(html) if "route-figure" in s)
    assert 'role="img"' in route
    title, desc = accessible_name(route)
    assert title == "Ruta legal del plan: paso 10 de 15"
    assert "10. En debate en el Concejo de Génova: estado actual." in desc  # in the entity's own words
    assert "9. Radicado en el Concejo de Génova: cumplido." in desc
    assert "15. Vigente: pendiente." in desc
    assert ("Otra salida posible: Habilitado para adopción por decreto → Adoptado por decreto, que vuelve a "
            "«Publicado»") in desc.replace("&lt;", "<").replace("&#171;", "«").replace("&#187;", "»")
    assert route.count('r="8" fill="#1d6b30"') == 9  # nine steps walked, each a filled green circle
    assert "paso 10 de 15" in html and "Ver la ruta como lista" in html
    assert " style=" not in html and "<script" not in html


def test_plan_page_draws_the_legal_calendar_with_today_and_every_term(client, genova):
    login(client, genova.corporacion.email, PASSWORD)
    html = client.get(f"/planes/{genova.plan.id}").get_data(as_text=True)
    timeline = next(s for s in svgs(html) if "timeline-figure" in s)
    title, desc = accessible_name(timeline)
    assert title == "Calendario legal del plan en una línea de tiempo"
    assert desc.startswith("Hoy es 4 de mayo de 2028.")
    # Filed 28 April: the corporation's month, with its effect when it runs out (L152 art. 40).
    assert "Decidir sobre el proyecto de plan en el Concejo de Génova: pendiente" in desc
    assert "el plan se puede adoptar por decreto (L152 art. 40)" in desc
    # One day when both readings agree, a span only when they differ; the effect in the sentence's lower case.
    assert " y el " not in re.sub(r"vence entre el [^;]*? según la lectura", "", desc)
    assert re.search(r"Decidir sobre el proyecto de plan en el Concejo de Génova: pendiente; actuar a más tardar el "
                     r"[^;]+; vence (el|entre el) [^;]+; si vence: el plan se puede adoptar", desc)
    assert "; Si vence" not in desc
    assert "Consolidar el proyecto de plan en el Consejo de Gobierno: etapa superada" in desc  # issue 18: closed by an act
    assert "Hoy, 4 may</text>" in timeline
    assert timeline.count("<path d=\"M") == html.count('data-label="Plazo"')  # one diamond per term of the table
    # Today's line is drawn across each bar (and beside its label at the top), never down through the steps' names.
    assert len(re.findall(r'<line [^>]*stroke="#a4161a"', timeline)) == html.count('data-label="Plazo"') + 1
    spans = [float(b) - float(a) for a, b in re.findall(r'<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" '
                                                        r'y2="([\d.]+)" stroke="#a4161a"', timeline)]
    assert spans and max(spans) <= 22
    assert 'href="/ayuda/glosario#lectura-amplia"' in html


def test_public_page_counts_the_steps_of_the_plans_branch(client, genova):
    html = client.get("/publico/63302").get_data(as_text=True)
    assert "Paso 10 de 15 de la ruta legal" in html
