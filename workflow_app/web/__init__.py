"""The web layer: one package per area, each with its blueprint(s) and its own ``templates/`` folder.

Views are thin (load or 404, authorise or 403, validate the form, call one service, render); everything they
do goes through ``workflow_app.services``. Shared page furniture (``base.html``, ``error.html``, the stylesheet)
lives in ``web/templates`` and ``web/static``.
"""
from __future__ import annotations

from flask import Flask

from workflow_app.web.account import auth, notifications
from workflow_app.web.account import views as account_views
from workflow_app.web.admin import access_log
from workflow_app.web.admin import views as admin_views
from workflow_app.web.api import views as api_views
from workflow_app.web.board import views as board_views
from workflow_app.web.plans import ppi as ppi_views
from workflow_app.web.plans import views as plan_views
from workflow_app.web.public import views as public_views

BLUEPRINTS = (
    auth.bp,  # sign-in, sign-out
    account_views.bp,  # "Mis pendientes", health checks
    notifications.bp,  # notification centre, iCalendar feeds, e-mail preferences, failed deliveries
    api_views.bp,  # read API /api/v1 (and, recorded with it, the API token page)
    plan_views.bp,  # the plan page and its acts
    ppi_views.bp,  # plan plurianual de inversiones
    board_views.bp,  # board, hitos, exports, expediente
    admin_views.bp,  # accounts, memberships, entity settings
    access_log.bp,  # who read non-public documents and exported history or board (ejecutivo, admin)
    public_views.bp,  # public portal, citizens' proposals, moderation
)


def register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
