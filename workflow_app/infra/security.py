"""Security headers on every response: no inline script or style, no framing, no sniffing, and no caching of
anything but the public portal.

``Cache-Control: private, no-store`` is the default for every response (signed-in pages, the notification
preferences that show the secret calendar URLs, private downloads, feeds, the API, error pages): no shared or
browser cache keeps them. A blueprint that serves public pages sets its own short public caching
(``public_cache``) for visitors who are not signed in; static files keep Flask's own headers.

A public page also carries validators (``revalidate``): an ``ETag`` from what the page is built of (the plan's
version, published proposals…, read in one cheap query by the service), the Bogotá day (deadline wording and
open hearings change with it) and the release (a deployment changes templates); and ``Last-Modified``. A
visitor or shared cache whose copy is current gets ``304 Not Modified`` before anything is rendered. Only for
anonymous visitors with nothing pending in their session (a flash message): a signed-in page stays private.

JSON bodies are bounded before they are parsed (``BoundedJSONProvider``): at most ``MAX_JSON_BYTES`` and
``MAX_JSON_DEPTH`` levels of brackets, counted without recursion; Python's parser recurses once per level and
100,000 nested brackets ended in a ``RecursionError`` (a 500).
"""
from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request, session
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from workflow_app.infra.clock import clock, start_of_day_utc

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
PRIVATE = "private, no-store"
IMMUTABLE = "public, max-age=31536000, immutable"


def is_signed_in() -> bool:
    """From the session cookie alone (no database query): Flask-Login keeps the user's id there."""
    return session.get("_user_id") is not None


def is_shared_page() -> bool:
    """A GET that every anonymous visitor sees alike: not signed in, and no flash message waiting to be shown.
    Decided once, as the request arrives (rendering the page consumes the flash messages)."""
    if "is_shared_page" not in g:
        g.is_shared_page = (request.method in ("GET", "HEAD") and not is_signed_in()
                            and not session.get("_flashes"))
    return g.is_shared_page


def note_shared_page() -> None:
    """For a public blueprint's ``before_request``."""
    is_shared_page()


def revalidate(parts: tuple, changed_at: datetime | None) -> Response | None:
    """Set this page's validators; a ``304`` response when the request's copy is still current, else None.

    ``parts`` is what the page is built of (a service's stamp; plain values, so its ``repr`` is the same in every
    process); the day and the release are added here. ``Last-Modified`` is never before today's 00:00 in Bogotá,
    since the page's wording follows the day."""
    if not is_shared_page():
        return None
    today = clock().today()
    material = repr((parts, today.isoformat(), current_app.config["RELEASE"])).encode()
    etag = hashlib.sha256(material).hexdigest()[:32]
    last_modified = max(changed_at or start_of_day_utc(today), start_of_day_utc(today)).replace(microsecond=0)
    g.public_validators = (etag, last_modified)
    if request.if_none_match:
        current = request.if_none_match.contains_weak(etag)  # weak comparison (RFC 9110 §13.1.2): a W/ copy too
    else:
        current = request.if_modified_since is not None and request.if_modified_since >= last_modified
    return Response(status=304) if current else None


def public_cache(response: Response, max_age: int = 120) -> Response:
    """For a public blueprint's ``after_request``: short public caching of a GET for a visitor who is not signed
    in (the same page for everyone), with its validators; a signed-in visitor's copy stays private."""
    if is_shared_page() and response.status_code in (200, 304):
        response.headers.setdefault("Cache-Control", f"public, max-age={max_age}")
        response.vary.add("Cookie")
        validators = g.get("public_validators")
        if validators is not None:
            response.set_etag(validators[0])
            response.last_modified = validators[1]
    else:
        response.headers["Cache-Control"] = PRIVATE
    return response


def is_cross_site() -> bool:
    """A request a browser sent from another site (``Sec-Fetch-Site``, or ``Origin`` when that is missing). A
    request without either header did not come from a modern browser's cross-site form, so it is not one."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    # The host alone: behind a TLS proxy not declared in TRUSTED_PROXIES the scheme seen here is http.
    return urlsplit(origin).netloc.lower() != request.host.lower()


def release_digest() -> str:
    """What identifies the running code and templates: ``PDT_RELEASE`` if set, else a digest of the source files
    (the same in every worker and host running the same files)."""
    return os.environ.get("PDT_RELEASE") or _source_digest(Path(__file__).resolve().parents[2])


@lru_cache(maxsize=4)
def _source_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for package in ("workflow_app", "forms", "state_machines"):
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".html", ".css", ".js", ".csv") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


MAX_JSON_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32
_JSON_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


JSON_TOO_LARGE = f"El cuerpo JSON supera {MAX_JSON_BYTES // 1024} KB; envíe solo los datos que se piden."
JSON_TOO_DEEP = (f"El cuerpo JSON anida más de {MAX_JSON_DEPTH} niveles de corchetes o llaves; envíe un objeto con "
                 "la forma que describe la documentación.")


def check_json_bounds(data: str | bytes) -> None:
    """Raise a 413 or a 400 with a Spanish description before a body reaches the parser."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_JSON_BYTES:
        raise RequestEntityTooLarge(description=JSON_TOO_LARGE)
    depth = 0
    for match in _JSON_BRACKETS.finditer(_JSON_STRINGS.sub(b"", raw)):  # brackets inside strings do not count
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise BadRequest(description=JSON_TOO_DEEP)
        else:
            depth -= 1


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with the bounds checked on every ``loads`` (``request.get_json`` included)."""

    def loads(self, s, **kwargs):
        check_json_bounds(s)
        return super().loads(s, **kwargs)


def init_app(app: Flask) -> None:
    app.config.setdefault("RELEASE", release_digest())
    app.json = BoundedJSONProvider(app)

    @app.after_request
    def set_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", PRIVATE)
        elif request.args.get("v") and response.status_code == 200:
            # Addressed by its digest (templating.menu_url): the same address never changes its bytes.
            response.headers["Cache-Control"] = IMMUTABLE
        return response
