"""The public pages answered before the app does any work: a WSGI middleware in front of the Flask app.

An anonymous visitor (no session cookie) asking with GET or HEAD for the portal's index, a department's page or
an entity's page gets, when a current copy is kept, ``304 Not Modified`` (its ``If-None-Match`` or
``If-Modified-Since`` matches) or the copy itself: no database query, no session, no template. A copy is the
app's own last answer to the same anonymous request (its status, headers and body), kept in Redis for
``FRONT_TTL_SECONDS`` with the public pages' generation read before the app built it
(``infra.page_cache.GENERATION_KEY``: every commit that writes what a public page shows moves it), the Bogotá
day and the release. A copy whose generation, day or release is not the current one is never answered: the app
builds the page again (and the next request gets the new copy). Without Redis the middleware steps aside.

Only answers the app gave every anonymous visitor alike are kept: 200, public ``Cache-Control``, an ``ETag``, and
no ``Set-Cookie``. The lifetime bounds what a write made outside the app (by hand in SQL) could leave stale to the
same two minutes a shared cache may keep the page anyway (``max-age=120``).
"""
from __future__ import annotations

import json
import logging
import re
from http.cookies import CookieError, SimpleCookie

from flask import Flask
from werkzeug.http import parse_date, parse_etags

from workflow_app.infra.page_cache import GENERATION_KEY, public_generation

log = logging.getLogger(__name__)
FRONT_PREFIX = "pdt:public:front:"
FRONT_TTL_SECONDS = 120
#: /publico, /publico/departamentos/<2 digits>, /publico/<5-digit DANE code>; no query string.
PUBLIC_PATH = re.compile(r"/publico(?:/departamentos/\d{2}|/\d{5})?")
_NOT_FOR_304 = {"content-length", "content-type"}


class PublicFront:
    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if (environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING")
                or not PUBLIC_PATH.fullmatch(path) or self._has_session(environ)):
            return self.wsgi_app(environ, start_response)
        client = public_generation(self.app)
        if client is None:
            return self.wsgi_app(environ, start_response)
        key = FRONT_PREFIX + path
        try:
            generation, stored = client.mget(GENERATION_KEY, key)
        except Exception as exc:  # noqa: BLE001 - Redis down: the app answers as without the front
            log.warning("Redis no disponible para las páginas públicas (%s)", exc)
            return self.wsgi_app(environ, start_response)
        generation = (generation or b"0").decode()
        day, release = self.app.extensions["clock"].today().isoformat(), self.app.config["RELEASE"]
        copy = json.loads(stored) if stored else None
        if copy and (copy["generation"], copy["day"], copy["release"]) == (generation, day, release):
            return self._answer(environ, start_response, copy)
        return self._build_and_keep(environ, start_response, client, key, (generation, day, release))

    def _has_session(self, environ) -> bool:
        header = environ.get("HTTP_COOKIE")
        if not header:
            return False
        try:
            return self.app.config["SESSION_COOKIE_NAME"] in SimpleCookie(header)
        except CookieError:
            return True  # unreadable: let the app decide

    @staticmethod
    def _answer(environ, start_response, copy: dict):
        headers = [tuple(h) for h in copy["headers"]]
        if _is_current(environ, copy["etag"], copy["last_modified"]):
            start_response("304 NOT MODIFIED", [h for h in headers if h[0].lower() not in _NOT_FOR_304])
            return []
        start_response(copy["status"], headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [copy["body"].encode("utf-8")]

    def _build_and_keep(self, environ, start_response, client, key: str, stamp: tuple):
        seen: dict = {}

        def remember(status, headers, exc_info=None):
            seen.update(status=status, headers=list(headers))
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, remember)
        if environ["REQUEST_METHOD"] == "HEAD":
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        names = {name.lower(): value for name, value in seen.get("headers", ())}
        if (seen.get("status", "").startswith("200") and "set-cookie" not in names and "etag" in names
                and names.get("cache-control", "").startswith("public")):
            generation, day, release = stamp
            copy = {"generation": generation, "day": day, "release": release, "status": seen["status"],
                    "headers": seen["headers"], "etag": parse_etags(names["etag"]).as_set().pop(),
                    "last_modified": names.get("last-modified"), "body": body.decode("utf-8")}
            try:
                client.set(key, json.dumps(copy), ex=FRONT_TTL_SECONDS)
            except Exception as exc:  # noqa: BLE001
                log.warning("Redis no disponible para guardar una página pública (%s)", exc)
        return [body]


def _is_current(environ, etag: str, last_modified: str | None) -> bool:
    if environ.get("HTTP_IF_NONE_MATCH"):
        return parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains(etag)
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    modified = parse_date(last_modified)
    return since is not None and modified is not None and since >= modified


def init_app(app: Flask) -> None:
    """Outermost, in front of everything else (the proxy fix included: the answer needs no client address)."""
    app.wsgi_app = PublicFront(app, app.wsgi_app)
