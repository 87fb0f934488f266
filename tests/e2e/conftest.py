"""Browser (end-to-end) fixtures and helpers: a live server over the test database, Debian's Chromium
driven by Playwright, axe-core accessibility checks and a first-load weight measure.

Fixtures
    live_server     base URL ("http://127.0.0.1:<port>") of the session `app` served in a background thread;
                    depends on `db_session`, so every test starts from a clean database.
    browser         (session) headless Chromium at CHROMIUM_PATH (default: Debian's chromium-headless-shell,
                    else /usr/bin/chromium).
    new_page        factory: new_page(*, phone=False, java_script_enabled=True, **context_options) -> Page,
                    a page in a fresh context (es-CO, America/Bogota, base_url=live_server); closed after the test.
    page            desktop page (1280x800); with @pytest.mark.phone, a 360x740 phone page.
    phone_page      360x740 phone page.

Helpers (import with `from .conftest import ...`)
    assert_accessible(page, impacts=("serious", "critical"))
    first_load_bytes(page, url) -> int
    sign_in(page, base_url, email, password)

Chromium or Playwright missing: the test fails in CI (CI=true) and is skipped elsewhere, saying why.
Playwright cannot download its own browsers on these machines: `.ci/browser-setup` installs Debian's chromium.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

try:  # re-exported for the tests, so a missing Playwright skips (or fails in CI) instead of breaking collection
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - reported by the `browser` fixture
    expect = None

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}  # same rule as tests/conftest.py
#: Debian's build of Chromium's headless shell (package chromium-headless-shell, installed by .ci/browser-setup):
#: the same Blink as /usr/bin/chromium without the full browser around it, as Playwright's own headless runs use.
#: Measured on the CI machine (6 December 2026): 90 ms of browser CPU per page load against 230 ms for the full
#: browser in its headless mode, and the walks of tests/e2e in 83 s instead of 153 s. CHROMIUM_PATH chooses another.
HEADLESS_SHELL, FULL_CHROMIUM = "/usr/bin/chromium-headless-shell", "/usr/bin/chromium"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or (HEADLESS_SHELL if os.access(HEADLESS_SHELL, os.X_OK)
                                                    else FULL_CHROMIUM)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium hangs on refused connections (no internet on the test machines).
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
PHONE_VIEWPORT = {"width": 360, "height": 740}
LOCALE = "es-CO"
TIMEZONE = "America/Bogota"
TIMEOUT_MS = 10_000

# What counts as first-load weight: markup, styles and scripts (not images or fonts).
WEIGHED_RESOURCE_TYPES = {"document", "stylesheet", "script"}
WEIGHED_CONTENT_TYPE = re.compile(r"text/html|text/css|javascript|ecmascript", re.I)


def browser_missing(what: str) -> None:
    message = f"{what}: las pruebas de navegador no pueden correr"
    if IN_CI:
        pytest.fail(f"{message}; en CI el navegador no puede faltar (ejecute .ci/browser-setup).", pytrace=False)
    pytest.skip(f"{message}; prueba omitida fuera de CI (instale con: bash .ci/browser-setup)")


def pytest_configure(config):
    config.addinivalue_line("markers", "phone: the `page` fixture uses a 360x740 phone viewport")


# ---------------------------------------------------------------------------------------------------------------
# Live server


class _ServerThread(threading.Thread):
    def __init__(self, app):
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs):  # one line per request drowns failure reports; errors still log
                pass

        super().__init__(name="e2e-live-server", daemon=True)
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def run(self):
        self.server.serve_forever(poll_interval=0.1)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.join(timeout=5)


@pytest.fixture(scope="session")
def _live_server_thread(app):
    thread = _ServerThread(app)
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
def live_server(_live_server_thread, db_session):
    """Base URL of the session app, served on a free loopback port; the database is cleaned after the test."""
    return _live_server_thread.url


# ---------------------------------------------------------------------------------------------------------------
# Browser


@pytest.fixture(scope="session")
def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        browser_missing(f"Playwright no está instalado ({exc}; pip install -e '.[dev]')")
    manager = sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="session")
def browser(_playwright):
    executable = CHROMIUM_PATH if os.path.isabs(CHROMIUM_PATH) else shutil.which(CHROMIUM_PATH)
    if not executable or not os.access(executable, os.X_OK):
        browser_missing(f"Chromium no está en {CHROMIUM_PATH}")
    try:
        chromium = _playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=30_000)
    except Exception as exc:  # noqa: BLE001 - any launch failure means there is no usable browser
        browser_missing(f"Chromium ({executable}) no arrancó: {exc}")
    yield chromium
    chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Factory of pages, each in its own fresh context (empty cache and cookies)."""
    contexts = []

    def _new_page(*, phone: bool = False, java_script_enabled: bool = True, **context_options):
        options = {
            "locale": LOCALE,
            "timezone_id": TIMEZONE,
            "viewport": PHONE_VIEWPORT if phone else DESKTOP_VIEWPORT,
            "base_url": live_server,
            "java_script_enabled": java_script_enabled,
        }
        if phone:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        options.update(context_options)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(request, new_page):
    return new_page(phone=request.node.get_closest_marker("phone") is not None)


@pytest.fixture
def phone_page(new_page):
    return new_page(phone=True)


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _axe_source() -> str:
    """axe-core as bundled in the axe-playwright-python wheel (no network needed)."""
    try:
        from axe_playwright_python.base import AXE_FILE_PATH
    except ImportError as exc:
        browser_missing(f"axe-core no está instalado ({exc}; pip install -e '.[dev]')")
    return Path(AXE_FILE_PATH).read_text(encoding="utf-8")


def assert_accessible(page, impacts=("serious", "critical")) -> None:
    """Run axe-core on the current page; fail listing every violation of the given impacts."""
    page.evaluate(_axe_source())  # evaluated by DevTools: works under a page CSP too
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = [v for v in results["violations"] if v.get("impact") in impacts]
    if found:
        lines = [f"axe-core {results['testEngine']['version']}: {len(found)} violación(es) en {page.url}"]
        for v in found:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"]:
                target = " ".join(str(t) for t in node["target"])
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                lines.append(f"    {target}  {summary}")
        pytest.fail("\n".join(lines), pytrace=False)


def first_load_bytes(page, url: str) -> int:
    """Bytes transferred (headers + encoded body) for HTML, CSS and JS when `url` is loaded with an empty cache."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    started, finished, ended = [], [], []

    def on_request(request):
        started.append(request)

    def on_finished(request):
        finished.append(request)
        ended.append(request)

    def on_failed(request):
        ended.append(request)

    listeners = (("request", on_request), ("requestfinished", on_finished), ("requestfailed", on_failed))
    for event, listener in listeners:
        page.on(event, listener)
    try:
        # The pages carry no script, so every request starts from the markup or its stylesheets and `load` waits
        # for all of them; then every request seen has ended (finished or failed) before the sum is taken. This
        # replaces `networkidle`, which adds half a second of quiet network to each load.
        page.goto(url, wait_until="load")
        waited = 0
        while len(ended) < len(started):
            assert waited < TIMEOUT_MS, f"{len(started) - len(ended)} solicitud(es) sin terminar al cargar {url}"
            page.wait_for_timeout(10)
            waited += 10
    finally:
        for event, listener in listeners:
            page.remove_listener(event, listener)
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        cdp.detach()
    total = 0
    for request in finished:
        response = request.response()
        content_type = (response.headers.get("content-type", "") if response else "")
        if request.resource_type not in WEIGHED_RESOURCE_TYPES and not WEIGHED_CONTENT_TYPE.search(content_type):
            continue
        sizes = request.sizes()
        total += max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
    assert total > 0, f"no se midió ninguna respuesta HTML/CSS/JS al cargar {url}"
    return total


def sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the /login form and check it lands on the inbox ("Mis pendientes"), or, for an
    administrator who follows no plan, on "Administración"."""
    base = base_url.rstrip("/")
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/(admin)?$"))
    landing = "Administración" if page.url.endswith("/admin") else "Mis pendientes"
    expect(page.get_by_role("heading", level=1, name=landing)).to_be_visible()


def submit_name(label: str) -> str:
    """The act form's button: «Registrar: <act>», or the act itself when it already says «Registrar…» (QA, 7
    December 2026: «Registrar: Registrar el primer debate…»)."""
    return label if label.startswith("Registrar") else f"Registrar: {label}"


def redirected(response) -> bool:
    """The act's post ended in its redirect: a 302, or (sent by static/upload.js with a file) an empty 200 that names
    the redirect in its ``X-Upload-Redirect`` header, followed by the browser (web/uploads.py upload_redirect)."""
    return response.status == 302 or (response.status == 200 and bool(response.headers.get("x-upload-redirect")))

