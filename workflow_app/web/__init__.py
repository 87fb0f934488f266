"""The web layer: one package per area, each with its blueprint(s) and its own ``templates/`` folder.

Views are thin (load or 404, authorise or 403, validate the form, call one service, render); everything they
do goes through ``workflow_app.services``. Shared page furniture (``base.html``, ``error.html``, the stylesheet)
lives in ``web/templates`` and ``web/static``.
"""
from __future__ import annotations

from flask import Flask

from workflow_app.web.account import account, auth, notifications, people
from workflow_app.web.account import views as account_views
from workflow_app.web.admin import access_log
from workflow_app.web.admin import settings as settings_views
from workflow_app.web.admin import views as admin_views
from workflow_app.web.api import views as api_views
from workflow_app.web.board import views as board_views
from workflow_app.web.followup import views as followup_views
from workflow_app.web.help import views as help_views
from workflow_app.web.phase2 import views as phase2_views
from workflow_app.web.plans import ppi as ppi_views
from workflow_app.web.plans import views as plan_views
from workflow_app.web.public import views as public_views

BLUEPRINTS = (
    auth.bp,  # sign-in, sign-out, password links, the account page
    people.bp,  # delegated administration: an entity's or authority's people
    account_views.bp,  # "Mis pendientes", health checks
    account.bp,  # "Mi calendario" ("Mi cuenta" itself is auth.account: password and sessions)
    notifications.bp,  # notification centre, iCalendar feeds, e-mail preferences, failed deliveries
    api_views.bp,  # read API /api/v1 (and, recorded with it, the API token page)
    plan_views.bp,  # the plan page and its acts
    ppi_views.bp,  # plan plurianual de inversiones
    phase2_views.bp,  # Phase II: plan indicativo, armonización, presupuesto, plan de compras (issue 21)
    board_views.bp,  # board, hitos, exports, expediente
    followup_views.bp,  # Monitoreo 360: monthly survey, Lista de Chequeo, SETA cuts, activity reports, ranking
    admin_views.bp,  # accounts, the period's opening, the import of officials, regimes
    settings_views.bp,  # per-entity and per-plan settings (also for the entity's ejecutivo or planeación)
    access_log.bp,  # who read non-public documents and exported history or board (ejecutivo, admin)
    public_views.bp,  # public portal, citizens' proposals, moderation
    help_views.bp,  # "¿Qué me toca?" per role, glossary
)


def register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
