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

A copy is also kept gzip-compressed, once, when it is kept (its own key beside the copy's, read only for a browser
that accepts gzip and asks for the page itself, not for a revalidation): a browser that accepts gzip gets it (an entity's page
travels as about a fifth of its size, for a citizen on a rural connection) with ``Content-Encoding: gzip`` and the
app's ETag made weak (``W/"…"``, as nginx does: the same page in another encoding), and every copy says ``Vary:
Accept-Encoding``. ``If-None-Match`` compares weakly (RFC 9110 §13.1.2), so either form revalidates. These pages
hold no secret (no session, no form token: they are the same for every anonymous visitor), so compressing them
gives an attacker who can measure their size nothing to guess (BREACH); signed-in pages are never compressed here.
"""
from __future__ import annotations

import gzip
import json
import logging
import re
from http.cookies import CookieError, SimpleCookie

from flask import Flask
from werkzeug.http import parse_accept_header, parse_date, parse_etags

from workflow_app.infra.page_cache import GENERATION_KEY, public_generation

log = logging.getLogger(__name__)
FRONT_PREFIX = "pdt:public:front:"
GZIP_SUFFIX = ":gzip"  # the compressed body, after its copy's ETag and a newline (a copy and its body match)
FRONT_TTL_SECONDS = 120
#: /publico, /publico/departamentos/<2 digits>, /publico/<5-digit DANE code>; no query string.
PUBLIC_PATH = re.compile(r"/publico(?:/departamentos/\d{2}|/\d{5})?")
_NOT_FOR_304 = {"content-length", "content-type", "content-encoding"}
#: Pages shorter than this travel as they are: gzip's own header and the CPU would cost more than they save.
GZIP_FROM_BYTES = 1024
GZIP_LEVEL = 6


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
        # A browser's first visit reads the compressed body with the copy; a revalidation needs no body at all.
        gzip_ok = _accepts_gzip(environ)
        with_gzip = gzip_ok and not _is_conditional(environ)
        try:
            generation, stored, *zipped = client.mget(GENERATION_KEY, key, *([key + GZIP_SUFFIX] if with_gzip else []))
        except Exception as exc:  # noqa: BLE001 - Redis down: the app answers as without the front
            log.warning("Redis no disponible para las páginas públicas (%s)", exc)
            return self.wsgi_app(environ, start_response)
        generation = (generation or b"0").decode()
        day, release = self.app.extensions["clock"].today().isoformat(), self.app.config["RELEASE"]
        copy = json.loads(stored) if stored else None
        if copy and (copy["generation"], copy["day"], copy["release"]) == (generation, day, release):
            return self._answer(environ, start_response, copy, gzip_ok, _body_of(copy, zipped[0]) if zipped else None,
                                lambda: _read_gzip(client, key, copy))
        return self._build_and_keep(environ, start_response, client, key, (generation, day, release), gzip_ok)

    def _has_session(self, environ) -> bool:
        header = environ.get("HTTP_COOKIE")
        if not header:
            return False
        try:
            return self.app.config["SESSION_COOKIE_NAME"] in SimpleCookie(header)
        except CookieError:
            return True  # unreadable: let the app decide

    @staticmethod
    def _answer(environ, start_response, copy: dict, gzip_ok: bool, zipped_body: bytes | None, read_zipped=None):
        """``zipped_body``: the compressed body when it was read with the copy; else ``read_zipped()`` reads it
        (None if it is gone) when the answer needs it."""
        zipped = copy["gzip"] and gzip_ok
        if _is_current(environ, copy["etag"], copy["last_modified"]):
            headers = _headers_for(copy, zipped)
            start_response("304 NOT MODIFIED", [h for h in headers if h[0].lower() not in _NOT_FOR_304])
            return []
        body = (zipped_body or (read_zipped() if read_zipped else None)) if zipped else None
        if body is None:  # not asked for, or its key expired apart from the copy's: the page as it is
            zipped, body = False, copy["body"].encode("utf-8")
        start_response(copy["status"], [*_headers_for(copy, zipped), ("Content-Length", str(len(body)))])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _build_and_keep(self, environ, start_response, client, key: str, stamp: tuple, gzip_ok: bool):
        seen: dict = {}
        written: list[bytes] = []

        def remember(status, headers, exc_info=None):
            if exc_info is not None:  # an error after the start: told to the server at once, never kept
                seen["started"] = True
                return start_response(status, headers, exc_info)
            seen.update(status=status, headers=list(headers))
            return written.append  # the answer is started below, once its body (and its encoding) is known

        # A HEAD is built as the GET it stands for and answered with the GET's headers (its encoding, its length),
        # without the body; the copy is kept for the GET that follows.
        head = environ["REQUEST_METHOD"] == "HEAD"
        result = self.wsgi_app(dict(environ, REQUEST_METHOD="GET") if head else environ, remember)
        try:
            body = b"".join([*written, *result])
        finally:
            if hasattr(result, "close"):
                result.close()
        names = {name.lower(): value for name, value in seen.get("headers", ())}
        if not (seen.get("status", "").startswith("200")
                and "set-cookie" not in names and "etag" in names and not seen.get("started")
                and names.get("cache-control", "").startswith("public")):
            if not seen.get("started"):
                start_response(seen["status"], seen["headers"])
            return [] if head else [body]
        generation, day, release = stamp
        zipped = (gzip.compress(body, GZIP_LEVEL, mtime=0)
                  if len(body) >= GZIP_FROM_BYTES and "content-encoding" not in names else None)
        copy = {"generation": generation, "day": day, "release": release, "status": seen["status"],
                "headers": [h for h in seen["headers"] if h[0].lower() != "content-length"],
                "etag": parse_etags(names["etag"]).as_set().pop(), "last_modified": names.get("last-modified"),
                "body": body.decode("utf-8"), "gzip": zipped is not None}
        try:
            with client.pipeline() as pipe:
                pipe.set(key, json.dumps(copy), ex=FRONT_TTL_SECONDS)
                if zipped is not None:
                    pipe.set(key + GZIP_SUFFIX, copy["etag"].encode("ascii") + b"\n" + zipped, ex=FRONT_TTL_SECONDS)
                pipe.execute()
        except Exception as exc:  # noqa: BLE001
            log.warning("Redis no disponible para guardar una página pública (%s)", exc)
        return self._answer(environ, start_response, copy, gzip_ok, zipped)


def _body_of(copy: dict, stored: bytes | None) -> bytes | None:
    """The compressed body kept for ``copy``: None if absent or kept for another copy (another ETag)."""
    if not stored:
        return None
    etag, _, body = stored.partition(b"\n")
    return body if etag.decode("ascii", "replace") == copy["etag"] else None


def _read_gzip(client, key: str, copy: dict) -> bytes | None:
    """The compressed body, read on its own (a revalidation that found the page changed): None if Redis fails."""
    try:
        return _body_of(copy, client.get(key + GZIP_SUFFIX))
    except Exception as exc:  # noqa: BLE001 - the page as it is, uncompressed
        log.warning("Redis no disponible para la copia comprimida (%s)", exc)
        return None


def _is_conditional(environ) -> bool:
    return bool(environ.get("HTTP_IF_NONE_MATCH") or environ.get("HTTP_IF_MODIFIED_SINCE"))


def _accepts_gzip(environ) -> bool:
    """``Accept-Encoding`` names gzip (or ``*``) with a quality above zero."""
    header = environ.get("HTTP_ACCEPT_ENCODING")
    if not header or ("gzip" not in header and "*" not in header):  # most answers: no header to parse
        return False
    accepted = parse_accept_header(header)
    return bool(accepted["gzip"] or (accepted["*"] and "gzip" not in {value for value, _ in accepted}))


def _headers_for(copy: dict, zipped: bool) -> list[tuple[str, str]]:
    """The copy's headers for this answer: ``Vary`` names ``Accept-Encoding`` when a compressed copy exists; the
    compressed answer says so and carries the ETag made weak (the same page, another encoding)."""
    headers, vary = [], None
    for name, value in (tuple(h) for h in copy["headers"]):
        lowered = name.lower()
        if lowered == "vary":
            vary = value
            continue
        if lowered == "etag" and zipped:
            value = f'W/"{copy["etag"]}"'
        headers.append((name, value))
    if copy.get("gzip"):
        vary = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
        if zipped:
            headers.append(("Content-Encoding", "gzip"))
    if vary:
        headers.append(("Vary", vary))
    return headers


def _is_current(environ, etag: str, last_modified: str | None) -> bool:
    if environ.get("HTTP_IF_NONE_MATCH"):
        return parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains_weak(etag)  # weak comparison (RFC 9110)
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    modified = parse_date(last_modified)
    return since is not None and modified is not None and since >= modified


def init_app(app: Flask) -> None:
    """Outermost, in front of everything else (the proxy fix included: the answer needs no client address)."""
    app.wsgi_app = PublicFront(app, app.wsgi_app)
