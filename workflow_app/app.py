"""The application factory, and the table of contents of the service.

Read top to bottom, ``create_app`` lists the layers from the bottom up (``docs/ARCHITECTURE.md``):
plumbing (``workflow_app.infra``), who is told (``notifications``), the pages by area (``workflow_app.web``)
and the command line (``workflow_app.cli``). The legal core (``state_machines``), the domain (``models``,
``history``, ``permissions``) and the use cases (``services``) need no wiring: they are plain imports.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask

import notifications.hooks
from config import config_for
from workflow_app.cli import pdt_cli
from workflow_app.infra import (
    clean_input,
    errors,
    jobs,
    page_cache,
    proxy,
    rate_limit,
    security,
    sessions,
    templating,
)
from workflow_app.infra.clock import Clock
from workflow_app.infra.database import description, liveness, sqlite
from workflow_app.infra.extensions import babel, csrf, db, login_manager, migrate
from workflow_app.services.events import act_recorded
from workflow_app.services.integrity import checkpoints
from workflow_app.web import register_blueprints
from workflow_app.web.converters import BoundedInt
from workflow_app.web.public import front as public_front

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask("workflow_app", template_folder="web/templates", static_folder="web/static")
    _configure(app, config_name, overrides)

    # Plumbing: the real client address behind proxies, clean form text, database, migrations, CSRF, locale,
    # sign-in and its server-side sessions, jobs after commit, limits, filters, headers, errors.
    proxy.init_app(app)
    clean_input.init_app(app)  # forms without invisible control characters, on both databases
    sqlite.init_app(app)  # the trial instance's SQLite gets PostgreSQL's translate()
    db.init_app(app)
    liveness.init_app(app)  # a pooled PostgreSQL connection is pinged after resting, not at every checkout
    description.init_app(app)  # psycopg's cursor.description made when read, not after every statement
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: "es_CO", timezone_selector=lambda: "America/Bogota")
    login_manager.init_app(app)
    sessions.init_app(app)
    jobs.init_app(app)
    rate_limit.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    errors.init_app(app)

    # Every act moves the public pages' generation after its commit (infra.page_cache; web.public.front).
    act_recorded.connect(page_cache.note_public_change, weak=False)

    # Who is told: notices of every recorded act, e-mail templates, the embedded sweep (no Redis).
    notifications.hooks.init_app(app)

    # Pages by area: account, plans (and PPI), board, public portal, admin, API.
    register_blueprints(app)
    # In front of it all: anonymous visitors' public pages answered from Redis while nothing they show changed.
    public_front.init_app(app)

    # Command line: flask --app wsgi pdt …
    app.cli.add_command(pdt_cli)
    checkpoints.warn_if_unsigned(app.config)  # production without CHECKPOINT_KEY runs, and says so
    return app


def _configure(app: Flask, config_name: str | None, overrides: dict) -> None:
    cfg = config_for(config_name)
    app.config.from_object(cfg)
    app.config.update(overrides)
    settings = dict(app.config)
    cfg.finalize(settings)
    for key in ("SECRET_KEY", "HISTORY_KEY"):  # finalize may generate a local instance's keys
        app.config[key] = settings.get(key)
    app.extensions["clock"] = Clock.from_setting(app.config.get("PDT_TODAY"))
    app.url_map.converters["int"] = BoundedInt  # before any blueprint adds its rules
