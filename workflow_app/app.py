"""The Flask application: create_app() wires config, extensions, blueprints and the clock."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from config import config_for

from .clock import Clock
from .extensions import babel, csrf, db, login_manager, migrate


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    cfg = config_for(config_name)
    app.config.from_object(cfg)
    app.config.update(overrides)
    settings = dict(app.config)
    cfg.finalize(settings)
    app.config["SECRET_KEY"] = settings["SECRET_KEY"]

    app.extensions["clock"] = Clock.from_setting(app.config.get("PDT_TODAY"))
    app.url_map.converters["int"] = BoundedInt  # before any blueprint adds its rules

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: "es_CO", timezone_selector=lambda: "America/Bogota")
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Inicie sesión para continuar."
    login_manager.login_message_category = "info"

    from . import admin_views, api, auth, errors, jobs, plan_views, rate_limit, security, templating, views
    from .cli import pdt_cli

    rate_limit.init_app(app)
    jobs.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(plan_views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(__import__("workflow_app.public_views").public_views.bp)  # portal, moderation
    app.register_blueprint(__import__("workflow_app.ppi_views").ppi_views.bp)  # plan plurianual de inversiones
    app.register_blueprint(__import__("workflow_app.board_views").board_views.bp)  # board, hitos, exports
    __import__("notifications.web").web.init_app(app)  # notification centre, iCalendar feeds, admin deliveries
    app.cli.add_command(pdt_cli)
    return app


class BoundedInt(IntegerConverter):
    """Ids in URLs fit PostgreSQL's integer: a larger one is simply not found (404), never a database error."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def clock() -> Clock:
    from flask import current_app

    return current_app.extensions["clock"]
