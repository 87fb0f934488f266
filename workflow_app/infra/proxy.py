"""Behind reverse proxies: the real client address for rate limits and log lines.

``TRUSTED_PROXIES`` is the number of proxies in front of the app that set ``X-Forwarded-For`` and
``X-Forwarded-Proto`` (Werkzeug's ProxyFix takes that many values from the right of each header). With 0, the
default, forwarded headers are ignored: anyone can write them, so they are only believed when a proxy we run
wrote them. The host is never taken from the request: links are built from ``BASE_URL``.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, has_request_context, request
from flask.logging import default_handler
from werkzeug.middleware.proxy_fix import ProxyFix

LOG_FORMAT = "[%(asctime)s] %(levelname)s %(name)s cliente=%(client_address)s: %(message)s"


class ClientAddressFilter(logging.Filter):
    """Adds ``client_address`` (the real one, after ProxyFix) to every log record made during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "client_address"):
            record.client_address = request.remote_addr if has_request_context() else "-"
        return True


_FILTER = ClientAddressFilter()


def init_app(app: Flask) -> None:
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops < 0:
        raise RuntimeError("TRUSTED_PROXIES debe ser un número de saltos de proxy (0 o más).")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    default_handler.addFilter(_FILTER)
    default_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    app.logger.addFilter(_FILTER)


def client_address() -> str:
    """The address a rate limit counts and a log line names."""
    return request.remote_addr or "-"


def public_base_url() -> str:
    """The address of every link sent out (e-mails, iCalendar feeds): ``BASE_URL``, required in production. A
    local instance without it uses the address being served (or its own port outside a request)."""
    configured = (current_app.config.get("BASE_URL") or "").rstrip("/")
    if configured:
        return configured
    if has_request_context():
        return request.host_url.rstrip("/")
    return f"http://127.0.0.1:{current_app.config.get('PORT', 5000)}"
