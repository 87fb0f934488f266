"""The login page in a real browser: accessible, light, usable on a phone and without JavaScript."""
import pytest

from tests.demo_copy import demo_data
from tests.e2e.conftest import assert_accessible, expect, first_load_bytes, sign_in
from workflow_app.services.cycle.demo import DEMO_ACCOUNTS

GENOVA_MAYOR = DEMO_ACCOUNTS[0]
FIRST_LOAD_BUDGET = 100 * 1024  # HTML + CSS + JS, bytes: pages must load on a weak rural connection


@pytest.fixture
def demo(db_session):
    return demo_data()


def test_login_page_has_no_serious_or_critical_axe_violations_on_desktop(page, live_server):
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", level=1, name="Iniciar sesión")).to_be_visible()
    assert_accessible(page)


@pytest.mark.phone
def test_login_page_has_no_serious_or_critical_axe_violations_at_360_px(page, live_server):
    page.goto(f"{live_server}/login")
    assert page.viewport_size == {"width": 360, "height": 740}
    assert_accessible(page)
    # Nothing wider than the phone: no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_login_page_first_load_is_under_100_kb(page, live_server):
    weight = first_load_bytes(page, f"{live_server}/login")
    assert weight < FIRST_LOAD_BUDGET, f"primera carga de /login: {weight} bytes de HTML+CSS+JS (meta < 100 KB)"


def test_demo_account_signs_in_through_the_browser(phone_page, live_server, demo):
    sign_in(phone_page, live_server, GENOVA_MAYOR.email, GENOVA_MAYOR.password)
    expect(phone_page.get_by_role("navigation", name="Principal")).to_contain_text(GENOVA_MAYOR.name)


def test_wrong_password_shows_the_spanish_error_in_the_page(page, live_server, demo):
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(GENOVA_MAYOR.email)
    page.locator("input[name=password]").fill("no-es-la-clave")
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.get_by_role("alert")).to_contain_text("Correo o contraseña incorrectos")
    expect(page.locator("input[name=password]")).to_have_attribute("aria-invalid", "true")
    # The summary gets the focus (a screen reader reads it) and the error is tied to its field (QA).
    expect(page.locator("#errores")).to_be_focused()
    expect(page.locator("input[name=password]")).to_have_attribute("aria-describedby", "password-err")
    expect(page.locator("#password-err")).to_have_text("Correo o contraseña incorrectos. Revise los datos e intente de nuevo.")
    assert_accessible(page)  # the error state too


def test_login_works_with_javascript_disabled(new_page, live_server, demo):
    page = new_page(java_script_enabled=False)
    page.set_content('<p id="probe">sin JS</p><script>document.getElementById("probe").textContent = "con JS"</script>')
    expect(page.locator("#probe")).to_have_text("sin JS")  # the context really runs no page scripts
    sign_in(page, live_server, GENOVA_MAYOR.email, GENOVA_MAYOR.password)
    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.get_by_role("status")).to_contain_text("Sesión cerrada.")
