"""Issue 18: the board, the plan page, the PPI editor, the expediente and the public page at 1280 px and at
360 px: no sideways scroll and no axe-core violation; on a phone the plan's state and what the person must do
are on the first screen, and the training banner is one line. Set E2E_SHOTS_DIR to keep screenshots."""
from __future__ import annotations

import pytest

from tests.demo_copy import demo_data
from tests.e2e.conftest import _axe_source, assert_accessible, expect, sign_in
from tests.e2e.test_walks import DEMO, SHOTS_DIR, no_horizontal_scroll, plan_of, shot

GENOVA = "63302"


@pytest.fixture
def genova(db_session, set_today):
    set_today("2028-03-10")
    demo_data()
    return plan_of(db_session, GENOVA)


def label_mismatches(page) -> list[str]:
    """axe-core's experimental label-content-name-mismatch rule (off by default), run on its own."""
    page.evaluate(_axe_source())
    results = page.evaluate("() => axe.run(document, {runOnly: ['label-content-name-mismatch'], "
                            "rules: {'label-content-name-mismatch': {enabled: true}}})")
    return [" ".join(map(str, n["target"])) for v in results["violations"] for n in v["nodes"]]


def check(page, url: str, name: str, phone: bool) -> None:
    page.goto(url)
    no_horizontal_scroll(page)
    assert_accessible(page, impacts=("minor", "moderate", "serious", "critical"))
    assert label_mismatches(page) == []
    shot(page, f"issue18-{name}-{'360' if phone else '1280'}")
    if SHOTS_DIR and phone:  # what a phone shows before any scrolling
        page.screenshot(path=f"{SHOTS_DIR}/issue18-{name}-360-first-screen.png")


@pytest.mark.parametrize("phone", [False, True], ids=["1280px", "360px"])
def test_five_pages_fit_the_screen_and_pass_axe(new_page, live_server, genova, phone):
    citizen = new_page(phone=phone)
    check(citizen, f"/publico/{GENOVA}", "public", phone)
    page = new_page(phone=phone)
    account = DEMO["planeacion.genova"]
    sign_in(page, live_server, account.email, account.password)
    check(page, "/tablero", "board", phone)
    check(page, f"/planes/{genova.id}", "plan", phone)
    check(page, f"/planes/{genova.id}/ppi/editar", "ppi-editor", phone)
    check(page, f"/planes/{genova.id}/expediente", "expediente", phone)


def test_on_a_phone_the_first_screen_says_the_state_and_the_duty(new_page, live_server, genova, set_today):
    set_today("2028-06-30")  # Génova's terms have passed: the planning office owes nothing it can record; others do
    page = new_page(phone=True)
    account = DEMO["alcalde.genova"]
    sign_in(page, live_server, account.email, account.password)
    page.goto(f"/planes/{genova.id}")
    height = page.viewport_size["height"]
    state = page.locator("p.state")
    expect(state).to_be_visible()
    assert state.bounding_box()["y"] + state.bounding_box()["height"] <= height, "el estado no está en la primera pantalla"
    first_duty = page.locator("#h-pend-mios, #h-acciones").first
    assert first_duty.bounding_box()["y"] < height, "lo que le toca no empieza en la primera pantalla"
    banner = page.locator(".training-banner, .banner-training, [data-training]").first
    if banner.count():
        line = page.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 24", banner.element_handle())
        assert banner.bounding_box()["height"] <= 2 * line, "la franja de capacitación ocupa más de una línea"
    total = page.evaluate("document.documentElement.scrollHeight")
    assert total < 12_000, f"la página del plan mide {total} px de alto en un teléfono"


def test_a_finished_plan_fits_a_phone_without_an_absurd_height(new_page, live_server, genova, db_session):
    finished = plan_of(db_session, "63272")
    page = new_page(phone=True)
    account = DEMO["planeacion.filandia"]
    sign_in(page, live_server, account.email, account.password)
    for url, name in ((f"/planes/{finished.id}", "plan-filandia"), (f"/planes/{finished.id}/expediente",
                                                                     "expediente-filandia")):
        check(page, url, name, True)
    page.goto(f"/planes/{finished.id}")  # every act of the route: the latest acts shown, the older in the expediente
    height = page.evaluate("document.documentElement.scrollHeight")
    # 12,000 px before issues 20 and 21 added the last stretch and Phase II sections (20,149 px before issue 18)
    assert height < 16_000, f"la página del plan terminado mide {height} px de alto en un teléfono"
    older = page.get_by_role("link", name="actos anteriores en el expediente")
    expect(older).to_be_visible()
    older.click()
    expect(page.locator("#h-hist")).to_be_visible()
    rows = page.locator("section[aria-labelledby=h-hist] tbody tr").count()
    assert rows > 8, f"el expediente debe tener el historial completo ({rows} filas)"


def test_on_a_phone_every_menu_item_is_in_sight(new_page, live_server, genova):
    """The menu wraps onto short lines: a row scrolling sideways inside the bar hid "Cerrar sesión" and half of the
    items past the right edge of a 360 px screen."""
    page = new_page(phone=True)
    account = DEMO["alcalde.genova"]  # the longest menu of a municipio's people (access log, people)
    sign_in(page, live_server, account.email, account.password)
    items = page.locator("header.top nav a, header.top nav button")
    assert items.count() >= 9
    width = page.viewport_size["width"]
    for i in range(items.count()):
        box = items.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, items.nth(i).inner_text()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_in_viewport()
    header = page.locator("header.top").bounding_box()
    assert header["height"] < page.viewport_size["height"] / 3  # the page's own content still starts on screen


def test_on_a_phone_a_row_header_heads_its_card_across_the_width(new_page, live_server, genova):
    """A responsive table stacks each row as a card on a phone; its row header (the entity, the step, the
    department) was left a table cell beside the stacked cells, its underline as short as its text. It is now a
    line of its own, as wide as the card, like the cells under it."""
    page = new_page(phone=True)
    for url in ("/publico/departamentos/63", f"/publico/{GENOVA}"):
        page.goto(live_server + url)
        headers = page.locator("table.responsive tbody th[scope=row]")
        assert headers.count() >= 3, url
        for i in range(headers.count()):
            header = headers.nth(i)
            assert header.evaluate("th => getComputedStyle(th).display") == "block", url
            row = header.evaluate("th => th.closest('tr').getBoundingClientRect().width")
            assert header.bounding_box()["width"] >= row - 1, (url, header.inner_text())


def test_on_a_phone_a_tables_caption_spans_the_card_not_a_word_a_line(new_page, live_server, genova):
    """Audit (WCAG 2.1 AA, reflow): a responsive table became a block on a phone, but its caption stayed a table
    caption as narrow as its longest word, one or two words a line. It is a block as wide as the table."""
    page = new_page(phone=True)
    account = DEMO["planeacion.genova"]
    sign_in(page, live_server, account.email, account.password)
    for url in (f"/planes/{genova.id}/hitos", f"/planes/{genova.id}/expediente"):
        page.goto(url)
        captions = page.locator("table.responsive > caption:not(.visually-hidden)")
        assert captions.count() >= 1, url
        for i in range(captions.count()):
            caption = captions.nth(i)
            table = caption.evaluate("c => c.closest('table').getBoundingClientRect().width")
            assert caption.bounding_box()["width"] >= table - 1, (url, caption.inner_text())
