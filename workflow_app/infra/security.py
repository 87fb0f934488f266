"""Security headers on every response: no inline script or style, no framing, no sniffing, and no caching of
anything but the public portal.

``Cache-Control: private, no-store`` is the default for every response (signed-in pages, the notification
preferences that show the secret calendar URLs, private downloads, feeds, the API, error pages): no shared or
browser cache keeps them. A blueprint that serves public pages sets its own short public caching
(``public_cache``) for visitors who are not signed in; static files keep Flask's own headers.
"""
from __future__ import annotations

from flask import Flask, Response, request, session

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
PRIVATE = "private, no-store"


def is_signed_in() -> bool:
    """From the session cookie alone (no database query): Flask-Login keeps the user's id there."""
    return session.get("_user_id") is not None


def public_cache(response: Response, max_age: int = 300) -> Response:
    """For a public blueprint's ``after_request``: short public caching of a GET for a visitor who is not signed
    in (the same page for everyone); a signed-in visitor's copy stays private."""
    if request.method in ("GET", "HEAD") and not is_signed_in() and response.status_code == 200:
        response.headers.setdefault("Cache-Control", f"public, max-age={max_age}")
        response.vary.add("Cookie")
    else:
        response.headers["Cache-Control"] = PRIVATE
    return response


def init_app(app: Flask) -> None:
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
        return response
