"""Issue 12: no cache keeps a signed-in page, a private download or a feed (``Cache-Control: private,
no-store``); the public portal keeps short public caching. Generated from the URL map: a route added later is
covered without touching this file."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.workflow_app.test_web_plans import demo, plan_of, sign_in  # noqa: F401 (fixtures)
from workflow_app.models import Document

STATIC_ASSETS = {"static", "board.stylesheet", "followup.stylesheet", "views.favicon"}  # stylesheets, icon: the same bytes for everyone
PUBLIC_PAGES = {"public.index", "public.department", "public.entity", "public.integrity"}


def urls(app, values: dict) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule and method, with sample values for its arguments."""
    out = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint in STATIC_ASSETS:
            continue
        args = {}
        for name, converter in rule._converters.items():
            if name in values:
                args[name] = values[name]
            elif isinstance(converter, AnyConverter):
                args[name] = sorted(converter.items)[0]
            elif isinstance(converter, IntegerConverter):
                args[name] = 1
            else:
                args[name] = "x"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, adapter.build(rule.endpoint, args, method=method)))
    return out


@pytest.fixture
def sample_values(demo, db_session):  # noqa: F811
    genova = plan_of(db_session, "63302")
    doc = db_session.scalar(select(Document).where(Document.plan_id == genova.id))
    return {"plan_id": genova.id, "document_id": doc.id, "dane_code": "63302", "code": "63", "machine": "pdt_approval",
            "subject": "-", "trigger": "record_ctp_concept"}


def test_every_route_answers_private_no_store_to_a_signed_in_user(app, client, demo, sample_values):  # noqa: F811
    sign_in(client, demo, "admin")
    checked = []
    for endpoint, method, url in urls(app, sample_values):
        response = client.open(url, method=method)
        assert response.headers.get("Cache-Control") == "private, no-store", (endpoint, method, url,
                                                                               response.status_code)
        checked.append(endpoint)
    assert {"notifications.preferences", "plans.document", "admin.users", "access_log.index", "api.plans",
            "board.history_export", "public.entity", "public.document"} <= set(checked)
    assert len(checked) > 60


def test_anonymous_visitors_get_short_public_caching_on_the_portal_only(app, client, demo, sample_values):  # noqa: F811
    for endpoint, method, url in urls(app, sample_values):
        # A fresh visitor each time: a flash message left by the previous answer ("Inicie sesión…") would be shown
        # on the next page, which is then rightly private.
        response = app.test_client().open(url, method=method)
        cache = response.headers.get("Cache-Control")
        if method == "GET" and endpoint in PUBLIC_PAGES | {"public.document"} and response.status_code == 200:
            assert cache.startswith("public, max-age="), (endpoint, url, cache)
            assert "Cookie" in response.headers.get("Vary", ""), endpoint
        else:
            assert cache == "private, no-store", (endpoint, method, url, response.status_code, cache)


def test_a_page_showing_a_flash_message_is_private(app, demo):  # noqa: F811
    visitor = app.test_client()
    assert visitor.get("/tablero").status_code == 302  # "Inicie sesión para continuar." waits in the session
    page = visitor.get("/publico")
    assert "Inicie sesión para continuar." in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store" and "ETag" not in page.headers
    assert visitor.get("/publico").headers["Cache-Control"].startswith("public, max-age=")


def test_the_calendar_feed_and_the_preferences_showing_its_secret_url_are_never_cached(client, demo, db_session):  # noqa: F811
    from workflow_app.models import User

    sign_in(client, demo, "alcalde.genova")
    page = client.get("/notificaciones/preferencias")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    token = db_session.scalar(select(User.ical_token).where(User.email == demo["alcalde.genova"].email))
    feed = client.get(f"/ical/u/{token}.ics")
    assert feed.status_code == 200 and feed.headers["Cache-Control"] == "private, no-store"


def test_the_pages_static_files_are_addressed_by_their_digest_and_kept_for_good(client):
    """QA (7 December 2026), a rural link: every page re-checked app.css (0.4 s) before it could draw. Its address
    now carries its digest, and that address is kept a year; the bare address keeps the revalidating default."""
    import hashlib
    import re
    from pathlib import Path

    page = client.get("/login").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    css = (Path(client.application.static_folder) / "app.css").read_bytes()
    assert href == f"/static/app.css?v={hashlib.sha256(css).hexdigest()[:12]}"
    kept = client.get(href)
    assert kept.status_code == 200 and kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "immutable" not in client.get("/static/app.css").headers.get("Cache-Control", "")
